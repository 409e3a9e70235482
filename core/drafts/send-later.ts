import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Draft, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { DAY_MS, nextLocalHour } from '../followups/local-time.ts';
import { teamSettings } from '../settings/team-settings.ts';

/** Further out than this is a reminder, not a send: a follow-up rule or a snooze says it better. */
export const LATEST_SEND_DAYS = 365;
/** A time typed a minute ago ("now", on a slow form) still means "as soon as possible". */
const PAST_GRACE_MS = 60_000;

/**
 * When an approved reply may leave: never before its undo window is over, and at the time a person chose when
 * that is later. A chosen time that has passed or lies more than a year ahead is refused, naming the field.
 */
export function sendTime(now: Date, undoMs: number, sendAt?: Date): Date {
  const earliest = now.getTime() + undoMs;
  if (!sendAt) return new Date(earliest);
  if (Number.isNaN(sendAt.getTime())) throw new ValidationError('Send at: that is not a time.', 'sendAt');
  if (sendAt.getTime() < now.getTime() - PAST_GRACE_MS) throw new ValidationError('Send at: that time has passed. Choose a time ahead, or send it now.', 'sendAt');
  if (sendAt.getTime() > now.getTime() + LATEST_SEND_DAYS * DAY_MS) throw new ValidationError(`Send at: at most ${LATEST_SEND_DAYS} days ahead.`, 'sendAt');
  return new Date(Math.max(earliest, sendAt.getTime()));
}

/** The time a follow-up is suggested to go out: 9:00 in the customer's likely time zone, the next one from now. */
export function suggestedSendTime(now: Date, utcOffsetMinutes: number | null): Date {
  return nextLocalHour(now, utcOffsetMinutes, 9);
}

/**
 * Moves a scheduled send to another time (or to now) until it starts. The outbox row is the truth: its new
 * time commits before the queue hears of it, and a job that fires early finds the row not yet due.
 */
export async function rescheduleSend(ctx: Ctx, draftId: number, sendAt: Date | undefined, actor: User): Promise<Draft> {
  const settings = await teamSettings(ctx);
  const result = await ctx.db.transaction().execute(async (tx) => {
    const draft = await tx.selectFrom('drafts').selectAll().where('id', '=', draftId).forUpdate().executeTakeFirst();
    if (!draft) throw new NotFoundError('Draft', draftId);
    const now = ctx.clock.now();
    const at = sendTime(now, settings.undoSeconds * 1000, sendAt);
    const moved = await tx
      .updateTable('outbox')
      .set({ send_after: at, updated_at: now })
      .where('draft_id', '=', draftId)
      .where('state', '=', 'queued')
      .where('send_after', '>', now)
      .returning('id')
      .executeTakeFirst();
    if (draft.status !== 'approved' || !moved) {
      throw new ConflictError(
        'send_started',
        draft.status === 'approved' || draft.status === 'sending' || draft.status === 'sent'
          ? 'Too late to move: the reply is on its way.'
          : `This draft is ${draft.status}; it is not scheduled.`,
        { status: draft.status },
      );
    }
    const updated = await tx.updateTable('drafts').set({ send_after: at, updated_at: now }).where('id', '=', draftId).returningAll().executeTakeFirstOrThrow();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'draft.rescheduled',
      subjectType: 'draft',
      subjectId: draftId,
      details: { outboxId: moved.id, sendAfter: at.toISOString() },
    });
    return { draft: updated, outboxId: moved.id, at };
  });
  // The old delayed job would fire at the old time and find the row not due: replace it so it fires at the new one.
  await ctx.jobs.sendCancelled(result.outboxId);
  await ctx.jobs.sendApproved(result.outboxId, result.at);
  return result.draft;
}
