import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import type { User } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { createConversation, forgetSplit, mergeConversations, moveMessages, recordSplit, refreshConversation } from './conversations.ts';
import { normalizeSubject } from './threading.ts';

export interface SplitResult {
  conversationId: number;
  newConversationId: number;
}

/**
 * Staff take messages out of a conversation into a new one. The split is recorded, so later mail that
 * points into both parts (a reply quoting both, the same messages synced again) never joins them again;
 * a reply goes to the part its own parent is in.
 */
export async function splitConversation(ctx: Ctx, id: number, messageIds: number[], actor: User): Promise<SplitResult> {
  const ids = [...new Set(messageIds)];
  if (ids.length === 0) throw new ValidationError('Name at least one message to split off.', 'messageIds');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (tx) => {
    const conversation = await tx.selectFrom('conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!conversation) throw new NotFoundError('Conversation', id);
    const messages = await tx
      .selectFrom('messages')
      .select(['id', 'subject', 'normalized_subject', 'customer_id', 'date'])
      .where('conversation_id', '=', id)
      .orderBy('date')
      .orderBy('id')
      .execute();
    const foreign = ids.filter((m) => !messages.some((x) => x.id === m));
    if (foreign.length) throw new ValidationError(`Message ${foreign.join(', ')} is not in conversation ${id}.`, 'messageIds', { messageIds: foreign });
    if (ids.length === messages.length) throw new ConflictError('split_everything', 'A split leaves at least one message in the conversation; to move all of them, merge instead.');
    const first = messages.find((m) => ids.includes(m.id))!;
    const newId = await createConversation(tx, {
      customerId: first.customer_id ?? conversation.customer_id,
      mailboxId: conversation.mailbox_id,
      subject: first.subject,
      normalizedSubject: first.normalized_subject || normalizeSubject(first.subject),
      date: first.date,
      assigneeId: conversation.assignee_id,
    });
    await moveMessages(tx, id, newId, ids);
    await recordSplit(tx, id, newId, actor.id);
    await refreshConversation(tx, id);
    await refreshConversation(tx, newId);
    const wanted = conversation.draft_wanted_for !== null && ids.includes(conversation.draft_wanted_for) ? conversation.draft_wanted_for : null;
    await tx.updateTable('conversations').set({ draft_wanted_for: wanted }).where('id', '=', newId).execute();
    await tx
      .updateTable('conversations')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', 'in', [id, newId])
      .execute();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.split',
      subjectType: 'conversation',
      subjectId: id,
      details: { newConversationId: newId, messageIds: ids },
    });
    return { conversationId: id, newConversationId: newId };
  });
}

/**
 * Staff join `otherId` into `id`: messages, keys, drafts and notes move, `otherId` is gone. A split
 * recorded between them no longer holds. One open draft survives (see mergeConversations).
 */
export async function mergeConversationsByStaff(ctx: Ctx, id: number, otherId: number, actor: User): Promise<void> {
  if (id === otherId) throw new ValidationError('A conversation cannot be merged with itself.', 'otherId');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (tx) => {
    const found = await tx.selectFrom('conversations').select('id').where('id', 'in', [id, otherId]).forUpdate().execute();
    for (const wanted of [id, otherId]) if (!found.some((c) => c.id === wanted)) throw new NotFoundError('Conversation', wanted);
    const moved = await tx.selectFrom('messages').select('id').where('conversation_id', '=', otherId).execute();
    await forgetSplit(tx, id, otherId);
    await mergeConversations(tx, id, otherId);
    await tx.updateTable('conversations').set({ updated_at: now }).where('id', '=', id).execute();
    await audit(tx, now, {
      actorUserId: actor.id,
      action: 'conversation.merged',
      subjectType: 'conversation',
      subjectId: id,
      details: { mergedConversationId: otherId, messageIds: moved.map((m) => m.id) },
    });
  });
}
