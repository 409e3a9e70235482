import type { Queue } from 'bullmq';
import express, { type ErrorRequestHandler, type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Ctx } from '../core/context.ts';
import { databaseHealth } from '../core/db/database.ts';
import { startLiveWork } from '../core/intake/live-work.ts';
import { listMailboxes } from '../core/mailboxes/mailboxes.ts';
import { projectPath } from '../core/project-root.ts';
import { apiRoutes } from './api/routes.ts';
import { identify } from './auth.ts';
import { checkCsrf } from './csrf.ts';
import { apiErrorHandler, toHttpError } from './http-errors.ts';
import type { PageOptions } from './pages/kit.ts';
import { pageRoutes } from './pages/routes.ts';
import { QUEUE_BOARD_PATH, queueBoard } from './queue-board.ts';
import { refuseNul } from './refuse-nul.ts';
import { DatabaseSessionStore } from './session-store.ts';
import { exceptUploads } from './upload.ts';
import { createRenderer } from './views.ts';

export interface AppOptions extends PageOptions {
  /** The queues to show owners on the queue dashboard; none, no dashboard. */
  queues?: Queue[];
}

const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
};

/** The HTTP side: JSON API under /api, staff pages, health. It calls the domain and nothing else. */
export function createApp(ctx: Ctx, options: AppOptions): Express {
  const app = express();
  const render = createRenderer();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy ? 1 : false);
  // Upgrading to https and HSTS only where TLS is really there: over plain HTTP under a LAN name they
  // would send the browser to an https nothing serves, and nobody could sign in.
  const headersOverTls = helmet({ contentSecurityPolicy: { directives: CSP } });
  const headersOverPlainHttp = helmet({ contentSecurityPolicy: { directives: { ...CSP, upgradeInsecureRequests: null } }, strictTransportSecurity: false });
  app.use((req, res, next) => (req.secure ? headersOverTls : headersOverPlainHttp)(req, res, next));

  // Each dependency in words; 503 when one this process needs is down (a mailbox that fails is reported, not fatal).
  app.get('/healthz', async (_req, res) => {
    const database = await databaseHealth(ctx.db);
    const queue = options.queueProblem ? (options.queueProblem() ?? 'ok') : 'not used by this process';
    const mailboxes = database === 'ok' ? (await listMailboxes(ctx)).map((m) => ({ email: m.email, state: m.state })) : [];
    const down = database !== 'ok' || (options.queueProblem !== undefined && queue !== 'ok');
    res.status(down ? 503 : 200).json({ status: down ? 'down' : 'ok', database, redis: queue, mailboxes });
  });
  app.use('/assets', express.static(projectPath('server', 'public'), { maxAge: '1h', index: false }));
  // A request is someone waiting: a first sync's old mail gives way to it (a live page's event stream stays open, so it is not counted).
  app.use((req, res, next) => {
    if (req.accepts('text/event-stream') && !req.accepts('html')) return next();
    res.once('close', startLiveWork(ctx.db));
    next();
  });

  app.use(
    session({
      store: new DatabaseSessionStore(ctx.db, SESSION_TTL_MS),
      secret: options.sessionSecret,
      name: 'longhand.sid',
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_TTL_MS },
    }),
  );
  app.use(exceptUploads(express.json({ limit: '1mb' })));
  app.use(exceptUploads(express.urlencoded({ extended: false, limit: '1mb' })));
  app.use(refuseNul);
  app.use(identify(ctx));
  // What a person sees signed in, and every API answer, is theirs alone: no shared or back-button cache keeps it.
  app.use((req, res, next) => {
    if (req.user || req.path.startsWith('/api/')) res.set('Cache-Control', 'no-store');
    next();
  });
  if (options.queues) app.use(QUEUE_BOARD_PATH, queueBoard(options.queues));
  app.use(checkCsrf(options.sessionSecret));

  app.use('/api', apiRoutes(ctx), apiErrorHandler(ctx.log));
  app.use(pageRoutes(ctx, render, options));

  app.use((req, res) => {
    res
      .status(404)
      .type('html')
      .send(render('error', { title: 'Not found', status: 404, message: 'There is nothing at this address.', user: req.user }));
  });
  const pageErrors: ErrorRequestHandler = (err, req, res, _next) => {
    const h = toHttpError(err);
    if (h.status >= 500) ctx.log.error({ err, path: req.path }, 'page failed');
    if (h.status === 401) return res.redirect(303, '/signin');
    res
      .status(h.status)
      .type('html')
      .send(render('error', { title: 'Something is wrong', status: h.status, message: h.message, user: req.user }));
  };
  app.use(pageErrors);
  return app;
}
