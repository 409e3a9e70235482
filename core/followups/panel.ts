import type { Ctx } from '../context.ts';
import type { Draft } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { listPromises, type PromiseView } from './promise-records.ts';
import { listRequests } from './requests.ts';
import { RULE_LABELS, RULES, type RuleName } from './rules.ts';

export interface FollowupPanel {
  /** The rule that made the open draft, and why. */
  draftRule: { rule: RuleName; label: string; reason: string } | null;
  snoozedUntil: Date | null;
  reminder: { dueAt: Date; note: string | null } | null;
  promises: PromiseView[];
  requests: Array<{ id: number; label: string; state: string; words: string }>;
  /** Labels of open requests, offered when tagging. */
  openRequests: string[];
}

export function ruleLabel(rule: string | null): string | null {
  return rule && (RULES as readonly string[]).includes(rule) ? RULE_LABELS[rule as RuleName] : null;
}

/** What the conversation page shows of follow-ups: why a draft exists, the snooze, promises, requests. */
export async function followupPanel(ctx: Ctx, conversationId: number, draft: Draft | null): Promise<FollowupPanel> {
  const conversation = await ctx.db.selectFrom('conversations').select('snoozed_until').where('id', '=', conversationId).executeTakeFirst();
  if (!conversation) throw new NotFoundError('Conversation', conversationId);
  const [reminder, promises, requests, open] = await Promise.all([
    ctx.db
      .selectFrom('followups')
      .select(['due_at', 'note'])
      .where('conversation_id', '=', conversationId)
      .where('rule', '=', 'remind_me')
      .where('state', '=', 'scheduled')
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirst(),
    listPromises(ctx.db, conversationId),
    listRequests(ctx, { conversationId }),
    listRequests(ctx, { state: 'open' }),
  ]);
  const label = ruleLabel(draft?.followup_rule ?? null);
  return {
    draftRule: draft && label ? { rule: draft.followup_rule as RuleName, label, reason: draft.followup_reason ?? '' } : null,
    snoozedUntil: conversation.snoozed_until && conversation.snoozed_until.getTime() > ctx.clock.now().getTime() ? conversation.snoozed_until : null,
    reminder: reminder ? { dueAt: reminder.due_at, note: reminder.note } : null,
    promises,
    requests: requests.map((r) => ({ id: r.id, label: r.label, state: r.state, words: r.askers.find((a) => a.conversationId === conversationId)?.words ?? '' })),
    openRequests: open.map((r) => r.label),
  };
}
