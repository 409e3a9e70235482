import type { Kysely } from 'kysely';
import { firstNameOf } from '../customers/addresses.ts';
import type { DB, User } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { firstNameOfUser } from '../users/users.ts';
import { templateContext } from './drafter.ts';

/**
 * What a template or a snippet sees while a person writes in a conversation: its customer, the message being
 * answered, and the person writing (none when nobody in particular is, e.g. a check at approval by another).
 * A conversation staff started has no message yet: then only the customer, the subject and the mailbox are known.
 */
export async function writingContext(db: Kysely<DB>, conversationId: number, staff: User | null, now: Date): Promise<Record<string, unknown>> {
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
  if (!conversation) throw new NotFoundError('Conversation', conversationId);
  const person = staff ? { staff: { name: staff.name, firstName: firstNameOfUser(staff), signature: staff.signature } } : {};
  const message = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy((eb) => eb.case().when('direction', '=', 'in').then(0).else(1).end())
    .orderBy('date', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (message) {
    return { ...(await templateContext(db, conversation.customer_id, conversation.id, conversation.subject, message, conversation.mailbox_id, now)), ...person };
  }
  const customer = conversation.customer_id ? await db.selectFrom('customers').select('name').where('id', '=', conversation.customer_id).executeTakeFirst() : undefined;
  const address = conversation.customer_id
    ? await db.selectFrom('customer_addresses').select('address').where('customer_id', '=', conversation.customer_id).orderBy('created_at').limit(1).executeTakeFirst()
    : undefined;
  const mailbox = conversation.mailbox_id ? await db.selectFrom('mailboxes').select('name').where('id', '=', conversation.mailbox_id).executeTakeFirst() : undefined;
  const name = customer?.name ?? null;
  return {
    customer: { name, firstName: firstNameOf(name, address?.address ?? ''), email: address?.address ?? null },
    conversation: { subject: conversation.subject },
    company: { name: mailbox?.name ?? '' },
    ...person,
  };
}
