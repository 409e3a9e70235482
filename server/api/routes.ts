import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { listConversations } from '../../core/conversations/views.ts';
import { approveDraft, discardDraft, editDraft, getDraft, listDrafts, undoApproval } from '../../core/drafts/drafts.ts';
import { notePresence } from '../../core/drafts/presence.ts';
import { draftRevisions, restoreRevision } from '../../core/drafts/revisions.ts';
import { rescheduleSend } from '../../core/drafts/send-later.ts';
import { DRAFT_STATUSES } from '../../core/drafts/statuses.ts';
import { ValidationError } from '../../core/errors.ts';
import { attachmentForDownload } from '../../core/mail/attachments.ts';
import { settleUncertain } from '../../core/outbox/outbox.ts';
import { sendAttachment } from '../attachment-response.ts';
import { requireRole } from '../auth.ts';
import { toHttpError } from '../http-errors.ts';
import { bodyRowId, rowId } from '../row-id.ts';
import { accountRoutes } from './account-routes.ts';
import { addressInput, conversationRoutes } from './conversation-routes.ts';
import { customerRoutes } from './customer-routes.ts';
import { draftAttachmentRoutes, draftWithAttachments } from './draft-attachment-routes.ts';
import { followupRoutes } from './followup-routes.ts';
import { mailboxRoutes } from './mailbox-routes.ts';
import { draftJson } from './present.ts';
import { searchRoutes } from './search-routes.ts';
import { snippetRoutes } from './snippet-routes.ts';
import { teamRoutes } from './team-routes.ts';

const id = rowId;
const draftEdit = z.strictObject({
  subject: z.string().min(1).max(998).optional(),
  body: z.string().max(200_000).optional(),
  to: z.array(addressInput).min(1).max(50).optional(),
  cc: z.array(addressInput).max(50).optional(),
  mailboxId: bodyRowId.optional(),
  baseVersion: bodyRowId.optional(),
});
// `version` pins the draft the approver reviewed, so nobody can change it between review and send.
// An ISO 8601 time with its offset ("2026-12-04T09:00:00+01:00"): a bare local time would be read in the server's zone.
const sendAtField = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const approveBody = z.strictObject({ version: bodyRowId, seenVersion: bodyRowId.optional(), sendAt: sendAtField.optional() });
const rescheduleBody = z.strictObject({ sendAt: sendAtField.optional() });
const restoreBody = z.strictObject({ revisionId: bodyRowId, baseVersion: bodyRowId.optional() });
const discardBody = z.strictObject({ reason: z.string().max(1000).optional() });
const versionMap = z.record(z.string(), bodyRowId);
const bulkApprove = z.strictObject({ ids: z.array(bodyRowId).min(1).max(200), versions: versionMap, seenVersions: versionMap.optional() });
const settleBody = z.strictObject({ delivered: z.boolean() });

/** The JSON API. Every route names the least role it needs; none talks IMAP or SMTP. */
export function apiRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');

  r.get('/conversations', agent, async (req, res) => {
    const status = z.enum(['waiting_on_us', 'waiting_on_them', 'done']).optional().parse(req.query.status);
    res.json(await listConversations(ctx, { status }));
  });

  r.use('/conversations', conversationRoutes(ctx));
  r.use('/customers', customerRoutes(ctx));
  r.use('/search', searchRoutes(ctx));
  r.use('/snippets', snippetRoutes(ctx));

  r.use('/mailboxes', mailboxRoutes(ctx));

  r.use(teamRoutes(ctx));
  r.use(accountRoutes(ctx));
  r.use(followupRoutes(ctx));
  r.use(draftAttachmentRoutes(ctx));

  r.post('/drafts/approve', agent, async (req, res) => {
    // Bulk approval from the queue: each draft still gets its own undo window, and each its own answer.
    // As for one draft: each approval is pinned to the draft version the approver reviewed.
    const { ids, versions, seenVersions } = bulkApprove.parse(req.body ?? {});
    const results = [];
    for (const draftId of ids) {
      try {
        const draftVersion = versions[String(draftId)];
        if (draftVersion === undefined) throw new ValidationError(`versions: give the version you reviewed of draft ${draftId}.`, 'versions');
        results.push({ id: draftId, ok: true, draft: draftJson(await approveDraft(ctx, draftId, req.user!, { draftVersion, seenVersion: seenVersions?.[String(draftId)] })) });
      } catch (err) {
        const h = toHttpError(err);
        if (h.status >= 500) throw err;
        results.push({ id: draftId, ok: false, error: { code: h.code, message: h.message } });
      }
    }
    res.json(results);
  });

  r.post('/drafts/:id/presence', agent, async (req, res) => {
    const { editing } = z.strictObject({ editing: z.boolean().default(false) }).parse(req.body ?? {});
    res.json({ others: await notePresence(ctx, id.parse(req.params.id), req.user!.id, editing) });
  });

  r.post('/drafts/:id/settle', agent, async (req, res) => {
    const draftId = id.parse(req.params.id);
    await settleUncertain(ctx, draftId, req.user!, settleBody.parse(req.body ?? {}).delivered);
    res.json(draftJson(await getDraft(ctx, draftId)));
  });

  r.get('/attachments/:id', agent, async (req, res) => {
    sendAttachment(res, await attachmentForDownload(ctx, id.parse(req.params.id)));
  });

  r.get('/drafts', agent, async (req, res) => {
    const query = z.object({ status: z.enum(DRAFT_STATUSES as [string, ...string[]]).optional(), kind: z.enum(['reply', 'followup']).optional() }).parse(req.query);
    const drafts = await listDrafts(ctx, query as Parameters<typeof listDrafts>[1]);
    res.json(drafts.map(draftJson));
  });

  r.get('/drafts/:id', agent, async (req, res) => {
    res.json(await draftWithAttachments(ctx, await getDraft(ctx, id.parse(req.params.id))));
  });

  r.patch('/drafts/:id', agent, async (req, res) => {
    const edit = draftEdit.parse(req.body ?? {});
    res.json(draftJson(await editDraft(ctx, id.parse(req.params.id), edit, req.user!)));
  });

  r.post('/drafts/:id/approve', agent, async (req, res) => {
    const { version, seenVersion, sendAt } = approveBody.parse(req.body ?? {});
    res.json(draftJson(await approveDraft(ctx, id.parse(req.params.id), req.user!, { draftVersion: version, seenVersion, sendAt })));
  });

  // Moves a scheduled send until it starts; without sendAt it goes as soon as the undo window allows.
  r.post('/drafts/:id/reschedule', agent, async (req, res) => {
    const { sendAt } = rescheduleBody.parse(req.body ?? {});
    res.json(draftJson(await rescheduleSend(ctx, id.parse(req.params.id), sendAt, req.user!)));
  });

  r.get('/drafts/:id/revisions', agent, async (req, res) => {
    res.json(
      (await draftRevisions(ctx, id.parse(req.params.id))).map((v) => ({
        id: v.id,
        author: v.author,
        at: v.at.toISOString(),
        subject: v.subject,
        body: v.body,
        to: v.to,
        cc: v.cc,
        change: v.change,
      })),
    );
  });

  r.post('/drafts/:id/restore', agent, async (req, res) => {
    const body = restoreBody.parse(req.body ?? {});
    res.json(draftJson(await restoreRevision(ctx, id.parse(req.params.id), body.revisionId, req.user!, body.baseVersion)));
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
