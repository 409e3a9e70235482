/**
 * Step two of intake: a batch of prepared messages written in one transaction, with a fixed number of
 * set-based statements whatever the batch size: duplicates found in one query, customers resolved in bulk,
 * threading by one lookup of every thread key and subject then grouping in memory (grouping.ts), rows
 * written with multi-row inserts under ids taken up front, and one update of the customers and one of the
 * conversations touched. Rarer paths (a late parent joining two stored conversations, bounces, live mail's
 * follow-up side effects) cost a few statements more only when they occur.
 */
import { type Kysely, sql } from 'kysely';
import { refreshConversations, uniteConversations } from '../conversations/conversations.ts';
import { subjectCanThread } from '../conversations/threading.ts';
import { resolveCustomers, touchCustomers } from '../customers/customers.ts';
import { anyOf, bySize, inChunks, jsonRows, takeIds } from '../db/batch-sql.ts';
import type { DB, Direction } from '../db/schema.ts';
import { holdApprovedReplies } from '../drafts/drafts.ts';
import { QUEUED_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { notePromises } from '../followups/promise-records.ts';
import { customersWrote } from '../followups/withdraw.ts';
import { storeBlobs } from '../mail/blobs.ts';
import { linkBounce } from '../outbox/bounces.ts';
import { type ConversationChange, type NewMessage, planConversation, preview, type StoredConversation } from './conversation-plan.ts';
import { type Group, groupBatch, type SubjectCandidate } from './grouping.ts';
import { addLocations, type MessageLocation, messagesByEmailId } from './locations.ts';
import type { Origin, Prepared } from './prepare.ts';

export interface IntakeInput {
  source: Buffer;
  origin: Origin;
  mailboxId: number | null;
  location?: MessageLocation;
  /** Old mail (first sync, import): stored and threaded, drafted only if still waiting on us recently. */
  historical: boolean;
  sentByUserId?: number | null;
  /** What the caller already knows is wrong with this message (e.g. only its headers were fetched). */
  warnings?: string[];
}

export interface IntakeItem {
  input: IntakeInput;
  prepared: Prepared;
}

export interface IntakeResult {
  messageId: number;
  conversationId: number;
  duplicate: boolean;
  /** This message is the one its conversation now wants a reply draft for. */
  draftWanted: boolean;
  /** What could not be read as it should (0 for a duplicate, which was stored before). */
  warnings: number;
}

export interface AppliedBatch {
  results: IntakeResult[];
  /** Approved sends stopped because the customer wrote again: to be dropped from the queue after commit. */
  held: number[];
}

export interface ApplyOptions {
  now: Date;
  threadWindowDays: number;
  historyDays: number;
  /** The folder's sync progress, recorded with the messages it covers. */
  progress?: { folderId: number; uid: number };
}

/** Another writer claimed a thread key this batch meant to claim: the batch is tried again and then sees it. */
export class ThreadKeyRace extends Error {}

export async function applyBatch(tx: Kysely<DB>, items: readonly IntakeItem[], o: ApplyOptions): Promise<AppliedBatch> {
  if (items.length === 0) {
    await recordProgress(tx, o);
    return { results: [], held: [] };
  }
  // Intake writers take turns: a batch's lookups then stay true until it commits (pages and sends do not wait on this).
  await sql`select pg_advisory_xact_lock(hashtext('longhand.intake'))`.execute(tx);
  const duplicates = await findDuplicates(tx, items);
  const fresh = items.map((_, i) => i).filter((i) => !duplicates.has(i));

  const customers = await resolveCustomers(
    tx,
    fresh.flatMap((i) => {
      const p = items[i]!.prepared;
      return p.customerAddress ? [{ address: p.customerAddress, name: p.counterpart?.name ?? '' }] : [];
    }),
  );
  const senders = await senderIds(tx, items, fresh);
  const batch: Batch = {
    items,
    fresh,
    customerOf: (i) => {
      const address = items[i]!.prepared.customerAddress;
      return address ? customers.get(address)! : null;
    },
    senderOf: (i) => senders.get(i) ?? null,
    conversationOf: new Map(),
    idOf: new Map(),
    created: new Map(),
  };
  const knownKeys = await placeMessages(tx, batch, o);
  const stored = await storedConversations(tx, batch);
  const ids = await takeIds(tx, 'messages', fresh.length);
  for (const [n, i] of fresh.entries()) batch.idOf.set(i, ids[n]!);
  await insertMessages(tx, batch);
  await claimThreadKeys(tx, batch, knownKeys);

  const target = (i: number): Stored => {
    const d = duplicates.get(i);
    if (d === undefined) return { id: batch.idOf.get(i)!, conversation_id: batch.conversationOf.get(i)! };
    return 'of' in d ? target(d.of) : d;
  };
  await addLocations(
    tx,
    items.flatMap((item, i) =>
      item.input.location && item.input.mailboxId !== null ? [{ messageId: target(i).id, mailboxId: item.input.mailboxId, location: item.input.location }] : [],
    ),
  );
  await sideEffects(tx, batch, o);
  const { wanted, held } = await updateConversations(tx, batch, stored, o);
  await recordProgress(tx, o);
  const results = items.map((_, i): IntakeResult => {
    const t = target(i);
    const fresh = !duplicates.has(i);
    return {
      messageId: t.id,
      conversationId: t.conversation_id,
      duplicate: !fresh,
      draftWanted: fresh && wanted.has(t.id),
      warnings: fresh ? items[i]!.prepared.warnings.length : 0,
    };
  });
  return { results, held };
}

/** The batch as the steps after the duplicates see it; indexes are into `items`. */
interface Batch {
  items: readonly IntakeItem[];
  /** Messages not stored before, in the order they came. */
  fresh: number[];
  customerOf(i: number): number | null;
  senderOf(i: number): number | null;
  conversationOf: Map<number, number>;
  idOf: Map<number, number>;
  /** Conversations this batch started, with their customer. */
  created: Map<number, number | null>;
}

async function recordProgress(tx: Kysely<DB>, o: ApplyOptions): Promise<void> {
  if (!o.progress) return;
  await tx
    .updateTable('folders')
    .set({ synced_uid: sql<number>`greatest(synced_uid, ${o.progress.uid}::integer)`, last_progress_at: o.now })
    .where('id', '=', o.progress.folderId)
    .execute();
}

type Stored = { id: number; conversation_id: number };
/** A duplicate of a stored message, or of an earlier message in the same batch. */
type Duplicate = Stored | { of: number };

/**
 * Messages already stored, or earlier in this batch: the same email id from the server, the same
 * Message-ID and bytes, or the provider's own copy of what we sent (Gmail and Microsoft 365 file it in Sent
 * with headers of their own, so the bytes differ but it is the same message, whichever copy comes first).
 */
async function findDuplicates(tx: Kysely<DB>, items: readonly IntakeItem[]): Promise<Map<number, Duplicate>> {
  const byEmailId = new Map<string, Duplicate>();
  for (const mailboxId of new Set(items.flatMap((it) => (it.input.mailboxId !== null && it.input.location?.emailId ? [it.input.mailboxId] : [])))) {
    const ids = items.flatMap((it) => (it.input.mailboxId === mailboxId && it.input.location?.emailId ? [it.input.location.emailId] : []));
    for (const [emailId, stored] of await messagesByEmailId(tx, mailboxId, [...new Set(ids)])) byEmailId.set(`${mailboxId}\u0000${emailId}`, stored);
  }
  const rows = await tx
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'message_id', 'source_sha256', 'mailbox_id', 'origin'])
    .where('message_id', '=', anyOf([...new Set(items.map((it) => it.prepared.parsed.messageId))], 'text'))
    .orderBy('id')
    .execute();

  // What messages are known by; each new message of the batch joins them as it is found new.
  const exact = new Map<string, Duplicate>();
  const sent = new Map<string, { found: Duplicate; origin: Origin }[]>();
  const remember = (found: Duplicate, messageId: string, sha: string, mailboxId: number | null, origin: Origin) => {
    if (!exact.has(`${messageId}\u0000${sha}`)) exact.set(`${messageId}\u0000${sha}`, found);
    if (mailboxId !== null) sent.set(`${mailboxId}\u0000${messageId}`, [...(sent.get(`${mailboxId}\u0000${messageId}`) ?? []), { found, origin }]);
  };
  for (const r of rows) remember(r, r.message_id, r.source_sha256, r.mailbox_id, r.origin);

  const out = new Map<number, Duplicate>();
  items.forEach(({ input, prepared: { parsed: p } }, i) => {
    const emailKey = input.mailboxId !== null && input.location?.emailId ? `${input.mailboxId}\u0000${input.location.emailId}` : null;
    const sameSent = () => {
      if (input.mailboxId === null || input.origin === 'import' || p.syntheticMessageId) return undefined;
      return (sent.get(`${input.mailboxId}\u0000${p.messageId}`) ?? []).find((c) => input.origin !== 'imap' || c.origin === 'outbox')?.found;
    };
    const found = (emailKey ? byEmailId.get(emailKey) : undefined) ?? exact.get(`${p.messageId}\u0000${p.sourceSha256}`) ?? sameSent();
    if (found) {
      out.set(i, found);
      return;
    }
    remember({ of: i }, p.messageId, p.sourceSha256, input.mailboxId, input.origin);
    if (emailKey) byEmailId.set(emailKey, { of: i });
  });
  return out;
}

