import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { MAX_QUERY, search } from '../../core/search/search.ts';
import { requireRole } from '../auth.ts';

const query = z.object({ q: z.string().trim().min(1).max(MAX_QUERY), limit: z.coerce.number().int().min(1).max(50).default(20) });

/** GET /api/search?q=&limit=: customers and messages, best match first. */
export function searchRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get('/', requireRole('agent'), async (req, res) => {
    const { q, limit } = query.parse(req.query);
    res.json(await search(ctx, q, limit));
  });
  return r;
}
