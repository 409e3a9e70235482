import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { CONVERSATION_STATUSES, changeConversation } from '../../core/conversations/assignment.ts';
import { addNote, editNote } from '../../core/conversations/notes.ts';
import { mergeConversationsByStaff, splitConversation } from '../../core/conversations/split-merge.ts';
import { startConversation } from '../../core/conversations/start.ts';
import { conversationDetail } from '../../core/conversations/views.ts';
import { customerCard } from '../../core/customers/card.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';
import { draftJson, messageJson } from './present.ts';

const id = rowId;
const change = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  assigneeId: bodyRowId.nullable().optional(),
  baseVersion: bodyRowId.optional(),
});
const noteBody = z.strictObject({ body: z.string().min(1).max(20_000) });
const splitBody = z.strictObject({ messageIds: z.array(bodyRowId).min(1).max(1000) });
const mergeBody = z.strictObject({ otherId: bodyRowId });
/** A recipient as the API takes it: address and name apart, never one string to parse. */
export const addressInput = z.object({ address: z.string().email().max(254), name: z.string().max(200).default('') });
const startBody = z.strictObject({
  to: z.array(addressInput).min(1).max(50),
  cc: z.array(addressInput).max(50).optional(),
  subject: z.string().min(1).max(998),
  body: z.string().max(200_000).optional(),
  mailboxId: bodyRowId.optional(),
});

/**
 * Staff start one (a new message to a customer, waiting for approval). One conversation: read it with
 * its notes and customer card; agents triage it (status, assignee, notes, splitting off what is another
 * matter). Merging needs an approver: it discards the newer open draft.
 */
export function conversationRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');
  const approver = requireRole('approver');

  const detail = async (conversationId: number) => {
    const d = await conversationDetail(ctx, conversationId);
    return {
      id: d.conversation.id,
      subject: d.conversation.subject,
      status: d.conversation.status,
      priority: d.conversation.priority,
      customerId: d.conversation.customer_id,
      assigneeId: d.conversation.assignee_id,
      version: d.conversation.version,
      messages: d.messages.map(messageJson),
      drafts: d.drafts.map(draftJson),
      notes: d.notes,
      customer: d.conversation.customer_id ? await customerCard(ctx, d.conversation.customer_id) : null,
    };
  };

  r.post('/', agent, async (req, res) => {
    const started = await startConversation(ctx, startBody.parse(req.body ?? {}), req.user!);
    res.status(201).json(await detail(started.conversationId));
  });

  r.get('/:id', agent, async (req, res) => {
    res.json(await detail(id.parse(req.params.id)));
  });

  r.patch('/:id', agent, async (req, res) => {
    const body = change.parse(req.body ?? {});
    const conversationId = id.parse(req.params.id);
    await changeConversation(ctx, conversationId, body as Parameters<typeof changeConversation>[2], req.user!);
    res.json(await detail(conversationId));
  });

  r.post('/:id/notes', agent, async (req, res) => {
    const body = noteBody.parse(req.body ?? {});
    res.status(201).json(await addNote(ctx, id.parse(req.params.id), body.body, req.user!));
  });

  r.patch('/:id/notes/:noteId', agent, async (req, res) => {
    const body = noteBody.parse(req.body ?? {});
    res.json(await editNote(ctx, id.parse(req.params.id), id.parse(req.params.noteId), body.body, req.user!));
  });

  r.post('/:id/split', agent, async (req, res) => {
    const body = splitBody.parse(req.body ?? {});
    const split = await splitConversation(ctx, id.parse(req.params.id), body.messageIds, req.user!);
    res.status(201).json({ conversation: await detail(split.conversationId), newConversation: await detail(split.newConversationId) });
  });

  r.post('/:id/merge', approver, async (req, res) => {
    const body = mergeBody.parse(req.body ?? {});
    const conversationId = id.parse(req.params.id);
    await mergeConversationsByStaff(ctx, conversationId, body.otherId, req.user!);
    res.json(await detail(conversationId));
  });

  return r;
}