/** Who of us sent each outgoing message: given by the outbox, or found by the From address. */
async function senderIds(tx: Kysely<DB>, items: readonly IntakeItem[], fresh: number[]): Promise<Map<number, number>> {
  const outgoing = fresh.filter((i) => items[i]!.prepared.direction === 'out');
  const addresses = [...new Set(outgoing.flatMap((i) => (items[i]!.input.sentByUserId == null && items[i]!.prepared.fromAddress ? [items[i]!.prepared.fromAddress!] : [])))];
  const users = addresses.length ? await tx.selectFrom('users').select(['id', 'email']).where('email', '=', anyOf(addresses, 'text')).execute() : [];
  const byEmail = new Map(users.map((u) => [u.email, u.id]));
  const out = new Map<number, number>();
  for (const i of outgoing) {
    const id = items[i]!.input.sentByUserId ?? byEmail.get(items[i]!.prepared.fromAddress ?? '');
    if (id != null) out.set(i, id);
  }
  return out;
}

/**
 * Threading: one lookup of every thread key and one of subject candidates, grouping in memory, then each
 * group goes to the conversation it links to, or to a new one. A group linking several stored conversations
 * (a late parent joining two branches) unites them, except those staff split apart. Returns the keys that
 * already had an owner.
 */
async function placeMessages(tx: Kysely<DB>, batch: Batch, o: ApplyOptions): Promise<Set<string>> {
  const { items, fresh } = batch;
  const keys = [...new Set(fresh.flatMap((i) => items[i]!.prepared.keys))];
  const owners = keys.length ? await tx.selectFrom('thread_keys').select(['key', 'conversation_id']).where('key', '=', anyOf(keys, 'text')).execute() : [];
  const keyOwners = new Map(owners.map((r) => [r.key, r.conversation_id]));
  const windowMs = o.threadWindowDays * 86_400_000;
  const grouping = fresh.map((i) => {
    const p = items[i]!.prepared;
    return { keys: p.keys, subjectOnly: p.subjectOnly, customerId: batch.customerOf(i), normalizedSubject: p.normalizedSubject, date: p.date.getTime() };
  });
  const groups = groupBatch(grouping, keyOwners, await subjectCandidates(tx, grouping, windowMs), windowMs);

  const starting: Group[] = [];
  for (const g of groups) {
    if (g.conversations.length === 0) {
      starting.push(g);
      continue;
    }
    const went = await uniteConversations(tx, g.conversations);
    const strongest = went.get(g.conversations[0]!)!;
    for (const f of g.messages) {
      const own = g.links.get(f)![0];
      batch.conversationOf.set(fresh[f]!, own === undefined ? strongest : went.get(own)!);
    }
  }
  const ids = await takeIds(tx, 'conversations', starting.length);
  const rows = starting.map((g, n) => {
    const first = fresh[g.messages[0]!]!;
    const p = items[first]!.prepared;
    const customer = g.messages.map((f) => batch.customerOf(fresh[f]!)).find((c) => c !== null) ?? null;
    for (const f of g.messages) batch.conversationOf.set(fresh[f]!, ids[n]!);
    batch.created.set(ids[n]!, customer);
    return {
      id: ids[n]!,
      mailbox_id: items[first]!.input.mailboxId,
      customer_id: customer,
      subject: p.parsed.subject,
      normalized_subject: p.normalizedSubject,
      status: 'waiting_on_us' as const,
      first_message_at: p.date,
      last_message_at: p.date,
      updated_at: o.now,
    };
  });
  for (const chunk of inChunks(rows, 9)) await tx.insertInto('conversations').values(chunk).execute();
  return new Set(keyOwners.keys());
}

