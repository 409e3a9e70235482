import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { messageIdKey } from '../conversations/threading.ts';
import { anyOf } from '../db/batch-sql.ts';
import type { AddressJson, DB, Draft, DraftStatus, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, QueueUnavailableError, ValidationError } from '../errors.ts';
import { teamSettings } from '../settings/team-settings.ts';
import { checkReply } from './draft-touch.ts';
import { sendTime } from './send-later.ts';
import { checkSenderChoice, requireSender } from './sender.ts';
import { findSlots } from './slots.ts';
import { EDITABLE_DRAFT_STATUSES, UNSETTLED_DRAFT_STATUSES } from './statuses.ts';

const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export async function listDrafts(ctx: Ctx, filter: { status?: DraftStatus; kind?: Draft['kind'] } = {}): Promise<Draft[]> {
  let q = ctx.db.selectFrom('drafts').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function getDraft(ctx: Ctx | { db: Kysely<DB> }, id: number): Promise<Draft> {
  const draft = await ctx.db.selectFrom('drafts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!draft) throw new NotFoundError('Draft', id);
  return draft;
}

export interface DraftEdit {
  subject?: string;
  body?: string;
  to?: AddressJson[];
  cc?: AddressJson[];
  /** The mailbox it goes out from. */
  mailboxId?: number;
  /** The draft version the editor started from; a different current version means someone else edited. */
  baseVersion?: number;
  /** A restore is its own version in the history, never folded into the autosave before it. */
  newRevision?: boolean;
}

/** What becomes a header (subject, recipients) must be one line, and every recipient an address. */
export function checkHeaders(edit: Pick<DraftEdit, 'subject' | 'to' | 'cc'>): void {
  if (edit.subject !== undefined && /[\r\n]/.test(edit.subject)) throw new ValidationError('The subject cannot contain line breaks.', 'subject');
  for (const field of ['to', 'cc'] as const) {
    for (const a of edit[field] ?? []) {
      if (!ADDRESS.test(a.address) || /[\r\n]/.test(a.name)) throw new ValidationError(`"${a.address}" is not a valid recipient.`, field);
    }
  }
}

/** The draft, locked for the rest of the transaction, if it may still be changed (only a pending one may). */
export async function lockEditableDraft(tx: Kysely<DB>, id: number): Promise<Draft> {
  const draft = await tx.selectFrom('drafts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!draft) throw new NotFoundError('Draft', id);
  if (!EDITABLE_DRAFT_STATUSES.includes(draft.status))
    throw new ConflictError('draft_not_editable', `This draft is ${draft.status}; only pending drafts can be edited.`, { status: draft.status });
  return draft;
}

/** Saves a person's edit as a new revision; refuses to overwrite an edit they have not seen. */
export async function editDraft(ctx: Ctx, id: number, edit: DraftEdit, actor: User): Promise<Draft> {
  checkHeaders(edit);
  return ctx.db.transaction().execute(async (tx) => {
    if (edit.mailboxId !== undefined) await checkSenderChoice(tx, edit.mailboxId);
    const draft = await lockEditableDraft(tx, id);
    if (edit.baseVersion !== undefined && edit.baseVersion !== draft.version) {
      throw new ConflictError('draft_edited_elsewhere', 'Someone else changed this draft since you opened it. Reload to see their edit; your text was not saved.', {
        version: draft.version,
      });
    }
    const now = ctx.clock.now();
    const updated = await tx
      .updateTable('drafts')
      .set((eb) => ({
        ...(edit.subject !== undefined ? { subject: edit.subject.trim() } : {}),
        // Whoever writes the words sends them: the From name is theirs.
        ...(edit.body !== undefined ? { body: edit.body, author_id: actor.id } : {}),
        ...(edit.to !== undefined ? { to: JSON.stringify(edit.to) } : {}),
        ...(edit.cc !== undefined ? { cc: JSON.stringify(edit.cc) } : {}),
        ...(edit.mailboxId !== undefined ? { mailbox_id: edit.mailboxId } : {}),
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordRevision(tx, updated, actor.id, now, edit.newRevision ?? false);
    return updated;
  });
}

/** A draft as one saved version: its words and who it goes to, ready to write into draft_revisions. */
export function revisionValues(draft: Pick<Draft, 'subject' | 'body' | 'to' | 'cc'>) {
  return { subject: draft.subject, body: draft.body, to: JSON.stringify(draft.to), cc: JSON.stringify(draft.cc) };
}

/** The first version of a new draft, as Longhand (or the person who started it) wrote it. */
export async function recordFirstRevision(tx: Kysely<DB>, draftId: number, draft: Pick<Draft, 'subject' | 'body' | 'to' | 'cc'>, authorId: number | null): Promise<void> {
  await tx
    .insertInto('draft_revisions')
    .values({ draft_id: draftId, author_id: authorId, ...revisionValues(draft) })
    .execute();
}

/** Autosave writes often: consecutive saves by one person within two minutes fold into one revision. */
async function recordRevision(tx: Kysely<DB>, draft: Draft, authorId: number, now: Date, separate: boolean): Promise<void> {
  const last = separate ? undefined : await tx.selectFrom('draft_revisions').selectAll().where('draft_id', '=', draft.id).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (last && last.author_id === authorId && now.getTime() - last.created_at.getTime() < 120_000) {
    await tx.updateTable('draft_revisions').set(revisionValues(draft)).where('id', '=', last.id).execute();
  } else {
    await tx
      .insertInto('draft_revisions')
      .values({ draft_id: draft.id, author_id: authorId, ...revisionValues(draft), created_at: now })
      .execute();
  }
}

export interface ApproveOptions {
  /** The conversation version the person last saw; when stale, approval waits until they have seen the change. */
  seenVersion?: number;
  /** The draft version the approver reviewed; any edit since (body, subject, recipients or attachments) refuses the approval. */
  draftVersion?: number;
  /** Send at this time instead of right after the undo window (send later); see sendTime. */
  sendAt?: Date;
}

/**
 * Approves a draft: in one transaction the draft enters its undo window and an outbox row is written;
 * the send job is only a pointer to that row. Approving an approved draft changes nothing.
 */
export async function approveDraft(ctx: Ctx, id: number, actor: User, options: ApproveOptions = {}): Promise<Draft> {
  const settings = await teamSettings(ctx);
  const undoMs = settings.undoSeconds * 1000;
  // A wrong time is refused before anything is checked or saved.
  sendTime(ctx.clock.now(), undoMs, options.sendAt);
  const result = await ctx.db.transaction().execute(async (tx): Promise<{ draft: Draft; outbox: { id: number; send_after: Date } | null; refusal?: ConflictError }> => {
    const draft = await tx.selectFrom('drafts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!draft) throw new NotFoundError('Draft', id);
    if (['approved', 'sending', 'sent'].includes(draft.status)) return { draft, outbox: null };
    if (draft.status !== 'pending') throw new ConflictError('draft_not_pending', `This draft is ${draft.status} and cannot be approved.`, { status: draft.status });
    const conversation = await tx.selectFrom('conversations').selectAll().where('id', '=', draft.conversation_id).executeTakeFirstOrThrow();
    if (options.seenVersion !== undefined && options.seenVersion !== conversation.version) {
      throw new ConflictError('conversation_changed', 'The conversation changed since you loaded it (a new message, reply or note). Look at it again, then approve.', {
        version: conversation.version,
      });
    }
    // A new customer message also bumps the draft's version; the conversation check above says why first.
    if (options.draftVersion !== undefined && options.draftVersion !== draft.version) {
      throw new ConflictError('draft_changed', 'The draft changed since you reviewed it (its body, subject, recipients or attachments). Look at it again, then approve.', {
        version: draft.version,
      });
    }
    const slots = findSlots(draft.body).map((s) => s.hint);
    if (slots.length > 0) {
      throw new ConflictError('unfilled_slots', `Fill in the personal parts first: ${slots.map((s) => `"${s}"`).join(', ')}.`, { slots });
    }
    if (!draft.body.trim()) throw new ConflictError('empty_draft', 'The reply is empty.');
    if (draft.to.length === 0) throw new ConflictError('no_recipient', 'The reply has no recipient.');
    const mailbox = await requireSender(tx, draft, conversation);
    const now = ctx.clock.now();
    // The score as approved is kept: the report shows how personal replies were over time.
    const touch = await checkReply(ctx, draft.body, draft.conversation_id, draft, tx, settings, actor);
    if (touch.score < settings.minTouchScore) {
      throw new ConflictError(
        'touch_score_too_low',
        `This reply scores ${touch.score} in the touch check; your team asks for at least ${settings.minTouchScore}. ${touch.findings
          .map((f) => f.message)
          .slice(0, 3)
          .join(' ')}`.trim(),
        { score: touch.score, minimum: settings.minTouchScore, findings: touch.findings },
      );
    }
    if (settings.agentsNeedApproval && actor.role === 'agent') {
      // Not an error to hide: the draft is marked ready for an approver, and the agent is told so.
      const marked = await tx
        .updateTable('drafts')
        .set({ review_requested_by: actor.id, review_requested_at: now, author_id: draft.author_id ?? actor.id, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, now, { actorUserId: actor.id, action: 'draft.review_requested', subjectType: 'draft', subjectId: id });
      return {
        draft: marked,
        outbox: null,
        refusal: new ConflictError('approval_required', "Your team has an approver or owner approve agents' replies: this one is marked ready for review.", {
          reviewRequested: true,
        }),
      };
    }
    const sendAfter = sendTime(now, undoMs, options.sendAt);
    const approved = await tx
      .updateTable('drafts')
      .set({
        status: 'approved',
        approved_by: actor.id,
        approved_at: now,
        send_after: sendAfter,
        author_id: draft.author_id ?? actor.id,
        touch_score: touch.score,
        review_requested_by: null,
        review_requested_at: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const messageId = `${randomUUID()}@${mailbox.email.split('@')[1]}`;
    const outbox = await tx
      .insertInto('outbox')
      .values({ draft_id: id, mailbox_id: mailbox.id, message_id: messageId, state: 'queued', send_after: sendAfter, updated_at: now })
      .returning(['id', 'send_after'])
      .executeTakeFirstOrThrow();
    // What we send joins the conversation it was written in, by its own Message-ID, and so does any answer
    // to it: a conversation we start has no message yet for the sent copy to thread onto.
    await tx
      .insertInto('thread_keys')
      .values({ key: messageIdKey(messageId), conversation_id: draft.conversation_id })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'draft.approved',
      subjectType: 'draft',
      subjectId: id,
      details: { outboxId: outbox.id, sendAfter: sendAfter.toISOString(), ...(options.sendAt ? { scheduled: true } : {}) },
    });
    return { draft: approved, outbox };
  });
  if (result.refusal) throw result.refusal;
  if (result.outbox) {
    await ctx.jobs.sendApproved(result.outbox.id, result.outbox.send_after).catch((err: unknown) => {
      if (!(err instanceof QueueUnavailableError)) throw err;
      // The outbox row is committed: the sweep hands it to the queue once Redis answers again.
      throw new QueueUnavailableError('Approved and saved. The job queue (Redis) is not answering, so it goes out as soon as Redis is back; nothing to do again.', { cause: err });
    });
  }
  return result.draft;
}

/** Takes an approval back while its undo window is open; after that the send has started. */
/** An approval taken back (by undo, or because the customer wrote again): the draft is editable again. */
const backToPending = (now: Date) => (eb: ExpressionBuilder<DB, 'drafts'>) => ({
  status: 'pending' as const,
  approved_by: null,
  approved_at: null,
  send_after: null,
  version: eb('version', '+', 1),
  updated_at: now,
});

export async function undoApproval(ctx: Ctx, id: number, actor: User): Promise<Draft> {
  const result = await ctx.db.transaction().execute(async (tx) => {
    const draft = await tx.selectFrom('drafts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!draft) throw new NotFoundError('Draft', id);
    const now = ctx.clock.now();
    const cancelled = await tx
      .updateTable('outbox')
      .set({ state: 'cancelled', updated_at: now })
      .where('draft_id', '=', id)
      .where('state', '=', 'queued')
      .where('send_after', '>', now)
      .returning('id')
      .executeTakeFirst();
    if (draft.status !== 'approved' || !cancelled) {
      throw new ConflictError(
        'undo_too_late',
        draft.status === 'approved' || draft.status === 'sending' || draft.status === 'sent'
          ? 'Too late to undo: the reply is on its way.'
          : `This draft is ${draft.status}; there is nothing to undo.`,
        { status: draft.status },
      );
    }
    const reopened = await tx.updateTable('drafts').set(backToPending(now)).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await audit(tx, now, { actorUserId: actor.id, action: 'draft.undone', subjectType: 'draft', subjectId: id, details: { outboxId: cancelled.id } });
    return { draft: reopened, outboxId: cancelled.id };
  });
  await ctx.jobs.sendCancelled(result.outboxId);
  return result.draft;
}

export async function discardDraft(ctx: Ctx, id: number, actor: User, reason: string | null): Promise<Draft> {
  return ctx.db.transaction().execute(async (tx) => {
    const now = ctx.clock.now();
    const draft = await tx
      .updateTable('drafts')
      .set({ status: 'discarded', discarded_by: actor.id, discard_reason: reason?.trim() || null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!draft) {
      const current = await getDraft({ db: tx }, id);
      throw new ConflictError('draft_not_pending', `This draft is ${current.status} and cannot be discarded.`, { status: current.status });
    }
    await audit(tx, now, { actorUserId: actor.id, action: 'draft.discarded', subjectType: 'draft', subjectId: id, details: { reason } });
    return draft;
  });
}

/**
 * The customer wrote while our approved replies waited in their undo window or in the queue: stop them and
 * hand the drafts back, so nobody answers a message the customer has already moved past. Runs in intake's
 * transaction; returns the outbox rows it cancelled, for the caller to drop from the queue after commit.
 */
export async function holdApprovedReplies(tx: Kysely<DB>, conversationIds: readonly number[], now: Date): Promise<number[]> {
  if (conversationIds.length === 0) return [];
  const cancelled = await tx
    .updateTable('outbox')
    .set({ state: 'cancelled', updated_at: now })
    .where('state', '=', 'queued')
    .where('draft_id', 'in', (eb) => eb.selectFrom('drafts').select('id').where('conversation_id', '=', anyOf(conversationIds, 'integer')).where('status', '=', 'approved'))
    .returning(['id', 'draft_id'])
    .execute();
  if (cancelled.length === 0) return [];
  const draftIds = cancelled.map((c) => c.draft_id);
  await tx.updateTable('drafts').set(backToPending(now)).where('id', 'in', draftIds).where('status', '=', 'approved').execute();
  for (const c of cancelled)
    await audit(tx, now, { actorUserId: null, action: 'draft.held_customer_wrote', subjectType: 'draft', subjectId: c.draft_id, details: { outboxId: c.id } });
  return cancelled.map((c) => c.id);
}

/** A discarded draft comes back for editing, as long as no other reply is open in its conversation. */
export async function restoreDiscarded(ctx: Ctx, id: number, actor: User): Promise<Draft> {
  return ctx.db.transaction().execute(async (tx) => {
    const draft = await tx.selectFrom('drafts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!draft) throw new NotFoundError('Draft', id);
    if (draft.status !== 'discarded')
      throw new ConflictError('draft_not_discarded', `This draft is ${draft.status}; only a discarded draft can be restored.`, { status: draft.status });
    const open = await tx.selectFrom('drafts').select('id').where('conversation_id', '=', draft.conversation_id).where('status', 'in', UNSETTLED_DRAFT_STATUSES).executeTakeFirst();
    if (open) throw new ConflictError('draft_open', 'Another reply is open in this conversation; finish or discard it first.', { draftId: open.id });
    const now = ctx.clock.now();
    const restored = await tx
      .updateTable('drafts')
      .set((eb) => ({ status: 'pending', discarded_by: null, discard_reason: null, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, now, { actorUserId: actor.id, action: 'draft.restored', subjectType: 'draft', subjectId: id });
    return restored;
  });
}
