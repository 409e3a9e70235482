import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { type RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { LonghandError } from '../core/errors.ts';
import { requireRole } from './auth.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for owners. Its own page carries no CSRF token, so its requests are held to our origin
 * instead (session cookies are SameSite=Lax as well); its inline styles need a CSP of their own, scripts
 * stay 'self' only.
 */
export function queueBoard(queues: Queue[]): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Longhand queues' } } });
  const r = Router();
  r.use(
    requireRole('owner'),
    sameOrigin,
    helmet.contentSecurityPolicy({
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    }),
    adapter.getRouter() as Router,
  );
  return r;
}

const sameOrigin: RequestHandler = (req, _res, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  const origin = req.get('origin') ?? req.get('referer');
  const ours = `${req.protocol}://${req.get('host')}`;
  if (!origin || (origin !== ours && !origin.startsWith(`${ours}/`))) return next(new LonghandError('csrf_failed', 'This request did not come from Longhand.'));
  next();
};