/** Stored messages of the same customers about the same subjects near the batch's dates: the subject rule's candidates. */
async function subjectCandidates(tx: Kysely<DB>, messages: readonly GroupingInput[], windowMs: number): Promise<SubjectCandidate[]> {
  const asking = messages.filter((m) => m.customerId !== null && subjectCanThread(m.normalizedSubject));
  if (asking.length === 0) return [];
  const pairs = new Set(asking.map((m) => `${m.customerId}\u0000${m.normalizedSubject}`));
  const dates = asking.map((m) => m.date);
  const rows = await tx
    .selectFrom('messages')
    .select(['conversation_id', 'customer_id', 'normalized_subject', 'date'])
    .select(sql<boolean>`in_reply_to is null and cardinality("references") = 0`.as('subject_only'))
    .where('customer_id', '=', anyOf([...new Set(asking.map((m) => m.customerId!))], 'integer'))
    .where('normalized_subject', '=', anyOf([...new Set(asking.map((m) => m.normalizedSubject))], 'text'))
    .where('date', '>=', new Date(Math.min(...dates) - windowMs))
    .where('date', '<=', new Date(Math.max(...dates) + windowMs))
    .execute();
  return rows
    .filter((r) => pairs.has(`${r.customer_id}\u0000${r.normalized_subject}`))
    .map((r) => ({
      conversationId: r.conversation_id,
      customerId: r.customer_id!,
      normalizedSubject: r.normalized_subject,
      date: new Date(r.date).getTime(),
      subjectOnly: r.subject_only,
    }));
}

