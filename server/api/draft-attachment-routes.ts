import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { Draft } from '../../core/db/schema.ts';
import {
  type Attached,
  attachReceived,
  attachUpload,
  draftAttachmentForDownload,
  listDraftAttachments,
  removeDraftAttachment,
  uploadRoom,
  uploadTooLarge,
} from '../../core/drafts/draft-attachments.ts';
import { getDraft } from '../../core/drafts/drafts.ts';
import { sendAttachment } from '../attachment-response.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';
import { readUpload } from '../upload.ts';
import { draftJson } from './present.ts';

const uploadQuery = z.object({ name: z.string().min(1, "give the file's name").max(1000) });
const forwardBody = z.strictObject({ attachmentId: bodyRowId });

/** A draft as the API gives it, with the files it carries. */
export async function draftWithAttachments(ctx: Ctx, draft: Draft) {
  return { ...draftJson(draft), attachments: await listDraftAttachments(ctx.db, draft.id) };
}

/** Files on a draft: upload (see server/upload.ts for how they travel), forward a customer's own back, list, download, remove. */
export function draftAttachmentRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');
  const answer = async (result: Attached) => ({ attachment: result.attachment, already: result.already, draft: await draftWithAttachments(ctx, result.draft) });

  r.get('/drafts/:id/attachments', agent, async (req, res) => {
    const draft = await getDraft(ctx, rowId.parse(req.params.id));
    res.json(await listDraftAttachments(ctx.db, draft.id));
  });

  r.post('/drafts/:id/attachments', agent, async (req, res) => {
    const draftId = rowId.parse(req.params.id);
    const { name } = uploadQuery.parse(req.query);
    const room = await uploadRoom(ctx, draftId);
    const content = await readUpload(req, res, room, (declared) => uploadTooLarge(ctx, name, declared, room));
    const result = await attachUpload(ctx, draftId, { filename: name, contentType: req.get('content-type'), content }, req.user!);
    res.status(result.already ? 200 : 201).json(await answer(result));
  });

  r.post('/drafts/:id/attachments/forward', agent, async (req, res) => {
    const { attachmentId } = forwardBody.parse(req.body ?? {});
    const result = await attachReceived(ctx, rowId.parse(req.params.id), attachmentId, req.user!);
    res.status(result.already ? 200 : 201).json(await answer(result));
  });

  r.get('/drafts/:id/attachments/:attachmentId', agent, async (req, res) => {
    sendAttachment(res, await draftAttachmentForDownload(ctx, rowId.parse(req.params.id), rowId.parse(req.params.attachmentId)));
  });

  r.delete('/drafts/:id/attachments/:attachmentId', agent, async (req, res) => {
    const draft = await removeDraftAttachment(ctx, rowId.parse(req.params.id), rowId.parse(req.params.attachmentId), req.user!);
    res.json(await draftWithAttachments(ctx, draft));
  });

  return r;
}
