import { type Kysely, sql } from 'kysely';
import { anyOf } from '../db/batch-sql.ts';
import type { Conversation, DB } from '../db/schema.ts';
import { OPEN_DRAFT_STATUSES } from '../drafts/statuses.ts';
import { ConflictError } from '../errors.ts';
import { moveNotes } from './notes.ts';
import { threadKeys } from './threading.ts';

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
 * Joins linked conversations (strongest link first) into the oldest of them, skipping any that staff split
 * apart from those joined so far. Returns where each of them went: itself when it stays apart.
 */
export async function uniteConversations(tx: Kysely<DB>, linked: readonly number[]): Promise<Map<number, number>> {
  const went = new Map(linked.map((c) => [c, c]));
  if (linked.length < 2) return went;
  const splits = await tx
    .selectFrom('conversation_splits')
    .select(['conversation_id', 'other_id'])
    .where('conversation_id', 'in', linked)
    .where('other_id', 'in', linked)
    .execute();
  const apart = (a: number, b: number) => splits.some((s) => (s.conversation_id === a && s.other_id === b) || (s.conversation_id === b && s.other_id === a));
  const group: number[] = [];
  for (const c of linked) if (!group.some((g) => apart(g, c))) group.push(c);
  const keep = Math.min(...group);
  for (const other of group.filter((g) => g !== keep)) {
    try {
      await mergeConversations(tx, keep, other);
      went.set(other, keep);
    } catch (err) {
      // Two replies in flight cannot share a conversation: this pair joins when the next message links them.
      if (!(err instanceof ConflictError && err.code === 'drafts_in_flight')) throw err;
    }
  }
  return went;
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
 * Recomputes what follows from the messages: times, and who the conversation waits on. The last message a
 * person wrote decides: theirs means waiting on us; ours means waiting on them. A conversation staff marked
 * done stays done until the customer writes again. One statement for any number of conversations.
 */
export async function refreshConversations(tx: Kysely<DB>, ids: readonly number[]): Promise<Conversation[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<Conversation>`
    update conversations c
       set first_message_at = s.first, last_message_at = s.last, last_inbound_at = s.last_in, last_outbound_at = s.last_out,
           status = case when s.last_human is null then 'done'
                         when s.last_human = 'in' then 'waiting_on_us'
                         when c.status = 'done' then 'done'
                         else 'waiting_on_them' end
      from (select m.conversation_id, min(m.date) as first, max(m.date) as last,
                   max(case when m.direction = 'in' then m.date end) as last_in,
                   max(case when m.direction = 'out' then m.date end) as last_out,
                   (select h.direction from messages h where h.conversation_id = m.conversation_id and h.automated_reason is null
                     order by h.date desc, h.id desc limit 1) as last_human
              from messages m where m.conversation_id = ${anyOf(ids, 'integer')} group by m.conversation_id) s
     where c.id = s.conversation_id
    returning c.*`.execute(tx);
  return rows;
}

export async function refreshConversation(tx: Kysely<DB>, id: number): Promise<Conversation> {
  return (await refreshConversations(tx, [id]))[0]!;
}
