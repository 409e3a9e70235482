import type { Ctx } from '../core/context.ts';
import { ValidationError } from '../core/errors.ts';
import { evaluateFollowups } from '../core/followups/evaluate.ts';
import { RULE_LABELS } from '../core/followups/rules.ts';

/** The `--now` of `longhand followups run`, checked before the database is opened. */
export function parseNow(now: string | undefined): Date | undefined {
  if (now === undefined) return undefined;
  const at = new Date(now);
  if (Number.isNaN(at.getTime())) throw new ValidationError(`--now must be an ISO 8601 time, e.g. 2026-12-01T09:00:00Z (got "${now}").`, 'now');
  return at;
}

/** `longhand followups run [--now ISO]`: every rule once, as of that time; one line per follow-up that was due. */
export async function runFollowups(ctx: Ctx, asOf = ctx.clock.now()): Promise<string> {
  const report = await evaluateFollowups(ctx, asOf);
  const lines = report.outcomes
    .filter((o) => o.result !== 'not_yet' && o.result !== 'settled')
    .map(
      (o) =>
        `${o.result} ${o.rule} (${RULE_LABELS[o.rule]})${o.conversationId ? ` conversation ${o.conversationId}` : ''}${o.customerId ? ` customer ${o.customerId}` : ''}${o.draftId ? ` draft ${o.draftId}` : ''}${o.why ? `: ${o.why}` : ''}`,
    );
  const drafted = report.outcomes.filter((o) => o.result === 'drafted').length;
  lines.push(`follow-ups as of ${asOf.toISOString()}: ${drafted} drafted, ${report.withdrawn} withdrawn; nothing is sent until a person approves it`);
  return `${lines.join('\n')}\n`;
}
