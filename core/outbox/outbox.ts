import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Mailbox, OutboxRow, User } from '../db/schema.ts';
import { attachmentsToSend } from '../drafts/draft-attachments.ts';
import { TemplateLibrary } from '../drafts/templates.ts';
import { ConflictError, LonghandError, OAuthError, SmtpError } from '../errors.ts';
import { ingestMessage } from '../intake/intake.ts';
import { fileSentCopy, isInSent, markAnswered } from '../mail/imap.ts';
import type { ImapSessions } from '../mail/imap-sessions.ts';
import type { TokenSource } from '../mail/server-url.ts';
import { sendRaw } from '../mail/smtp.ts';
import { getMailbox, mailboxServers } from '../mailboxes/mailboxes.ts';
import { firstNameOfUser } from '../users/users.ts';
import { buildReply } from './reply-message.ts';

export const MAX_SEND_ATTEMPTS = 8;
/** How often a send waiting for its mailbox to be reconnected looks again. */
export const RECONNECT_WAIT_MS = 5 * 60_000;
/** How long a provider that files sent mail itself (Gmail, Microsoft 365) is given to do so before we file our copy. */
export const PROVIDER_FILING_GRACE_MS = 10 * 60_000;

export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'failed'; reason: string }
  | { kind: 'uncertain'; reason: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'later'; at: Date };

/** A temporary failure: the queue should try again later with backoff. */
export class RetryLater extends LonghandError {
  constructor(message: string) {
    super('retry_later', message);
  }
}

/**
 * Does whatever is left for one outbox row, so running it twice has the effect of running it once.
 * The row is marked `sending` before the SMTP handoff and `sent` after it: a row found in `sending`
 * means a worker died in between, and that is settled from the Sent folder or left to a person,
 * never by sending blindly again.
 */
export async function deliverOutbox(ctx: Ctx, outboxId: number, imap: ImapSessions): Promise<DeliveryOutcome> {
  const row = await ctx.db.selectFrom('outbox').selectAll().where('id', '=', outboxId).executeTakeFirst();
  if (!row) return { kind: 'skipped', reason: 'no such outbox row' };
  const now = ctx.clock.now();
  switch (row.state) {
    case 'cancelled':
    case 'failed':
    case 'uncertain':
      return { kind: 'skipped', reason: row.state };
    case 'sent':
      // Sent, but the copy may or may not have reached Sent before we stopped: look before filing.
      // (Joining the conversation again is a no-op for a message already there.)
      if (!row.filed_at) await finishSent(ctx, imap, row, true);
      return { kind: 'sent' };
    case 'sending':
      return settleInterrupted(ctx, imap, row);
    case 'queued':
      if (row.send_after.getTime() > now.getTime()) return { kind: 'later', at: row.send_after };
  }

  const mailbox = await getMailbox(ctx, row.mailbox_id);
  const servers = mailboxServers(ctx, mailbox);
  // The sign-in is settled before the row is claimed: a token that cannot be had is a wait, never an unknown outcome.
  const waiting = await signInReady(ctx, mailbox, servers.smtp.tokens);
  if (waiting) return waiting;
  const draft = await ctx.db.selectFrom('drafts').selectAll().where('id', '=', row.draft_id).executeTakeFirstOrThrow();
  const sender = draft.author_id ? await ctx.db.selectFrom('users').selectAll().where('id', '=', draft.author_id).executeTakeFirst() : undefined;
  const answering = draft.answers_message_id ? await ctx.db.selectFrom('messages').selectAll().where('id', '=', draft.answers_message_id).executeTakeFirst() : undefined;
  const raw = await buildReply({
    messageId: row.message_id,
    date: now,
    from: { name: sender ? `${firstNameOfUser(sender)} at ${mailbox.name}` : mailbox.name, address: mailbox.email },
    to: draft.to,
    cc: draft.cc,
    subject: draft.subject,
    body: draft.body,
    signature: await signatureFor(ctx, sender, mailbox, draft.template_name),
    attachments: await attachmentsToSend(ctx.db, draft.id),
    answering: answering
      ? {
          messageId: answering.message_id,
          references: answering.references,
          date: answering.date,
          fromName: answering.from_name,
          fromAddress: answering.from_address,
          text: answering.new_text,
        }
      : null,
  });
  const envelope = { from: mailbox.email, to: [...draft.to, ...draft.cc].map((a) => a.address) };

  // Claim the row: only one worker moves it from queued to sending, and only once the undo window is over.
  const claimed = await ctx.db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('outbox')
      .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), raw, envelope_from: envelope.from, envelope_to: envelope.to, updated_at: now }))
      .where('id', '=', row.id)
      .where('state', '=', 'queued')
      .where('send_after', '<=', now)
      .returning('attempts')
      .executeTakeFirst();
    if (updated) await tx.updateTable('drafts').set({ status: 'sending', updated_at: now }).where('id', '=', row.draft_id).where('status', '=', 'approved').execute();
    return updated;
  });
  if (!claimed) return { kind: 'skipped', reason: 'another worker has it, or it was undone' };

  let response: string;
  try {
    response = (await sendRaw(servers.smtp, envelope, raw)).response;
  } catch (err) {
    if (!(err instanceof SmtpError)) throw err;
    if (err.ambiguous) return markUncertain(ctx, row, `The connection broke while the message was being handed over; it may or may not have been delivered. (${err.message})`);
    if (err.permanent || claimed.attempts >= MAX_SEND_ATTEMPTS) return markFailed(ctx, row, err.message);
    await ctx.db.transaction().execute(async (tx) => {
      await tx.updateTable('outbox').set({ state: 'queued', last_error: err.message, updated_at: ctx.clock.now() }).where('id', '=', row.id).execute();
      await tx.updateTable('drafts').set({ status: 'approved', updated_at: ctx.clock.now() }).where('id', '=', row.draft_id).where('status', '=', 'sending').execute();
    });
    throw new RetryLater(err.message);
  }

  await markSent(ctx, row, response, draft.approved_by);
  await finishSent(ctx, imap, { ...row, raw }, false);
  return { kind: 'sent' };
}

