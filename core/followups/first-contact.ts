import type { Kysely } from 'kysely';
import type { Conversation, DB, Message } from '../db/schema.ts';
import { followupRules } from './rule-settings.ts';
import { decideFirstContact, firstContactKey } from './rules.ts';

/** A first contact claimed for the reply drafter: its template, who it is drafted for, and why. */
export interface Welcome {
  followupId: number;
  templateName: string;
  authorId: number | null;
  rule: 'first_contact';
  reason: string;
}

/**
 * Called by the reply drafter, inside its transaction: when the message it answers is the first ever
 * from this customer, the reply becomes a personal welcome drafted for the chosen person or the founder
 * (the first owner). It stays a reply (it answers them; their writing again does not withdraw it), with
 * its rule and reason. The key makes it once per customer, ever.
 */
export async function claimFirstContact(tx: Kysely<DB>, conversation: Conversation, message: Message, now: Date): Promise<Welcome | null> {
  if (conversation.customer_id === null) return null;
  const rules = await followupRules(tx);
  if (!rules.firstContact.enabled) return null;
  const customer = await tx.selectFrom('customers').select(['name', 'do_not_follow_up']).where('id', '=', conversation.customer_id).executeTakeFirstOrThrow();
  const earlier = await tx
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', conversation.customer_id)
    .where('automated_reason', 'is', null)
    .where((eb) => eb.or([eb('date', '<', message.date), eb.and([eb('date', '=', message.date), eb('id', '<', message.id)])]))
    .executeTakeFirstOrThrow();
  const active = tx.selectFrom('users').select(['id', 'name']).where('disabled_at', 'is', null);
  const chosen = rules.firstContact.personUserId === null ? undefined : await active.where('id', '=', rules.firstContact.personUserId).executeTakeFirst();
  // The founder: the first owner, also when the chosen person has left.
  const person = chosen ?? (await active.where('role', '=', 'owner').orderBy('id').limit(1).executeTakeFirst());
  const d = decideFirstContact(
    { enabled: true, doNotFollowUp: customer.do_not_follow_up, customerName: customer.name, earlierMessages: Number(earlier.n), personName: person?.name ?? null },
    message.date,
  );
  if (d.act !== 'draft') return null;
  const row = await tx
    .insertInto('followups')
    .values({
      rule: 'first_contact',
      key: firstContactKey(conversation.customer_id),
      customer_id: conversation.customer_id,
      conversation_id: conversation.id,
      state: 'drafted',
      due_at: message.date,
      reason: d.reason,
      created_at: now,
      fired_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? { followupId: row.id, templateName: 'replies/first-contact', authorId: person?.id ?? null, rule: 'first_contact', reason: d.reason } : null;
}

/** Links the welcome to its draft, or records that another draft was open after all. */
export async function settleFirstContact(tx: Kysely<DB>, welcome: Welcome, draftId: number | null): Promise<void> {
  await tx
    .updateTable('followups')
    .set(draftId !== null ? { draft_id: draftId } : { state: 'skipped', outcome: 'a draft of this conversation was open already' })
    .where('id', '=', welcome.followupId)
    .execute();
}
