import type { Kysely } from 'kysely';
import type { DB, Message } from '../db/schema.ts';

/**
 * The customer's latest message in a conversation (the newest by date, then by id for messages of the same
 * second). `humanOnly` leaves out auto-replies and other automated mail, for the words a person wrote.
 */
export async function latestCustomerMessage(db: Kysely<DB>, conversationId: number, opts: { humanOnly?: boolean } = {}): Promise<Message | undefined> {
  let q = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'in');
  if (opts.humanOnly) q = q.where('automated_reason', 'is', null);
  return q.orderBy('date', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}