type GroupingInput = Parameters<typeof groupBatch>[0][number];

async function insertMessages(tx: Kysely<DB>, batch: Batch): Promise<void> {
  const { items, fresh } = batch;
  const rows = fresh.map((i) => {
    const { input, prepared: p } = items[i]!;
    const m = p.parsed;
    return {
      id: batch.idOf.get(i)!,
      conversation_id: batch.conversationOf.get(i)!,
      customer_id: batch.customerOf(i),
      mailbox_id: input.mailboxId,
      message_id: m.messageId,
      synthetic_message_id: m.syntheticMessageId,
      in_reply_to: m.inReplyTo,
      references: m.references,
      subject: m.subject,
      normalized_subject: p.normalizedSubject,
      thread_index: m.threadIndex,
      from_address: p.fromAddress,
      from_name: m.from?.name || null,
      to: addressesJson(m.to),
      cc: addressesJson(m.cc),
      reply_to: addressesJson(m.replyTo),
      date: p.date,
      utc_offset_minutes: m.utcOffsetMinutes,
      direction: p.direction,
      origin: input.origin,
      text: m.text,
      new_text: p.newText,
      html: m.html,
      automated_reason: p.automatedReason,
      historical: input.historical,
      warnings: p.warnings,
      size_bytes: m.sizeBytes,
      source_sha256: m.sourceSha256,
      sent_by_user_id: batch.senderOf(i),
    };
  });
  for (const chunk of inChunks(rows, 29)) await tx.insertInto('messages').values(chunk).execute();
  for (const chunk of bySize(fresh, (i) => items[i]!.prepared.storedSource.length)) {
    await tx
      .insertInto('message_sources')
      .values(chunk.map((i) => ({ message_id: batch.idOf.get(i)!, source: items[i]!.prepared.storedSource, gzip: true })))
      .execute();
  }
  const attachments = fresh.flatMap((i) => items[i]!.prepared.parsed.attachments.map((a) => ({ messageId: batch.idOf.get(i)!, a })));
  await storeBlobs(
    tx,
    attachments.map(({ a }) => a),
  );
  for (const chunk of inChunks(attachments, 7)) {
    await tx
      .insertInto('attachments')
      .values(
        chunk.map(({ messageId, a }) => ({
          message_id: messageId,
          blob_sha256: a.sha256,
          filename: a.filename,
          content_type: a.contentType,
          size: a.size,
          content_id: a.contentId,
          inline: a.inline,
        })),
      )
      .execute();
  }
}

