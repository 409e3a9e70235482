import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { customerCard } from '../../core/customers/card.ts';
import { conversationDetail, listConversations } from '../../core/conversations/views.ts';
import { approveDraft, discardDraft, DRAFT_STATUSES, editDraft, getDraft, listDrafts, undoApproval } from '../../core/drafts/drafts.ts';
import { requireRole } from '../auth.ts';
import { attachmentForDownload } from '../../core/mail/attachments.ts';
import { sendAttachment } from '../attachment-response.ts';
import { mailboxRoutes } from './mailbox-routes.ts';
import { draftJson, messageJson } from './present.ts';

const id = z.coerce.number().int().positive();
const address = z.object({ address: z.string().email().max(254), name: z.string().max(200).default('') });
const draftEdit = z.strictObject({
  subject: z.string().min(1).max(998).optional(),
  body: z.string().max(200_000).optional(),
  to: z.array(address).min(1).max(50).optional(),
  cc: z.array(address).max(50).optional(),
  baseVersion: z.number().int().positive().optional(),
});
const approveBody = z.strictObject({ seenVersion: z.number().int().positive().optional() });
const discardBody = z.strictObject({ reason: z.string().max(1000).optional() });

/** The JSON API. Every route names the least role it needs; none talks IMAP or SMTP. */
export function apiRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');

  r.get('/conversations', agent, async (req, res) => {
    const status = z.enum(['waiting_on_us', 'waiting_on_them', 'done']).optional().parse(req.query.status);
    res.json(await listConversations(ctx, { status }));
  });

  r.get('/conversations/:id', agent, async (req, res) => {
    const d = await conversationDetail(ctx, id.parse(req.params.id));
    res.json({
      id: d.conversation.id,
      subject: d.conversation.subject,
      status: d.conversation.status,
      priority: d.conversation.priority,
      customerId: d.conversation.customer_id,
      version: d.conversation.version,
      messages: d.messages.map(messageJson),
      drafts: d.drafts.map(draftJson),
    });
  });

  r.get('/customers/:id', agent, async (req, res) => {
    res.json(await customerCard(ctx, id.parse(req.params.id)));
  });

  r.use('/mailboxes', mailboxRoutes(ctx));

  r.get('/attachments/:id', agent, async (req, res) => {
    sendAttachment(res, await attachmentForDownload(ctx, id.parse(req.params.id)));
  });

  r.get('/drafts', agent, async (req, res) => {
    const query = z.object({ status: z.enum(DRAFT_STATUSES as [string, ...string[]]).optional(), kind: z.enum(['reply', 'followup']).optional() }).parse(req.query);
    const drafts = await listDrafts(ctx, query as Parameters<typeof listDrafts>[1]);
    res.json(drafts.map(draftJson));
  });

  r.get('/drafts/:id', agent, async (req, res) => {
    res.json(draftJson(await getDraft(ctx, id.parse(req.params.id))));
  });

  r.patch('/drafts/:id', agent, async (req, res) => {
    const edit = draftEdit.parse(req.body ?? {});
    res.json(draftJson(await editDraft(ctx, id.parse(req.params.id), edit, req.user!)));
  });

  r.post('/drafts/:id/approve', agent, async (req, res) => {
    const body = approveBody.parse(req.body ?? {});
    res.json(draftJson(await approveDraft(ctx, id.parse(req.params.id), req.user!, body)));
  });

  r.post('/drafts/:id/undo', agent, async (req, res) => {
    res.json(draftJson(await undoApproval(ctx, id.parse(req.params.id), req.user!)));
  });

  r.post('/drafts/:id/discard', agent, async (req, res) => {
    const body = discardBody.parse(req.body ?? {});
    res.json(draftJson(await discardDraft(ctx, id.parse(req.params.id), req.user!, body.reason ?? null)));
  });

  r.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such API route.' } });
  });
  return r;
}
