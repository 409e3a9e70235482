import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { Conversation, ConversationStatus, User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';

export const CONVERSATION_STATUSES = ['waiting_on_us', 'waiting_on_them', 'done'] as const satisfies readonly ConversationStatus[];

export interface ConversationChange {
  status?: ConversationStatus;
  /** A staff member's id, or null to unassign. */
  assigneeId?: number | null;
  /** The version the person saw; a different current version means someone else changed it meanwhile. */
  baseVersion?: number;
}

/**
 * Sets who answers a conversation and what it waits on. The version moves, so an approval prepared
 * against the old state is checked again. A status set by hand holds until the next message arrives.
 */
export async function changeConversation(ctx: Ctx, id: number, change: ConversationChange, actor: User): Promise<Conversation> {
  if (change.status === undefined && change.assigneeId === undefined) throw new ValidationError('Give a status or an assigneeId to change.', 'body');
  if (change.status !== undefined && !CONVERSATION_STATUSES.includes(change.status))
    throw new ValidationError(`Status must be one of ${CONVERSATION_STATUSES.join(', ')}.`, 'status');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError('Conversation', id);
    if (change.baseVersion !== undefined && change.baseVersion !== before.version) {
      throw new ConflictError('conversation_changed', 'The conversation changed since you loaded it. Look at it again, then change it.', { version: before.version });
    }
    if (change.assigneeId) {
      const assignee = await tx.selectFrom('users').select(['id', 'disabled_at']).where('id', '=', change.assigneeId).executeTakeFirst();
      if (!assignee || assignee.disabled_at) throw new ValidationError(`There is no active staff member ${change.assigneeId}.`, 'assigneeId');
    }
    const after = await tx
      .updateTable('conversations')
      .set((eb) => ({
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.assigneeId !== undefined ? { assignee_id: change.assigneeId } : {}),
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (change.status !== undefined && change.status !== before.status) {
      await audit(tx, now, {
        actorUserId: actor.id,
        action: 'conversation.status_changed',
        subjectType: 'conversation',
        subjectId: id,
        details: { from: before.status, to: change.status },
      });
    }
    if (change.assigneeId !== undefined && change.assigneeId !== before.assignee_id) {
      await audit(tx, now, {
        actorUserId: actor.id,
        action: 'conversation.assigned',
        subjectType: 'conversation',
        subjectId: id,
        details: { from: before.assignee_id, to: change.assigneeId },
      });
    }
    return after;
  });
}
