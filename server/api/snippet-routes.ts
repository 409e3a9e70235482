import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { insertSnippet, previewSnippet } from '../../core/snippets/snippet-text.ts';
import { createSnippet, deleteSnippet, findSnippets, getSnippet, SNIPPET_BODY_MAX, updateSnippet } from '../../core/snippets/snippets.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';
import { snippetJson } from './present.ts';

const searchQuery = z.object({ q: z.string().max(200).default(''), limit: z.coerce.number().int().min(1).max(100).default(20) });
const insertBody = z.strictObject({ conversationId: bodyRowId });
const previewBody = z.strictObject({ body: z.string().max(SNIPPET_BODY_MAX), conversationId: bodyRowId });

/** Snippets: everyone finds and inserts them; approvers and owners write them. */
export function snippetRoutes(ctx: Ctx): Router {
  const r = Router();
  const agent = requireRole('agent');
  const approver = requireRole('approver');

  r.get('/', agent, async (req, res) => {
    const { q, limit } = searchQuery.parse(req.query);
    res.json((await findSnippets(ctx.db, q, limit)).map(snippetJson));
  });

  r.post('/', approver, async (req, res) => {
    res.status(201).json(snippetJson(await createSnippet(ctx, req.body ?? {}, req.user!)));
  });

  r.post('/preview', approver, async (req, res) => {
    const body = previewBody.parse(req.body ?? {});
    res.json(await previewSnippet(ctx, body.body, body.conversationId, req.user!));
  });

  r.get('/:id', agent, async (req, res) => {
    res.json(snippetJson(await getSnippet(ctx.db, rowId.parse(req.params.id))));
  });

  r.patch('/:id', approver, async (req, res) => {
    res.json(snippetJson(await updateSnippet(ctx, rowId.parse(req.params.id), req.body ?? {}, req.user!)));
  });

  r.delete('/:id', approver, async (req, res) => {
    await deleteSnippet(ctx, rowId.parse(req.params.id), req.user!);
    res.status(204).end();
  });

  r.post('/:id/insert', agent, async (req, res) => {
    res.json(await insertSnippet(ctx, rowId.parse(req.params.id), insertBody.parse(req.body ?? {}).conversationId, req.user!));
  });

  return r;
}
