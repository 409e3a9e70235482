import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { checkReply, queuedDraftParts } from '../../core/drafts/draft-touch.ts';
import { applyTemplate, listTemplates, previewTemplate, resetTemplate, saveTemplate, templateNameFrom } from '../../core/drafts/template-edits.ts';
import { teamSettings, teamSettingsSchema, updateTeamSettings } from '../../core/settings/team-settings.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';
import { draftJson } from './present.ts';

const touchBody = z.strictObject({ text: z.string().max(200_000), conversationId: bodyRowId.optional() });
const templateBody = z.strictObject({ body: z.string().max(100_000) });
const previewBody = z.strictObject({ name: z.string().max(100), conversationId: bodyRowId, body: z.string().max(100_000).optional() });
const applyBody = z.strictObject({ name: z.string().max(100) });
const TEMPLATE_PATH = '/templates/:kind{/:language}/:name';

/** The touch check, templates, and the team's own settings (canned phrases, minimum score, undo window, approval policy). */
export function teamRoutes(ctx: Ctx): Router {
  const r = Router();

  r.post('/touch-check', requireRole('agent'), async (req, res) => {
    const body = touchBody.parse(req.body ?? {});
    const draft = body.conversationId ? await queuedDraftParts(ctx.db, body.conversationId) : undefined;
    res.json(await checkReply(ctx, body.text, body.conversationId ?? null, draft, ctx.db, undefined, req.user!));
  });

  r.get('/settings', requireRole('agent'), async (_req, res) => {
    res.json(await teamSettings(ctx));
  });

  r.put('/settings', requireRole('owner'), async (req, res) => {
    res.json(await updateTeamSettings(ctx, teamSettingsSchema.partial().parse(req.body ?? {}), req.user!.id));
  });

  r.get('/templates', requireRole('agent'), async (_req, res) => {
    res.json(await listTemplates(ctx));
  });

  r.post('/templates/preview', requireRole('agent'), async (req, res) => {
    const body = previewBody.parse(req.body ?? {});
    res.json(await previewTemplate(ctx, body.name, body.conversationId, req.user!, body.body));
  });

  r.put(TEMPLATE_PATH, requireRole('approver'), async (req, res) => {
    await saveTemplate(ctx, templateNameFrom(req.params), templateBody.parse(req.body ?? {}).body, req.user!);
    res.json((await listTemplates(ctx)).find((t) => t.name === templateNameFrom(req.params)));
  });

  r.delete(TEMPLATE_PATH, requireRole('approver'), async (req, res) => {
    await resetTemplate(ctx, templateNameFrom(req.params), req.user!);
    res.status(204).end();
  });

  r.post('/drafts/:id/template', requireRole('agent'), async (req, res) => {
    res.json(draftJson(await applyTemplate(ctx, rowId.parse(req.params.id), applyBody.parse(req.body ?? {}).name, req.user!)));
  });

  return r;
}