/** Each new thread key now names its message's conversation; the first message of the batch to hold a key claims it. */
async function claimThreadKeys(tx: Kysely<DB>, batch: Batch, known: Set<string>): Promise<void> {
  const claims = new Map<string, number>();
  for (const i of batch.fresh) for (const key of batch.items[i]!.prepared.keys) if (!known.has(key) && !claims.has(key)) claims.set(key, batch.conversationOf.get(i)!);
  if (claims.size === 0) return;
  const { rows } = await sql<{ key: string }>`
    insert into thread_keys (key, conversation_id)
    select * from unnest(${[...claims.keys()]}::text[], ${[...claims.values()]}::integer[])
    on conflict (key) do nothing
    returning key`.execute(tx);
  if (rows.length < claims.size) throw new ThreadKeyRace('another writer claimed a thread key of this batch');
}

/** What a message does beyond itself: bounces find the reply they return, customers' contact times, follow-ups. */
async function sideEffects(tx: Kysely<DB>, batch: Batch, o: ApplyOptions): Promise<void> {
  const { items, fresh } = batch;
  const person = (i: number) => !items[i]!.prepared.automatedReason;
  for (const i of fresh.filter((i) => items[i]!.prepared.automatedReason?.startsWith('bounce'))) {
    await linkBounce(tx, batch.idOf.get(i)!, items[i]!.input.source, items[i]!.prepared.parsed.text);
  }
  const withCustomer = fresh.filter((i) => person(i) && batch.customerOf(i) !== null);
  await touchCustomers(
    tx,
    withCustomer.map((i) => {
      const p = items[i]!.prepared;
      return { customerId: batch.customerOf(i)!, date: p.date, direction: p.direction, utcOffsetMinutes: p.parsed.utcOffsetMinutes, userId: batch.senderOf(i) };
    }),
  );
  // Follow-ups: when customers write, theirs waiting in the queue step aside; what we send may promise something.
  const live = withCustomer.filter((i) => !items[i]!.input.historical);
  const wrote = (i: number) => ({ customerId: batch.customerOf(i)!, conversationId: batch.conversationOf.get(i)!, date: items[i]!.prepared.date });
  await customersWrote(tx, live.filter((i) => items[i]!.prepared.direction === 'in').map(wrote), o.now);
  await notePromises(
    tx,
    live.filter((i) => items[i]!.prepared.direction === 'out').map((i) => ({ ...wrote(i), messageId: batch.idOf.get(i)!, text: items[i]!.prepared.newText })),
    o.now,
  );
}

/** The conversations the batch touches as they were before it, read once, in id order, locked until commit. */
async function storedConversations(tx: Kysely<DB>, batch: Batch): Promise<Map<number, StoredConversation>> {
  const ids = [...new Set(batch.conversationOf.values())].filter((id) => !batch.created.has(id)).sort((a, b) => a - b);
  const out = new Map<number, StoredConversation>();
  for (const [id, customerId] of batch.created)
    out.set(id, { id, status: 'waiting_on_us', customerId, firstMessageAt: null, lastMessageAt: null, lastInboundAt: null, lastOutboundAt: null, lastHuman: null });
  if (ids.length === 0) return out;
  const rows = await tx
    .selectFrom('conversations')
    .select(['id', 'status', 'customer_id', 'first_message_at', 'last_message_at', 'last_inbound_at', 'last_outbound_at'])
    .where('id', '=', anyOf(ids, 'integer'))
    .orderBy('id')
    .forUpdate()
    .execute();
  const { rows: humans } = await sql<{ conversation_id: number; direction: Direction }>`
    select distinct on (conversation_id) conversation_id, direction from messages
     where conversation_id = ${anyOf(ids, 'integer')} and automated_reason is null
     order by conversation_id, date desc, id desc`.execute(tx);
  const lastHuman = new Map(humans.map((h) => [h.conversation_id, h.direction]));
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      status: r.status,
      customerId: r.customer_id,
      firstMessageAt: r.first_message_at,
      lastMessageAt: r.last_message_at,
      lastInboundAt: r.last_inbound_at,
      lastOutboundAt: r.last_outbound_at,
      lastHuman: lastHuman.get(r.id) ?? null,
    });
  }
  return out;
}

/**
 * What the new messages do to their conversations (conversation-plan.ts): open drafts learn the customer
 * wrote again and approved replies are held back, someone's answer from another mail program retires the
 * pending draft, late mail recomputes from every message, and one update writes the rest.
 */