/** Null when the mailbox can sign in now; else when to look again (waiting for a reconnect) or a retry. */
async function signInReady(ctx: Ctx, mailbox: Mailbox, tokens: TokenSource | undefined): Promise<DeliveryOutcome | null> {
  const later: DeliveryOutcome = { kind: 'later', at: new Date(ctx.clock.now().getTime() + RECONNECT_WAIT_MS) };
  if (mailbox.needs_reconnect) return later;
  if (!tokens) return null;
  try {
    await tokens.current();
    return null;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    if (err.revoked) return later;
    throw new RetryLater(err.message);
  }
}

/** After the handoff: our reply joins its conversation, then its copy is filed on the server. */
async function finishSent(ctx: Ctx, imap: ImapSessions, row: OutboxRow, lookFirst: boolean): Promise<void> {
  if (!row.raw) return;
  const draft = await ctx.db.selectFrom('drafts').select('author_id').where('id', '=', row.draft_id).executeTakeFirstOrThrow();
  await ingestMessage(ctx, { source: Buffer.from(row.raw), origin: 'outbox', mailboxId: row.mailbox_id, historical: false, sentByUserId: draft.author_id });
  await fileCopy(ctx, imap, row, lookFirst);
}

export async function signatureFor(ctx: Ctx, sender: User | undefined, mailbox: Mailbox, templateName: string | null): Promise<string> {
  // A draft from `replies/de/…` signs off in German; every other draft with the shipped English partial.
  const language = /^replies\/([a-z]{2})\//.exec(templateName ?? '')?.[1];
  const staff = sender ? { name: sender.name, firstName: firstNameOfUser(sender), signature: sender.signature } : { name: mailbox.name, firstName: mailbox.name, signature: '' };
  const rendered = await new TemplateLibrary(ctx.db)
    .render(language ? `partials/${language}/signature` : 'partials/signature', { staff, company: { name: mailbox.name } })
    .catch(() => ({ body: staff.name }));
  return rendered.body;
}

async function markSent(ctx: Ctx, row: OutboxRow, response: string, actorUserId: number | null): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('outbox').set({ state: 'sent', smtp_response: response, last_error: null, updated_at: now }).where('id', '=', row.id).execute();
    await tx.updateTable('drafts').set({ status: 'sent', sent_at: now, updated_at: now }).where('id', '=', row.draft_id).execute();
    await audit(tx, now, { actorUserId, action: 'draft.sent', subjectType: 'draft', subjectId: row.draft_id, details: { outboxId: row.id, messageId: row.message_id, response } });
  });
}

async function markFailed(ctx: Ctx, row: OutboxRow, reason: string): Promise<DeliveryOutcome> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('outbox').set({ state: 'failed', last_error: reason, updated_at: now }).where('id', '=', row.id).execute();
    await tx.updateTable('drafts').set({ status: 'failed', failure: reason, updated_at: now }).where('id', '=', row.draft_id).execute();
    await audit(tx, now, { actorUserId: null, action: 'draft.send_failed', subjectType: 'draft', subjectId: row.draft_id, details: { outboxId: row.id, reason } });
  });
  return { kind: 'failed', reason };
}

async function markUncertain(ctx: Ctx, row: OutboxRow, reason: string): Promise<DeliveryOutcome> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('outbox').set({ state: 'uncertain', last_error: reason, updated_at: now }).where('id', '=', row.id).execute();
    await tx.updateTable('drafts').set({ status: 'uncertain', failure: reason, updated_at: now }).where('id', '=', row.draft_id).execute();
    await audit(tx, now, { actorUserId: null, action: 'draft.send_uncertain', subjectType: 'draft', subjectId: row.draft_id, details: { outboxId: row.id, reason } });
  });
  return { kind: 'uncertain', reason };
}

