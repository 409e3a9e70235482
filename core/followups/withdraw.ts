import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { anyOf } from '../db/batch-sql.ts';
import type { DB } from '../db/schema.ts';

/** Marks these follow-up drafts withdrawn (discarded with the reason, never deleted), with their rows. */
async function withdraw(tx: Kysely<DB>, draftIds: number[], reason: string, now: Date): Promise<void> {
  if (!draftIds.length) return;
  const withdrawn = (
    await tx
      .updateTable('drafts')
      .set({ status: 'discarded', discard_reason: reason, updated_at: now })
      .where('id', 'in', draftIds)
      .where('status', '=', 'pending')
      .returning('id')
      .execute()
  ).map((d) => d.id);
  if (!withdrawn.length) return;
  await tx.updateTable('followups').set({ state: 'withdrawn', outcome: reason }).where('draft_id', 'in', withdrawn).execute();
  for (const id of withdrawn) await audit(tx, now, { actorUserId: null, action: 'followup.withdrawn', subjectType: 'draft', subjectId: id, details: { reason } });
}

/** A customer's message that just arrived: when it is dated, and the conversation it is in. */
export interface CustomerWrote {
  customerId: number;
  conversationId: number;
  date: Date;
}

/**
 * Customers wrote first: their follow-ups still waiting in the queue are withdrawn (the reply to what they
 * wrote takes over), and the conversations they wrote in are no longer snoozed. Runs inside intake's
 * transaction, before it looks for open drafts, so the replies can be drafted at once.
 */
export async function customersWrote(tx: Kysely<DB>, wrote: readonly CustomerWrote[], now: Date): Promise<void> {
  if (wrote.length === 0) return;
  const latest = new Map<number, Date>();
  for (const w of wrote) if ((latest.get(w.customerId)?.getTime() ?? -1) < w.date.getTime()) latest.set(w.customerId, w.date);
  const pending = await tx
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .select(['d.id', 'c.customer_id'])
    .where('c.customer_id', '=', anyOf([...latest.keys()], 'integer'))
    .where('d.kind', '=', 'followup')
    .where('d.status', '=', 'pending')
    .execute();
  // One reason per moment a customer wrote: usually one customer, one message.
  const byReason = new Map<string, number[]>();
  for (const d of pending) {
    const reason = `withdrawn: the customer wrote first (${latest.get(d.customer_id!)!.toISOString()})`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), d.id]);
  }
  for (const [reason, ids] of byReason) await withdraw(tx, ids, reason, now);
  await tx
    .updateTable('conversations')
    .set({ snoozed_until: null })
    .where(
      'id',
      '=',
      anyOf(
        wrote.map((w) => w.conversationId),
        'integer',
      ),
    )
    .where('snoozed_until', 'is not', null)
    .execute();
}

/** Follow-ups waiting for customers staff have since marked "do not follow up". */
export async function withdrawForDoNotFollowUp(ctx: Ctx, now: Date): Promise<number> {
  const pending = await ctx.db
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select('d.id')
    .where('d.kind', '=', 'followup')
    .where('d.status', '=', 'pending')
    .where('cu.do_not_follow_up', '=', true)
    .execute();
  if (!pending.length) return 0;
  await ctx.db.transaction().execute((tx) =>
    withdraw(
      tx,
      pending.map((d) => d.id),
      'withdrawn: the customer is marked "do not follow up"',
      now,
    ),
  );
  return pending.length;
}
