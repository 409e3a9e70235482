import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { listMentions, markMentionsRead, unreadMentionCount } from '../../core/conversations/mentions.ts';
import type { User } from '../../core/db/schema.ts';
import { createToken, listTokens, revokeToken } from '../../core/users/tokens.ts';
import { updateUser } from '../../core/users/users.ts';
import { requireRole } from '../auth.ts';
import { bodyRowId, rowId } from '../row-id.ts';

const newToken = z.strictObject({ name: z.string().trim().min(1).max(100) });
const meChange = z.strictObject({ timeZone: z.string().max(100).optional(), signature: z.string().max(2000).optional() });
const mentionsQuery = z.object({ unread: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
const readBody = z.strictObject({ ids: z.array(bodyRowId).max(500).optional(), conversationId: bodyRowId.optional() });

const meJson = (u: User) => ({ id: u.id, email: u.email, name: u.name, role: u.role, timeZone: u.time_zone, signature: u.signature });

/** The caller's own account (time zone, signature), API tokens (listed without the secret part, shown once when made) and mentions. */
export function accountRoutes(ctx: Ctx): Router {
  const r = Router();
  const anyone = requireRole('agent');

  r.get('/me', anyone, (req, res) => {
    res.json(meJson(req.user!));
  });

  r.patch('/me', anyone, async (req, res) => {
    res.json(meJson(await updateUser(ctx, req.user!.id, meChange.parse(req.body ?? {}), req.user!.id)));
  });

  r.get('/mentions', anyone, async (req, res) => {
    const q = mentionsQuery.parse(req.query);
    const [mentions, unread] = await Promise.all([listMentions(ctx, req.user!.id, { unreadOnly: q.unread === 'true', limit: q.limit }), unreadMentionCount(ctx.db, req.user!.id)]);
    res.json({ unread, mentions });
  });

  // Without ids or conversationId: all of them.
  r.post('/mentions/read', anyone, async (req, res) => {
    const marked = await markMentionsRead(ctx, req.user!.id, readBody.parse(req.body ?? {}));
    res.json({ marked, unread: await unreadMentionCount(ctx.db, req.user!.id) });
  });

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
