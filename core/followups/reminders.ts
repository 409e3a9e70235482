import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { DAY_MS } from './local-time.ts';
import { followupRules } from './rule-settings.ts';
import { reminderKey } from './rules.ts';

const MAX_NOTE = 2_000;
const MAX_AHEAD_DAYS = 2 * 366;

export interface Snooze {
  conversationId: number;
  snoozedUntil: Date;
  followupId: number;
  note: string | null;
}

/**
 * Remind me: the conversation leaves the queue until `until`, then comes back with the note (see
 * decideReminder). A new reminder replaces the conversation's earlier one; the customer writing brings
 * the conversation back early (the reminder itself still comes).
 */
export async function snoozeConversation(ctx: Ctx, conversationId: number, until: Date, note: string | null, actor: User): Promise<Snooze> {
  const now = ctx.clock.now();
  if (Number.isNaN(until.getTime())) throw new ValidationError('until is not a time.', 'until');
  if (until.getTime() <= now.getTime()) throw new ValidationError('until must be in the future.', 'until');
  if (until.getTime() > now.getTime() + MAX_AHEAD_DAYS * DAY_MS) throw new ValidationError('until is more than two years away.', 'until');
  const text = note?.trim() || null;
  if (text && text.length > MAX_NOTE) throw new ValidationError(`A note holds at most ${MAX_NOTE} characters.`, 'note');
  if (!(await followupRules(ctx.db)).remindMe.enabled) throw new ConflictError('rule_off', 'Reminders are switched off for your team (follow-up rules).');
  const snooze = await ctx.db.transaction().execute(async (tx): Promise<Snooze> => {
    const conversation = await tx.selectFrom('conversations').select(['id', 'customer_id']).where('id', '=', conversationId).forUpdate().executeTakeFirst();
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    await tx
      .updateTable('followups')
      .set({ state: 'cancelled', outcome: 'replaced by a newer reminder' })
      .where('conversation_id', '=', conversationId)
      .where('rule', '=', 'remind_me')
      .where('state', '=', 'scheduled')
      .execute();
    const row = await tx
      .insertInto('followups')
      .values({
        rule: 'remind_me',
        key: reminderKey(conversationId, until),
        customer_id: conversation.customer_id,
        conversation_id: conversationId,
        state: 'scheduled',
        due_at: until,
        reason: 'A reminder a person set.',
        note: text,
        created_by: actor.id,
        created_at: now,
      })
      .onConflict((oc) => oc.column('key').doUpdateSet({ state: 'scheduled', note: text, outcome: null, created_by: actor.id }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.updateTable('conversations').set({ snoozed_until: until, updated_at: now }).where('id', '=', conversationId).execute();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.snoozed',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { until: until.toISOString(), followupId: row.id },
    });
    return { conversationId, snoozedUntil: until, followupId: row.id, note: text };
  });
  await ctx.jobs.followupDue(snooze.followupId, until);
  return snooze;
}

/** Back in the queue now; the reminder is cancelled. */
export async function unsnoozeConversation(ctx: Ctx, conversationId: number, actor: User): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const conversation = await tx.updateTable('conversations').set({ snoozed_until: null, updated_at: now }).where('id', '=', conversationId).returning('id').executeTakeFirst();
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    await tx
      .updateTable('followups')
      .set({ state: 'cancelled', outcome: 'the snooze was ended by hand' })
      .where('conversation_id', '=', conversationId)
      .where('rule', '=', 'remind_me')
      .where('state', '=', 'scheduled')
      .execute();
    await audit(tx, now, { actorUserId: actor.id, action: 'conversation.unsnoozed', subjectType: 'conversation', subjectId: conversationId });
  });
}
