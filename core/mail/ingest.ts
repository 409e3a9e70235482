import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import { noteMessage, placeMessage } from '../conversations/conversations.ts';
import { isReplySubject, isSubjectOnly, threadKeys, threadSubject } from '../conversations/threading.ts';
import { resolveCustomer, touchCustomer } from '../customers/customers.ts';
import type { DB, Direction } from '../db/schema.ts';
import { holdApprovedReplies } from '../drafts/drafts.ts';
import { detectIntent } from '../drafts/intent.ts';
import { QUEUED_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { notePromise } from '../followups/promise-records.ts';
import { customerWrote } from '../followups/withdraw.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import { linkBounce } from '../outbox/bounces.ts';
import { classifyAutomated } from './automated.ts';
import { storeBlob } from './blobs.ts';
import { type MailAddress, type ParsedMessage, parseMessage } from './parse.ts';
import { extractNewText } from './quotes.ts';

export interface MessageLocation {
  folderId: number;
  uidvalidity: string;
  uid: number;
  flags: string[];
  modseq?: string | null;
  /** The server's id for the message (OBJECTID's EMAILID, Gmail's X-GM-MSGID), where it gives one. */
  emailId?: string | null;
}

export interface IngestInput {
  source: Buffer;
  origin: 'imap' | 'import' | 'outbox';
  mailboxId: number | null;
  location?: MessageLocation;
  /** Old mail (first sync, import): stored and threaded, drafted only if still waiting on us recently. */
  historical: boolean;
  sentByUserId?: number | null;
  /** What the caller already knows is wrong with this message (e.g. only its headers were fetched). */
  warnings?: string[];
}

export interface IngestResult {
  messageId: number;
  conversationId: number;
  duplicate: boolean;
  draftWanted: boolean;
  /** Approved sends of this conversation stopped because the customer wrote again. */
  held?: number[];
}

/**
 * Stores one message: customer, conversation, message, location, source and attachments in one
 * transaction, so a crash leaves either all of it or none. The same message seen again (the same
 * email id from the server, the same Message-ID and bytes, or the provider's copy of what we sent)
 * only gains a location.
 */
export async function ingestMessage(ctx: Ctx, input: IngestInput, ours?: Set<string>): Promise<IngestResult> {
  // What we sent was built from bounded parts (a reply's attachments are limited as they are attached): its
  // copy is kept whole, attachments included, even past the size a stranger's message may have.
  const own = input.origin === 'outbox' ? { maxMessageBytes: input.source.length, maxAttachmentBytes: input.source.length } : undefined;
  const parsed = await parseMessage(input.source, own);
  const us = ours ?? (await ourAddresses(ctx));
  const now = ctx.clock.now();
  const warnings = [...(input.warnings ?? []), ...parsed.warnings];
  let date = parsed.date ?? now;
  if (!parsed.date) warnings.push('no valid Date header: the time it reached us is used');
  if (date.getTime() > now.getTime() + 86_400_000) {
    warnings.push(`Date header ${date.toISOString()} is in the future: the time it reached us is used`);
    date = now;
  }
  const fromAddress = parsed.from?.address.toLowerCase() ?? null;
  const direction: Direction = input.origin === 'outbox' || (fromAddress !== null && us.has(fromAddress)) ? 'out' : 'in';
  const counterpart = direction === 'in' ? parsed.from : ([...parsed.to, ...parsed.cc].find((a) => !us.has(a.address.toLowerCase())) ?? null);
  const automated = direction === 'in' ? classifyAutomated(parsed).reason : null;
  const newText = extractNewText(parsed.text).newText;
  const rules = { ours: us, plusTagDomains: ctx.config.plusTagDomains };
  const senderId = direction === 'out' ? (input.sentByUserId ?? (await userIdFor(ctx.db, fromAddress))) : null;

  const result = await ctx.db.transaction().execute(async (tx): Promise<IngestResult> => {
    const existing =
      (input.location?.emailId && input.mailboxId !== null ? await messageByEmailId(tx, input.mailboxId, input.location.emailId) : undefined) ??
      (await tx
        .selectFrom('messages')
        .select(['id', 'conversation_id'])
        .where('message_id', '=', parsed.messageId)
        .where('source_sha256', '=', parsed.sourceSha256)
        .executeTakeFirst()) ??
      (parsed.syntheticMessageId ? undefined : await sameSentMessage(tx, input, parsed.messageId));
    if (existing) {
      if (input.location && input.mailboxId !== null) await addLocation(tx, existing.id, input.mailboxId, input.location);
      return { messageId: existing.id, conversationId: existing.conversation_id, duplicate: true, draftWanted: false };
    }

    const customerId = counterpart ? await resolveCustomer(tx, counterpart, rules) : null;
    const normalizedSubject = threadSubject(parsed.subject, parsed.headers['thread-topic']);
    const conversationId = await placeMessage(tx, {
      keys: threadKeys(parsed),
      subjectOnly: isSubjectOnly(parsed),
      customerId,
      mailboxId: input.mailboxId,
      subject: parsed.subject,
      normalizedSubject,
      date,
      subjectWindowDays: ctx.config.threadWindowDays,
    });
    const message = await tx
      .insertInto('messages')
      .values({
        conversation_id: conversationId,
        customer_id: customerId,
        mailbox_id: input.mailboxId,
        message_id: parsed.messageId,
        synthetic_message_id: parsed.syntheticMessageId,
        in_reply_to: parsed.inReplyTo,
        references: parsed.references,
        subject: parsed.subject,
        normalized_subject: normalizedSubject,
        thread_index: parsed.threadIndex,
        from_address: fromAddress,
        from_name: parsed.from?.name || null,
        to: addressesJson(parsed.to),
        cc: addressesJson(parsed.cc),
        reply_to: addressesJson(parsed.replyTo),
        date,
        utc_offset_minutes: parsed.utcOffsetMinutes,
        direction,
        origin: input.origin,
        text: parsed.text,
        new_text: newText,
        html: parsed.html,
        automated_reason: automated,
        historical: input.historical,
        warnings,
        size_bytes: parsed.sizeBytes,
        source_sha256: parsed.sourceSha256,
        sent_by_user_id: senderId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('message_sources').values({ message_id: message.id, source: input.source }).execute();
    await storeAttachments(tx, message.id, parsed);
    if (input.location && input.mailboxId !== null) await addLocation(tx, message.id, input.mailboxId, input.location);
    if (automated?.startsWith('bounce')) await linkBounce(tx, message.id, input.source, parsed.text);
    if (customerId !== null && !automated) {
      await touchCustomer(tx, customerId, { date, direction, utcOffsetMinutes: parsed.utcOffsetMinutes, userId: senderId });
    }
    // Follow-ups: when the customer writes, theirs waiting in the queue step aside; what we send may promise something.
    if (customerId !== null && !automated && !input.historical) {
      if (direction === 'in') await customerWrote(tx, { customerId, conversationId, date, now });
      else await notePromise(tx, { messageId: message.id, conversationId, customerId, text: newText, date, now });
    }

    const conversation = await noteMessage(tx, conversationId, { date, direction, automated: automated !== null });
    const isLatest = conversation.last_message_at.getTime() <= date.getTime();
    const recentEnough = !input.historical || date.getTime() >= now.getTime() - ctx.config.historyDays * 86_400_000;
    let draftWanted = false;
    let held: number[] = [];
    const changes: Record<string, unknown> = {};
    if (conversation.customer_id === null && customerId !== null) changes.customer_id = customerId;
    if (direction === 'in' && !automated && isLatest) {
      // A reply's subject is the first message's: "Re: really disappointed" may carry their thanks.
      const intent = detectIntent(newText, isReplySubject(parsed.subject) ? undefined : parsed.subject);
      changes.intent = intent.kind;
      const answered = await weAnsweredTheirLast(tx, conversationId, message.id);
      // A complaint raises the priority (they still care) until we have answered it.
      if (intent.kind === 'complaint') changes.priority = 1;
      else if (answered) changes.priority = 0;
      const open = await tx
        .updateTable('drafts')
        .set((eb) => ({ customer_wrote_again: true, version: eb('version', '+', 1) }))
        .where('conversation_id', '=', conversationId)
        .where('status', 'in', QUEUED_DRAFT_STATUSES)
        .returning('id')
        .executeTakeFirst();
      held = await holdApprovedReplies(tx, conversationId, now);
      // "Thanks, that worked" after our answer closes the conversation; it does not ask for another reply.
      const closingThanks = intent.kind === 'thanks' && answered && !open;
      if (closingThanks) changes.status = 'done';
      draftWanted = !open && !closingThanks && recentEnough && conversation.status === 'waiting_on_us';
      changes.draft_wanted_for = draftWanted ? message.id : null;
    } else if (direction === 'out' && isLatest) {
      changes.draft_wanted_for = null;
      // Someone answered from another mail program: the draft here would be a second answer.
      if (input.origin !== 'outbox') {
        await tx
          .updateTable('drafts')
          .set({ status: 'discarded', discard_reason: 'answered from another mail program (the reply is in the Sent folder)', updated_at: now })
          .where('conversation_id', '=', conversationId)
          .where('status', '=', 'pending')
          .execute();
      }
    }
    await tx
      .updateTable('conversations')
      .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: now }))
      .where('id', '=', conversationId)
      .execute();
    return { messageId: message.id, conversationId, duplicate: false, draftWanted, held };
  });

  for (const outboxId of result.held ?? []) await ctx.jobs.sendCancelled(outboxId);

  if (result.draftWanted && !input.historical) await ctx.jobs.draftRequested(result.conversationId, result.messageId);
  return result;
}