async function updateConversations(tx: Kysely<DB>, batch: Batch, stored: Map<number, StoredConversation>, o: ApplyOptions): Promise<{ wanted: Set<number>; held: number[] }> {
  const byConversation = new Map<number, NewMessage[]>();
  for (const i of batch.fresh) {
    const { input, prepared: p } = batch.items[i]!;
    const id = batch.conversationOf.get(i)!;
    const message: NewMessage = {
      messageId: batch.idOf.get(i)!,
      customerId: batch.customerOf(i),
      date: p.date,
      direction: p.direction,
      automated: p.automatedReason !== null,
      intent: p.intent,
      origin: input.origin,
      historical: input.historical,
    };
    byConversation.set(id, [...(byConversation.get(id) ?? []), message]);
  }
  const ids = [...byConversation.keys()].sort((a, b) => a - b);
  const wrote = ids.filter((id) => preview(stored.get(id)!, byConversation.get(id)!).customerWrote && !batch.created.has(id));
  const open = wrote.length
    ? await tx
        .updateTable('drafts')
        .set((eb) => ({ customer_wrote_again: true, version: eb('version', '+', 1) }))
        .where('conversation_id', '=', anyOf(wrote, 'integer'))
        .where('status', 'in', QUEUED_DRAFT_STATUSES)
        .returning('conversation_id')
        .execute()
    : [];
  const openDrafts = new Set(open.map((d) => d.conversation_id));
  const held = await holdApprovedReplies(tx, wrote, o.now);
  const changes: ConversationChange[] = ids.map((id) =>
    planConversation(stored.get(id)!, byConversation.get(id)!, { openDraft: openDrafts.has(id), now: o.now, historyDays: o.historyDays }),
  );
  const answeredElsewhere = changes.filter((c) => c.discardPending).map((c) => c.id);
  if (answeredElsewhere.length) {
    await tx
      .updateTable('drafts')
      .set({ status: 'discarded', discard_reason: 'answered from another mail program (the reply is in the Sent folder)', updated_at: o.now })
      .where('conversation_id', '=', anyOf(answeredElsewhere, 'integer'))
      .where('status', '=', 'pending')
      .execute();
  }
  await refreshConversations(
    tx,
    changes.filter((c) => c.times === null).map((c) => c.id),
  );
  const rows = changes.map((c) => ({
    id: c.id,
    has_times: c.times !== null,
    first: c.times?.first ?? null,
    last: c.times?.last ?? null,
    last_in: c.times?.lastIn ?? null,
    last_out: c.times?.lastOut ?? null,
    status: c.status,
    customer_id: c.customerId,
    intent: c.intent,
    priority: c.priority,
    set_draft: c.draftWantedFor !== undefined,
    draft_wanted_for: c.draftWantedFor ?? null,
  }));
  await sql`
    update conversations c
       set first_message_at = case when v.has_times then v.first else c.first_message_at end,
           last_message_at = case when v.has_times then v.last else c.last_message_at end,
           last_inbound_at = case when v.has_times then v.last_in else c.last_inbound_at end,
           last_outbound_at = case when v.has_times then v.last_out else c.last_outbound_at end,
           status = coalesce(v.status, c.status),
           customer_id = coalesce(c.customer_id, v.customer_id),
           intent = coalesce(v.intent, c.intent),
           priority = coalesce(v.priority, c.priority),
           draft_wanted_for = case when v.set_draft then v.draft_wanted_for else c.draft_wanted_for end,
           version = c.version + 1,
           updated_at = ${o.now}
      from ${jsonRows(rows, {
        id: 'integer',
        has_times: 'boolean',
        first: 'timestamptz',
        last: 'timestamptz',
        last_in: 'timestamptz',
        last_out: 'timestamptz',
        status: 'text',
        customer_id: 'integer',
        intent: 'text',
        priority: 'integer',
        set_draft: 'boolean',
        draft_wanted_for: 'integer',
      })}
     where c.id = v.id`.execute(tx);
  return { wanted: new Set(changes.flatMap((c) => (typeof c.draftWantedFor === 'number' ? [c.draftWantedFor] : []))), held };
}

function addressesJson(list: readonly { address: string; name: string }[]): string {
  return JSON.stringify(list.map(({ address, name }) => ({ address, name })));
}
