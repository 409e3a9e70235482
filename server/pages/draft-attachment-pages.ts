import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { Draft } from '../../core/db/schema.ts';
import { attachReceived, listDraftAttachments, removeDraftAttachment } from '../../core/drafts/draft-attachments.ts';
import { getDraft } from '../../core/drafts/drafts.ts';
import { EDITABLE_DRAFT_STATUSES } from '../../core/drafts/statuses.ts';
import { formatSize } from '../../core/sizes.ts';
import { idParam, type PageKit, parseForm } from './kit.ts';

/** What the draft's attachment list shows: its files, and how much room is left under the limit. */
export async function attachmentListData(ctx: Ctx, draft: Draft) {
  const attachments = await listDraftAttachments(ctx.db, draft.id);
  const limit = ctx.config.replyAttachmentsBytes;
  return {
    draft,
    draftAttachments: attachments,
    attachmentsEditable: EDITABLE_DRAFT_STATUSES.includes(draft.status),
    attachmentRoom: Math.max(0, limit - attachments.reduce((sum, a) => sum + a.size, 0)),
    attachmentLimit: formatSize(limit),
  };
}

/**
 * A draft's files on the conversation page. Uploads go to the API (see server/upload.ts); these are the
 * form actions (forward a customer's attachment back, remove one), which work without JavaScript, and the
 * list alone, which the page fetches to redraw itself after a change.
 */
export function draftAttachmentPages({ ctx, signedIn, action, page }: PageKit): Router {
  const r = Router();

  r.get('/drafts/:id/attachments', signedIn, async (req, res) => {
    const draft = await getDraft(ctx, idParam.parse(req.params.id));
    page(req, res, 'draft-attachment-list', { ...(await attachmentListData(ctx, draft)), layout: false });
  });

  r.post(
    '/drafts/:id/attachments/forward',
    signedIn,
    action(async (req) => {
      const { attachmentId } = parseForm(z.object({ attachmentId: idParam }), req.body);
      const { attachment, already } = await attachReceived(ctx, idParam.parse(req.params.id), attachmentId, req.user!);
      return already ? `"${attachment.filename}" is already attached to your reply.` : `Attached "${attachment.filename}" to your reply.`;
    }),
  );

  r.post(
    '/drafts/:id/attachments/:attachmentId/remove',
    signedIn,
    action(async (req) => {
      await removeDraftAttachment(ctx, idParam.parse(req.params.id), idParam.parse(req.params.attachmentId), req.user!);
      return 'Removed the file from your reply.';
    }),
  );

  return r;
}
