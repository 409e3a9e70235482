import { type Kysely, sql } from 'kysely';
import type { Conversation, DB } from '../db/schema.ts';
import { OPEN_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { ConflictError } from '../errors.ts';
import { moveNotes } from './notes.ts';
import { subjectCanThread, threadKeys } from './threading.ts';

export interface Placement {
  /** The message's thread keys, strongest first (see threadKeys). */
  keys: string[];
  /** The message names no parent, so it may join a conversation by subject. */
  subjectOnly: boolean;
  customerId: number | null;
  mailboxId: number | null;
  subject: string;
  normalizedSubject: string;
  date: Date;
  subjectWindowDays: number;
}

/**
 * Finds or creates the conversation a message belongs to, merging the conversations this message proves
 * are one (a late parent linking two branches), except those staff split apart. Runs inside the ingest
 * transaction, before the message row is written.
 */
export async function placeMessage(tx: Kysely<DB>, p: Placement): Promise<number> {
  const { ordered: linked, known } = await linkedConversations(tx, p);
  let id = linked.length ? await unite(tx, linked) : await createConversation(tx, p);
  const inserted = await tx
    .insertInto('thread_keys')
    .values(p.keys.map((key) => ({ key, conversation_id: id })))
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .execute();
  // A key another writer claimed meanwhile links its conversation too.
  if (p.keys.some((k) => !known.has(k) && !inserted.some((i) => i.key === k))) {
    const owners = await keyOwners(tx, p.keys);
    if (owners.some((o) => o !== id)) id = await unite(tx, [id, ...owners.filter((o) => o !== id)]);
  }
  return id;
}

export async function createConversation(
  tx: Kysely<DB>,
  c: { customerId: number | null; mailboxId: number | null; subject: string; normalizedSubject: string; date: Date; assigneeId?: number | null },
): Promise<number> {
  const row = await tx
    .insertInto('conversations')
    .values({
      mailbox_id: c.mailboxId,
      customer_id: c.customerId,
      subject: c.subject,
      normalized_subject: c.normalizedSubject,
      status: 'waiting_on_us',
      assignee_id: c.assigneeId ?? null,
      first_message_at: c.date,
      last_message_at: c.date,
      updated_at: c.date,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Every conversation this message links to, strongest link first: its keys in order, then subjects by
 * time. Also which keys already had an owner.
 */
async function linkedConversations(tx: Kysely<DB>, p: Placement): Promise<{ ordered: number[]; known: Set<string> }> {
  const rows = await tx.selectFrom('thread_keys').select(['key', 'conversation_id']).where('key', 'in', p.keys).execute();
  const owner = new Map(rows.map((r) => [r.key, r.conversation_id]));
  const ordered: number[] = [];
  for (const key of p.keys) {
    const c = owner.get(key);
    if (c !== undefined && !ordered.includes(c)) ordered.push(c);
  }
  for (const c of await subjectLinks(tx, p)) if (!ordered.includes(c)) ordered.push(c);
  return { ordered, known: new Set(owner.keys()) };
}

async function keyOwners(tx: Kysely<DB>, keys: string[]): Promise<number[]> {
  const rows = await tx.selectFrom('thread_keys').select('conversation_id').distinct().where('key', 'in', keys).orderBy('conversation_id').execute();
  return rows.map((r) => r.conversation_id);
}

/**
 * Conversations holding a message of the same customer about the same subject within the window, nearest
 * in time first. A message that names no parent may join any of them; one with a parent trusts its
 * references and joins by subject only messages that named none themselves.
 */
async function subjectLinks(tx: Kysely<DB>, p: Placement): Promise<number[]> {
  if (p.customerId === null || !subjectCanThread(p.normalizedSubject)) return [];
  const windowMs = p.subjectWindowDays * 86_400_000;
  const at = p.date.getTime();
  let q = tx
    .selectFrom('messages')
    .select((eb) => ['conversation_id', eb.fn.min('date').as('first'), eb.fn.max('date').as('last')])
    .where('customer_id', '=', p.customerId)
    .where('normalized_subject', '=', p.normalizedSubject)
    .where('date', '>=', new Date(at - windowMs))
    .where('date', '<=', new Date(at + windowMs));
  if (!p.subjectOnly) q = q.where('in_reply_to', 'is', null).where(sql`cardinality(${sql.ref('references')})`, '=', 0);
  const rows = await q.groupBy('conversation_id').execute();
  const distance = (r: (typeof rows)[number]) => {
    const first = new Date(r.first as Date).getTime();
    const last = new Date(r.last as Date).getTime();
    return at < first ? first - at : at > last ? at - last : 0;
  };
  return rows.sort((a, b) => distance(a) - distance(b) || a.conversation_id - b.conversation_id).map((r) => r.conversation_id);
}

/**
 * Joins linked conversations into the oldest of them, skipping any that staff split apart from those
 * joined so far. Returns the conversation the message goes to.
 */
async function unite(tx: Kysely<DB>, linked: number[]): Promise<number> {
  const [strongest, ...rest] = linked as [number, ...number[]];
  if (rest.length === 0) return strongest;
  const splits = await tx
    .selectFrom('conversation_splits')
    .select(['conversation_id', 'other_id'])
    .where('conversation_id', 'in', linked)
    .where('other_id', 'in', linked)
    .execute();
  const apart = (a: number, b: number) => splits.some((s) => (s.conversation_id === a && s.other_id === b) || (s.conversation_id === b && s.other_id === a));
  const group = [strongest];
  for (const c of rest) if (!group.some((g) => apart(g, c))) group.push(c);
  const keep = Math.min(...group);
  let target = keep;
  for (const other of group.filter((g) => g !== keep)) {
    try {
      await mergeConversations(tx, keep, other);
    } catch (err) {
      // Two replies in flight cannot share a conversation: this pair joins when the next message links them.
      if (!(err instanceof ConflictError && err.code === 'drafts_in_flight')) throw err;
      if (other === strongest) target = strongest;
    }
  }
  return target;
}

/**
 * Moves everything of `other` into `keep` and deletes `other`. One open draft survives: the one being
 * sent if there is one, else the older; the others are discarded with the reason, so no work vanishes
 * silently. Two drafts already approved cannot be merged (ConflictError 'drafts_in_flight'); that is
 * checked before anything is written.
 */
export async function mergeConversations(tx: Kysely<DB>, keep: number, other: number): Promise<void> {
  const open = await tx
    .selectFrom('drafts')
    .select(['id', 'status'])
    .where('conversation_id', 'in', [keep, other])
    .where('status', 'in', OPEN_DRAFT_STATUSES)
    .orderBy('id')
    .execute();
  const inFlight = open.filter((d) => d.status !== 'pending');
  if (inFlight.length > 1) {
    throw new ConflictError('drafts_in_flight', 'Both conversations have an approved reply on its way; merge them once those are sent.', { draftIds: inFlight.map((d) => d.id) });
  }
  const survivor = inFlight[0] ?? open[0];
  const discard = open.filter((d) => d.id !== survivor?.id).map((d) => d.id);
  if (discard.length) {
    await tx
      .updateTable('drafts')
      .set({ status: 'discarded', discard_reason: 'conversations merged: another draft answers this conversation' })
      .where('id', 'in', discard)
      .where('status', '=', 'pending')
      .execute();
  }
  await tx.updateTable('thread_keys').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  await tx.updateTable('messages').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  await tx.updateTable('drafts').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  await moveNotes(tx, other, keep);
  await moveSplits(tx, other, keep);
  const gone = await tx.selectFrom('conversations').selectAll().where('id', '=', other).executeTakeFirst();
  await tx.deleteFrom('conversations').where('id', '=', other).execute();
  if (gone) {
    await tx
      .updateTable('conversations')
      .set({
        first_message_at: sql`least(first_message_at, ${gone.first_message_at})`,
        draft_wanted_for: sql`coalesce(draft_wanted_for, ${gone.draft_wanted_for})`,
        priority: sql`greatest(priority, ${gone.priority})`,
        assignee_id: sql`coalesce(assignee_id, ${gone.assignee_id})`,
        customer_id: sql`coalesce(customer_id, ${gone.customer_id})`,
        version: sql`version + 1`,
      })
      .where('id', '=', keep)
      .execute();
  }
  await refreshConversation(tx, keep);
}

/** The splits of `from` now hold for `to`, which takes its place. */
async function moveSplits(tx: Kysely<DB>, from: number, to: number): Promise<void> {
  const rows = await tx
    .selectFrom('conversation_splits')
    .selectAll()
    .where((eb) => eb.or([eb('conversation_id', '=', from), eb('other_id', '=', from)]))
    .execute();
  if (rows.length === 0) return;
  await tx
    .deleteFrom('conversation_splits')
    .where((eb) => eb.or([eb('conversation_id', '=', from), eb('other_id', '=', from)]))
    .execute();
  for (const r of rows) {
    const partner = r.conversation_id === from ? r.other_id : r.conversation_id;
    if (partner !== to) await recordSplit(tx, to, partner, r.created_by);
  }
}

/** Staff split these two apart: threading will not join them again. */
export async function recordSplit(tx: Kysely<DB>, a: number, b: number, userId: number | null): Promise<void> {
  await tx
    .insertInto('conversation_splits')
    .values({ conversation_id: Math.min(a, b), other_id: Math.max(a, b), created_by: userId })
    .onConflict((oc) => oc.columns(['conversation_id', 'other_id']).doNothing())
    .execute();
}

/** Staff joined these two themselves: whatever split them before no longer holds. */
export async function forgetSplit(tx: Kysely<DB>, a: number, b: number): Promise<void> {
  await tx.deleteFrom('conversation_splits').where('conversation_id', '=', Math.min(a, b)).where('other_id', '=', Math.max(a, b)).execute();
}

/**
 * Moves messages (and the open draft answering one of them) into another conversation, with the thread
 * keys that now belong there: each moved message's own Message-ID, and the Message-IDs only moved
 * messages reference. Keys the staying messages hold or reference stay, so a later reply to either part
 * finds its own part first.
 */
export async function moveMessages(tx: Kysely<DB>, from: number, to: number, messageIds: number[]): Promise<void> {
  const keysOf = (m: { message_id: string; in_reply_to: string | null; references: string[]; thread_index: string | null }) =>
    threadKeys({ messageId: m.message_id, inReplyTo: m.in_reply_to, references: m.references, threadIndex: m.thread_index });
  const messages = await tx.selectFrom('messages').select(['id', 'message_id', 'in_reply_to', 'references', 'thread_index']).where('conversation_id', '=', from).execute();
  const moving = new Set(messageIds);
  const staying = new Set(messages.filter((m) => !moving.has(m.id)).flatMap(keysOf));
  const keys = [...new Set(messages.filter((m) => moving.has(m.id)).flatMap(keysOf))].filter((k) => !staying.has(k));
  if (keys.length) await tx.updateTable('thread_keys').set({ conversation_id: to }).where('conversation_id', '=', from).where('key', 'in', keys).execute();
  await tx.updateTable('messages').set({ conversation_id: to }).where('conversation_id', '=', from).where('id', 'in', messageIds).execute();
  await tx.updateTable('drafts').set({ conversation_id: to }).where('conversation_id', '=', from).where('answers_message_id', 'in', messageIds).execute();
  await tx
    .updateTable('conversations')
    .set({ draft_wanted_for: sql`case when draft_wanted_for in (${sql.join(messageIds)}) then null else draft_wanted_for end` })
    .where('id', '=', from)
    .execute();
}

/**
 * Recomputes what follows from the messages: times, and who the conversation waits on. The last
 * message a person wrote decides: theirs means waiting on us; ours means waiting on them. A conversation
 * staff marked done stays done until the customer writes again. One statement: it runs for every message.
 */
/**
 * Takes one new message into the conversation's times and status. The common case, the newest message,
 * is a single-row update; a message older than the newest (mail arriving late) recomputes from all.
 */
export async function noteMessage(tx: Kysely<DB>, id: number, m: { date: Date; direction: 'in' | 'out'; automated: boolean }): Promise<Conversation> {
  const inbound = m.direction === 'in';
  const updated = await tx
    .updateTable('conversations')
    .set({
      first_message_at: sql`least(first_message_at, ${m.date}::timestamptz)`,
      last_message_at: m.date,
      ...(inbound ? { last_inbound_at: m.date } : { last_outbound_at: m.date }),
      // Automated mail leaves who the conversation waits on as it was.
      ...(m.automated ? {} : { status: inbound ? 'waiting_on_us' : sql<Conversation['status']>`case when status = 'done' then 'done' else 'waiting_on_them' end` }),
    })
    .where('id', '=', id)
    .where('last_message_at', '<=', m.date)
    .returningAll()
    .executeTakeFirst();
  return updated ?? refreshConversation(tx, id);
}

export async function refreshConversation(tx: Kysely<DB>, id: number): Promise<Conversation> {
  const { rows } = await sql<Conversation>`
    update conversations c
       set first_message_at = s.first, last_message_at = s.last, last_inbound_at = s.last_in, last_outbound_at = s.last_out,
           status = case when s.last_human is null then 'done'
                         when s.last_human = 'in' then 'waiting_on_us'
                         when c.status = 'done' then 'done'
                         else 'waiting_on_them' end
      from (select min(date) as first, max(date) as last,
                   max(case when direction = 'in' then date end) as last_in,
                   max(case when direction = 'out' then date end) as last_out,
                   (select direction from messages where conversation_id = ${id} and automated_reason is null order by date desc, id desc limit 1) as last_human
              from messages where conversation_id = ${id}) s
     where c.id = ${id}
    returning c.*`.execute(tx);
  return rows[0]!;
}
