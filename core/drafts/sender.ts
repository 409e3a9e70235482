import type { Kysely } from 'kysely';
import type { Conversation, DB, Draft, Mailbox } from '../db/schema.ts';
import { ConflictError, ValidationError } from '../errors.ts';

export type SenderMailbox = Pick<Mailbox, 'id' | 'name' | 'email'>;

export interface SenderChoice {
  /** Every mailbox a reply can go out from. */
  options: SenderMailbox[];
  /** The one this draft goes from; null when there is no mailbox at all. */
  chosen: SenderMailbox | null;
}

/**
 * Where a reply goes out from: the mailbox chosen on the draft, else the conversation's own while it is
 * still there, else the first one (imported mail, and mail of a removed mailbox, have none of their own).
 */
export async function replySender(db: Kysely<DB>, draft: Pick<Draft, 'mailbox_id'>, conversation: Pick<Conversation, 'mailbox_id'>): Promise<SenderChoice> {
  const options = await db.selectFrom('mailboxes').select(['id', 'name', 'email']).orderBy('id').execute();
  const byId = (id: number | null) => options.find((m) => m.id === id);
  return { options, chosen: byId(draft.mailbox_id) ?? byId(conversation.mailbox_id) ?? options[0] ?? null };
}

/** The mailbox a reply goes from, or a refusal that says what to do: approving must not fail later, in the outbox. */
export async function requireSender(db: Kysely<DB>, draft: Pick<Draft, 'mailbox_id'>, conversation: Pick<Conversation, 'mailbox_id'>): Promise<SenderMailbox> {
  const { chosen } = await replySender(db, draft, conversation);
  if (!chosen) throw new ConflictError('no_mailbox', 'There is no mailbox to send from yet. An owner adds one under Mailboxes (Add a mailbox); then approve again.');
  return chosen;
}

/** A mailbox a person picks to send from must be one that can send. */
export async function checkSenderChoice(db: Kysely<DB>, mailboxId: number): Promise<void> {
  const found = await db.selectFrom('mailboxes').select('id').where('id', '=', mailboxId).executeTakeFirst();
  if (!found) throw new ValidationError('That mailbox is not there (any more): choose another to send from.', 'mailboxId');
}