/** A worker died between claiming and recording: the Sent folder tells whether the mail went out. */
async function settleInterrupted(ctx: Ctx, imap: ImapSessions, row: OutboxRow): Promise<DeliveryOutcome> {
  const mailbox = await getMailbox(ctx, row.mailbox_id);
  const found = mailbox.source !== 'demo' && (await imap.use(ctx, row.mailbox_id, (client) => isInSent(client, mailbox.name, row.message_id)));
  if (found) {
    await markSent(ctx, row, 'found in the Sent folder after an interrupted send', null);
    await finishSent(ctx, imap, row, true);
    return { kind: 'sent' };
  }
  return markUncertain(
    ctx,
    row,
    'A worker stopped while handing this reply to the SMTP server, and it is not in the Sent folder. Check with the customer or your mail provider whether it arrived before sending again.',
  );
}

/**
 * Files our copy in Sent and flags the customer's message \Answered; retried until it succeeds. A retry
 * looks in Sent first (the copy may have landed before we stopped); the first attempt need not.
 */
async function fileCopy(ctx: Ctx, imap: ImapSessions, row: OutboxRow, lookFirst: boolean): Promise<void> {
  if (!row.raw) return;
  // The demo mailbox has no IMAP server to file into.
  const mailbox = await getMailbox(ctx, row.mailbox_id);
  if (mailbox.source === 'demo') return markFiled(ctx, row.id);
  const raw = Buffer.from(row.raw);
  const answered = await ctx.db
    .selectFrom('drafts')
    .innerJoin('message_locations', 'message_locations.message_id', 'drafts.answers_message_id')
    .innerJoin('folders', 'folders.id', 'message_locations.folder_id')
    .select(['folders.path', 'message_locations.uidvalidity', 'message_locations.uid', 'message_locations.id'])
    .where('drafts.id', '=', row.draft_id)
    .where('message_locations.mailbox_id', '=', row.mailbox_id)
    .where('message_locations.expunged_at', 'is', null)
    .execute();
  const settled = await imap.use(ctx, row.mailbox_id, async (client) => {
    // Gmail and Microsoft 365 file what goes through their SMTP in Sent themselves: look for theirs instead of adding a second.
    const found = (lookFirst || mailbox.files_sent_copy) && (await isInSent(client, mailbox.name, row.message_id));
    const providerStillFiling = !found && mailbox.files_sent_copy && ctx.clock.now().getTime() - row.updated_at.getTime() < PROVIDER_FILING_GRACE_MS;
    if (!found && !providerStillFiling) await fileSentCopy(client, raw, row.updated_at);
    for (const loc of answered) await markAnswered(client, loc.path, loc.uidvalidity, loc.uid);
    return !providerStillFiling;
  });
  if (!settled) throw new RetryLater('The provider has not filed the sent copy yet; looking again.');
  await markFiled(ctx, row.id);
}

async function markFiled(ctx: Ctx, outboxId: number): Promise<void> {
  await ctx.db.updateTable('outbox').set({ filed_at: ctx.clock.now() }).where('id', '=', outboxId).execute();
}

/**
 * A person settles a send whose outcome was unknown: it did arrive (recorded as sent, and filed), or it
 * did not (sent again, under the same Message-ID so a copy that did arrive after all is recognisably one).
 */
export async function settleUncertain(ctx: Ctx, draftId: number, actor: User, delivered: boolean): Promise<void> {
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (tx) => {
    const outbox = await tx.selectFrom('outbox').selectAll().where('draft_id', '=', draftId).where('state', '=', 'uncertain').forUpdate().executeTakeFirst();
    if (!outbox) throw new ConflictError('not_uncertain', 'This reply is not waiting for anyone to check its delivery.');
    await tx
      .updateTable('outbox')
      .set({ state: delivered ? 'sent' : 'queued', send_after: now, updated_at: now, ...(delivered ? { smtp_response: 'delivery confirmed by a person' } : {}) })
      .where('id', '=', outbox.id)
      .execute();
    await tx
      .updateTable('drafts')
      .set({ status: delivered ? 'sent' : 'approved', failure: null, updated_at: now, ...(delivered ? { sent_at: now } : {}) })
      .where('id', '=', draftId)
      .execute();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: delivered ? 'draft.delivery_confirmed' : 'draft.resent',
      subjectType: 'draft',
      subjectId: draftId,
      details: { outboxId: outbox.id },
    });
    return outbox;
  });
  // Either way the job finishes what is left: filing the copy, or sending again.
  await ctx.jobs.sendApproved(row.id, now);
}

/** Outbox rows not settled yet: queued, being sent, or sent but not filed (filing a copy in Sent outlasts a job's retries). */
export async function unsettledOutbox(ctx: Ctx): Promise<Array<Pick<OutboxRow, 'id' | 'send_after'>>> {
  return ctx.db
    .selectFrom('outbox')
    .select(['id', 'send_after'])
    .where((eb) => eb.or([eb('state', 'in', ['queued', 'sending']), eb.and([eb('state', '=', 'sent'), eb('filed_at', 'is', null)])]))
    .execute();
}