/** True when our last message in the conversation came after the customer's previous one. */
async function weAnsweredTheirLast(tx: Kysely<DB>, conversationId: number, messageId: number): Promise<boolean> {
  const last = await tx
    .selectFrom('messages')
    .select('direction')
    .where('conversation_id', '=', conversationId)
    .where('id', '!=', messageId)
    .where('automated_reason', 'is', null)
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.direction === 'out';
}

function addressesJson(list: MailAddress[]): string {
  return JSON.stringify(list.map(({ address, name }) => ({ address, name })));
}

/** A message this mailbox's server already named by this email id, in whichever folder. */
async function messageByEmailId(db: Kysely<DB>, mailboxId: number, emailId: string): Promise<{ id: number; conversation_id: number } | undefined> {
  return db
    .selectFrom('message_locations')
    .innerJoin('messages', 'messages.id', 'message_locations.message_id')
    .select(['messages.id', 'messages.conversation_id'])
    .where('message_locations.mailbox_id', '=', mailboxId)
    .where('message_locations.email_id', '=', emailId)
    .orderBy('message_locations.id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * What we sent from this mailbox, by the Message-ID we gave it: Gmail and Microsoft 365 file their own copy
 * in Sent with headers of their own added, so the bytes differ but it is the same message, whichever of
 * the two copies comes first.
 */
async function sameSentMessage(db: Kysely<DB>, input: IngestInput, messageId: string): Promise<{ id: number; conversation_id: number } | undefined> {
  if (input.mailboxId === null || input.origin === 'import') return undefined;
  let query = db.selectFrom('messages').select(['id', 'conversation_id']).where('mailbox_id', '=', input.mailboxId).where('message_id', '=', messageId);
  if (input.origin === 'imap') query = query.where('origin', '=', 'outbox');
  return query.executeTakeFirst();
}

/**
 * Gmail shows one message in INBOX, Sent and every label: where the server gives email ids, those we
 * already stored only gain their location here, and are not fetched again. Returns the ones still to fetch.
 */
export async function locateKnownMessages<T extends MessageLocation>(ctx: Ctx, mailboxId: number, locations: T[]): Promise<T[]> {
  const ids = [...new Set(locations.flatMap((l) => (l.emailId ? [l.emailId] : [])))];
  if (ids.length === 0) return locations;
  const known = new Map(
    (await ctx.db.selectFrom('message_locations').select(['email_id', 'message_id']).where('mailbox_id', '=', mailboxId).where('email_id', 'in', ids).execute()).map((r) => [
      r.email_id!,
      r.message_id,
    ]),
  );
  const left: T[] = [];
  for (const loc of locations) {
    const messageId = loc.emailId ? known.get(loc.emailId) : undefined;
    if (messageId === undefined) left.push(loc);
    else await addLocation(ctx.db, messageId, mailboxId, loc);
  }
  return left;
}

async function addLocation(tx: Kysely<DB>, messageId: number, mailboxId: number, loc: MessageLocation): Promise<void> {
  await tx
    .insertInto('message_locations')
    .values({
      message_id: messageId,
      mailbox_id: mailboxId,
      folder_id: loc.folderId,
      uidvalidity: loc.uidvalidity,
      uid: loc.uid,
      flags: loc.flags,
      modseq: loc.modseq ?? null,
      email_id: loc.emailId ?? null,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'folder_id', 'uidvalidity', 'uid']).doNothing())
    .execute();
}

async function storeAttachments(tx: Kysely<DB>, messageId: number, parsed: ParsedMessage): Promise<void> {
  for (const a of parsed.attachments) {
    await storeBlob(tx, a.content, a.sha256);
    await tx
      .insertInto('attachments')
      .values({ message_id: messageId, blob_sha256: a.sha256, filename: a.filename, content_type: a.contentType, size: a.size, content_id: a.contentId, inline: a.inline })
      .execute();
  }
}

async function userIdFor(db: Kysely<DB>, address: string | null): Promise<number | null> {
  if (!address) return null;
  const row = await db.selectFrom('users').select('id').where('email', '=', address).executeTakeFirst();
  return row?.id ?? null;
}
