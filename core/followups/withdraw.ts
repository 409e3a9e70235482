import type { Kysely } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
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

/**
 * The customer wrote first: their follow-ups still waiting in the queue are withdrawn (the reply to what
 * they wrote takes over), and the conversation they wrote in is no longer snoozed. Runs inside ingest's
 * transaction, before it looks for an open draft, so the reply can be drafted at once.
 */
export async function customerWrote(tx: Kysely<DB>, m: { customerId: number; conversationId: number; date: Date; now: Date }): Promise<void> {
  const pending = await tx
    .selectFrom('drafts as d')
    .innerJoin('conversations as c', 'c.id', 'd.conversation_id')
    .select('d.id')
    .where('c.customer_id', '=', m.customerId)
    .where('d.kind', '=', 'followup')
    .where('d.status', '=', 'pending')
    .execute();
  await withdraw(
    tx,
    pending.map((d) => d.id),
    `withdrawn: the customer wrote first (${m.date.toISOString()})`,
    m.now,
  );
  await tx.updateTable('conversations').set({ snoozed_until: null }).where('id', '=', m.conversationId).where('snoozed_until', 'is not', null).execute();
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
