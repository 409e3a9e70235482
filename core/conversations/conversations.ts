import { sql, type Kysely } from 'kysely';
import type { DB, Conversation, ConversationStatus } from '../db/schema.ts';
import { subjectCanThread } from './threading.ts';

export interface Placement {
  keys: string[];
  customerId: number | null;
  mailboxId: number | null;
  subject: string;
  normalizedSubject: string;
  date: Date;
  subjectWindowDays: number;
}

/**
 * Finds or creates the conversation a message belongs to, merging conversations that this message
 * proves are one (a late parent linking two branches). Runs inside the ingest transaction.
 */
export async function placeMessage(tx: Kysely<DB>, p: Placement): Promise<number> {
  let conversationId = await conversationForKeys(tx, p.keys);
  if (conversationId === null && p.customerId !== null && subjectCanThread(p.normalizedSubject)) {
    conversationId = await conversationForSubject(tx, p);
  }
  if (conversationId === null) {
    const row = await tx
      .insertInto('conversations')
      .values({
        mailbox_id: p.mailboxId,
        customer_id: p.customerId,
        subject: p.subject,
        normalized_subject: p.normalizedSubject,
        status: 'waiting_on_us',
        first_message_at: p.date,
        last_message_at: p.date,
        updated_at: p.date,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    conversationId = row.id;
  }
  await tx
    .insertInto('thread_keys')
    .values(p.keys.map((key) => ({ key, conversation_id: conversationId! })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // A key another writer claimed meanwhile means the two conversations are one.
  return (await conversationForKeys(tx, p.keys)) ?? conversationId;
}

/** The conversation holding any of these keys; several are merged into the oldest first. */
async function conversationForKeys(tx: Kysely<DB>, keys: string[]): Promise<number | null> {
  const rows = await tx.selectFrom('thread_keys').select('conversation_id').distinct().where('key', 'in', keys).execute();
  const ids = rows.map((r) => r.conversation_id).sort((a, b) => a - b);
  if (ids.length === 0) return null;
  const [keep, ...others] = ids as [number, ...number[]];
  for (const other of others) await mergeConversations(tx, keep, other);
  return keep;
}

async function conversationForSubject(tx: Kysely<DB>, p: Placement): Promise<number | null> {
  const windowMs = p.subjectWindowDays * 86_400_000;
  const row = await tx
    .selectFrom('conversations')
    .select('id')
    .where('customer_id', '=', p.customerId)
    .where('normalized_subject', '=', p.normalizedSubject)
    .where('last_message_at', '>=', new Date(p.date.getTime() - windowMs))
    .where('first_message_at', '<=', new Date(p.date.getTime() + windowMs))
    .orderBy('last_message_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Moves everything of `other` into `keep` and deletes `other`. When both have an open draft,
 * the newer one is discarded with the reason, so no work vanishes silently.
 */
export async function mergeConversations(tx: Kysely<DB>, keep: number, other: number): Promise<void> {
  const open = await tx
    .selectFrom('drafts')
    .select(['id', 'conversation_id'])
    .where('conversation_id', 'in', [keep, other])
    .where('status', 'in', ['pending', 'approved', 'sending'])
    .orderBy('id')
    .execute();
  if (open.length > 1) {
    await tx
      .updateTable('drafts')
      .set({ status: 'discarded', discard_reason: 'conversations merged: another draft answers this conversation' })
      .where('id', 'in', open.slice(1).map((d) => d.id))
      .where('status', '=', 'pending')
      .execute();
  }
  await tx.updateTable('thread_keys').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  await tx.updateTable('messages').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  await tx.updateTable('drafts').set({ conversation_id: keep }).where('conversation_id', '=', other).execute();
  const gone = await tx.selectFrom('conversations').selectAll().where('id', '=', other).executeTakeFirst();
  await tx.deleteFrom('conversations').where('id', '=', other).execute();
  if (gone) {
    await tx
      .updateTable('conversations')
      .set({
        first_message_at: sql`least(first_message_at, ${gone.first_message_at})`,
        draft_wanted_for: sql`coalesce(draft_wanted_for, ${gone.draft_wanted_for})`,
        priority: sql`greatest(priority, ${gone.priority})`,
        version: sql`version + 1`,
      })
      .where('id', '=', keep)
      .execute();
  }
  await refreshConversation(tx, keep);
}

/**
 * Recomputes what follows from the messages: times, and who the conversation waits on. The last
 * message a person wrote decides: theirs means waiting on us; ours means waiting on them.
 */
export async function refreshConversation(tx: Kysely<DB>, id: number): Promise<Conversation> {
  const stats = await tx
    .selectFrom('messages')
    .where('conversation_id', '=', id)
    .select((eb) => [
      eb.fn.min('date').as('first'),
      eb.fn.max('date').as('last'),
      eb.fn.max(eb.case().when('direction', '=', 'in').then(eb.ref('date')).end()).as('lastIn'),
      eb.fn.max(eb.case().when('direction', '=', 'out').then(eb.ref('date')).end()).as('lastOut'),
    ])
    .executeTakeFirstOrThrow();
  const lastHuman = await tx
    .selectFrom('messages')
    .select(['direction'])
    .where('conversation_id', '=', id)
    .where('automated_reason', 'is', null)
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const status: ConversationStatus = !lastHuman ? 'done' : lastHuman.direction === 'in' ? 'waiting_on_us' : 'waiting_on_them';
  return tx
    .updateTable('conversations')
    .set({
      first_message_at: stats.first as Date,
      last_message_at: stats.last as Date,
      last_inbound_at: (stats.lastIn as Date | null) ?? null,
      last_outbound_at: (stats.lastOut as Date | null) ?? null,
      status: sql<ConversationStatus>`case when status = 'done' and ${status}::text = 'waiting_on_them' then 'done' else ${status}::text end`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
