import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { LonghandError, ValidationError } from '../../core/errors.ts';
import type { ImageNetwork } from '../../core/mail/remote-image.ts';
import { setupNeeded } from '../../core/users/users.ts';
import type { FlashUndo } from '../auth.ts';
import { csrfToken } from '../csrf.ts';
import { toHttpError } from '../http-errors.ts';
import { rowId } from '../row-id.ts';
import { type Render, zoneOf } from '../views.ts';

export interface CapturedMail {
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface PageOptions {
  /** Signs session cookies, and the links a message frame hands out (its images are fetched without the cookie). */
  sessionSecret: string;
  /** Demo mode: outgoing mail is captured in-process and listed on /demo/outbox. */
  capturedMail?: () => CapturedMail[];
  /** Why the job queue cannot be reached right now (null when it can): a banner on every page says so. */
  queueProblem?: () => string | null;
  /** Where the image proxy may connect: the public internet, unless a test puts a local site there. */
  imageNetwork?: ImageNetwork;
}

/** What every page module shares: rendering with the layout's data, the sign-in gate, and form actions. */
export interface PageKit {
  ctx: Ctx;
  options: PageOptions;
  page(req: Request, res: Response, view: string, data: Record<string, unknown>, status?: number): void;
  signedIn: RequestHandler;
  /** Runs a form action and goes back where the form said (or where the outcome says), with the outcome in words. */
  action(fn: (req: Request) => Promise<string | ActionOutcome>): RequestHandler;
}

export interface ActionOutcome {
  text: string;
  /** Go here instead of back: after an approval, the next conversation waiting. */
  next?: string;
  undo?: FlashUndo;
}

export const idParam = rowId;

/** Where Google or Microsoft send an owner back after consent: the public address if configured, else the one this request came to. */
export function oauthRedirectUri(ctx: Ctx, req: Request): string {
  return `${ctx.config.publicUrl ?? `${req.protocol}://${req.get('host')}`}/mailboxes/oauth/callback`;
}

/** Reads a form, or says in words which field is wrong (a flash, not an error page). */
export function parseForm<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ValidationError(`${issue.path.join('.') || 'form'}: ${issue.message}`, issue.path.join('.'));
}

/** Only paths of ours: a `back` or `next` field must never send a person to another site. */
export function localPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

export function pageKit(ctx: Ctx, render: Render, options: PageOptions): PageKit {
  return {
    ctx,
    options,
    page(req, res, view, data, status = 200) {
      const flash = req.session.flash;
      delete req.session.flash;
      res
        .status(status)
        .type('html')
        .send(
          render(view, {
            ...data,
            user: req.user,
            isOwner: req.user?.role === 'owner',
            // Every time on the page is shown in the reader's zone (the helpers read it from here).
            timeZone: zoneOf(req.user),
            mentionsUnread: res.locals.mentionsUnread ?? 0,
            csrf: csrfToken(req, res, options.sessionSecret),
            flash,
            queueDown: req.user ? (options.queueProblem?.() ?? null) : null,
            demo: Boolean(options.capturedMail),
            now: ctx.clock.now(),
            path: req.path,
          }),
        );
    },
    // Any staff member; pages that need more add requireRole after it.
    signedIn: Object.assign(
      async (req: Request, res: Response, next: NextFunction) => {
        if (req.user) return next();
        if (await setupNeeded(ctx)) return res.redirect(303, '/setup');
        res.redirect(303, `/signin?next=${encodeURIComponent(req.originalUrl)}`);
      },
      { leastRole: 'agent' as const },
    ),
    action: (fn) => async (req: Request, res: Response, next: NextFunction) => {
      let back = localPath(req.body?.back);
      try {
        const outcome = await fn(req);
        if (typeof outcome === 'string') req.session.flash = { kind: 'ok', text: outcome };
        else {
          req.session.flash = { kind: 'ok', text: outcome.text, ...(outcome.undo ? { undo: outcome.undo } : {}) };
          if (outcome.next) back = outcome.next;
        }
      } catch (err) {
        if (!(err instanceof LonghandError)) return next(err);
        req.session.flash = { kind: 'error', text: toHttpError(err).message };
      }
      res.redirect(303, back);
    },
  };
}
