import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { createToken, listTokens, revokeToken } from '../../core/users/tokens.ts';
import { requireRole } from '../auth.ts';
import { rowId } from '../row-id.ts';

const newToken = z.strictObject({ name: z.string().trim().min(1).max(100) });

/** A person's own API tokens: listed without the secret part, shown once when made, revocable. */
export function accountRoutes(ctx: Ctx): Router {
  const r = Router();
  const anyone = requireRole('agent');

  r.get('/tokens', anyone, async (req, res) => {
    res.json(await listTokens(ctx, req.user!.id));
  });

  r.post('/tokens', anyone, async (req, res) => {
    const token = await createToken(ctx, req.user!.id, newToken.parse(req.body ?? {}).name);
    res.status(201).json({ token, note: 'Shown once: store it now.' });
  });

  r.delete('/tokens/:id', anyone, async (req, res) => {
    await revokeToken(ctx, rowId.parse(req.params.id), req.user!);
    res.status(204).end();
  });

  return r;
}
