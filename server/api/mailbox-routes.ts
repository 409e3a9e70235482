import { Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { mailboxHealth } from '../../core/mailboxes/health.ts';
import { addMailbox, removeMailbox, requestResync, setMailboxPaused } from '../../core/mailboxes/mailboxes.ts';
import { requireRole } from '../auth.ts';
import { rowId } from '../row-id.ts';

const id = rowId;
const newMailbox = z.strictObject({
  email: z.string().max(254),
  name: z.string().max(200).optional(),
  imapUrl: z.string().max(2000),
  smtpUrl: z.string().max(2000),
  extraFolders: z.array(z.string().min(1).max(500)).max(20).optional(),
});

/** Mailboxes and their sync health. Reading is for everyone; changing them is for owners. */
export function mailboxRoutes(ctx: Ctx): Router {
  const r = Router();

  r.get('/', requireRole('agent'), async (_req, res) => {
    res.json(await mailboxHealth(ctx));
  });

  r.post('/', requireRole('owner'), async (req, res) => {
    const mailbox = await addMailbox(ctx, newMailbox.parse(req.body ?? {}), req.user!.id);
    res.status(201).json((await mailboxHealth(ctx)).find((m) => m.id === mailbox.id));
  });

  for (const [path, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    r.post(`/:id/${path}`, requireRole('owner'), async (req, res) => {
      const mailboxId = id.parse(req.params.id);
      await setMailboxPaused(ctx, mailboxId, paused, req.user!.id);
      res.json((await mailboxHealth(ctx)).find((m) => m.id === mailboxId));
    });
  }

  r.delete('/:id', requireRole('owner'), async (req, res) => {
    await removeMailbox(ctx, id.parse(req.params.id), req.user!.id);
    res.status(204).end();
  });

  r.post('/:id/resync', requireRole('owner'), async (req, res) => {
    const mailboxId = id.parse(req.params.id);
    await requestResync(ctx, mailboxId, req.user!.id);
    res.status(202).json((await mailboxHealth(ctx)).find((m) => m.id === mailboxId));
  });

  return r;
}
