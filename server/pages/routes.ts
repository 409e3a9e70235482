import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { customerCard } from '../../core/customers/card.ts';
import { conversationDetail } from '../../core/conversations/views.ts';
import { approveDraft, discardDraft, editDraft, undoApproval } from '../../core/drafts/drafts.ts';
import { findSlots } from '../../core/drafts/slots.ts';
import { touchCheck } from '../../core/drafts/touch-check.ts';
import { LonghandError } from '../../core/errors.ts';
import { mailboxHealth } from '../../core/mailboxes/health.ts';
import { createUser, setupNeeded, verifyLogin } from '../../core/users/users.ts';
import { audit } from '../../core/audit.ts';
import { attachmentForDownload } from '../../core/mail/attachments.ts';
import { requestResync } from '../../core/mailboxes/mailboxes.ts';
import { sendAttachment } from '../attachment-response.ts';
import { csrfToken, requireRole } from '../auth.ts';
import { toHttpError } from '../http-errors.ts';
import type { Render } from '../views.ts';
import { draftQueue } from './queue.ts';

export interface CapturedMail {
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface PageOptions {
  /** Demo mode: outgoing mail is captured in-process and listed on /demo/outbox. */
  capturedMail?: () => CapturedMail[];
}

const id = z.coerce.number().int().positive();

/** The staff pages: server-rendered, every form with a CSRF token, every action checked on the server. */
export function pageRoutes(ctx: Ctx, render: Render, options: PageOptions): Router {
  const r = Router();

  const page = (req: Request, res: Response, view: string, data: Record<string, unknown>, status = 200) => {
    const flash = req.session.flash;
    delete req.session.flash;
    res.status(status).type('html').send(render(view, { ...data, user: req.user, csrf: csrfToken(req), flash, demo: Boolean(options.capturedMail), now: ctx.clock.now() }));
  };
  const signedIn: RequestHandler = async (req, res, next) => {
    if (req.user) return next();
    if (await setupNeeded(ctx)) return res.redirect(303, '/setup');
    res.redirect(303, `/signin?next=${encodeURIComponent(req.originalUrl)}`);
  };
  /** Runs a draft action and comes back to the conversation with the outcome in words. */
  const action = (fn: (req: Request) => Promise<string>): RequestHandler => async (req: Request, res: Response, next: NextFunction) => {
    const back = typeof req.body?.back === 'string' && req.body.back.startsWith('/') && !req.body.back.startsWith('//') ? req.body.back : '/';
    try {
      req.session.flash = { kind: 'ok', text: await fn(req) };
    } catch (err) {
      if (!(err instanceof LonghandError)) return next(err);
      req.session.flash = { kind: 'error', text: toHttpError(err).message };
    }
    res.redirect(303, back);
  };

  r.get('/setup', async (req, res) => {
    if (!(await setupNeeded(ctx))) return res.redirect(303, '/signin');
    page(req, res, 'setup', { title: 'Welcome to Longhand' });
  });

  r.post('/setup', async (req, res) => {
    if (!(await setupNeeded(ctx))) return res.redirect(303, '/signin');
    const form = z.object({ name: z.string(), email: z.string(), password: z.string() }).parse(req.body);
    try {
      const user = await createUser(ctx, { ...form, role: 'owner' });
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.userId = user.id;
      res.redirect(303, '/');
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      page(req, res, 'setup', { title: 'Welcome to Longhand', error: err.message, form }, 400);
    }
  });

  r.get('/signin', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    page(req, res, 'signin', { title: 'Sign in', next: typeof req.query.next === 'string' ? req.query.next : '/' });
  });

  r.post('/signin', async (req, res) => {
    const form = z.object({ email: z.string().max(254), password: z.string().max(1000), next: z.string().optional() }).parse(req.body);
    const user = await verifyLogin(ctx, form.email, form.password);
    const next = form.next?.startsWith('/') && !form.next.startsWith('//') ? form.next : '/';
    if (!user) {
      await audit(ctx.db, ctx.clock.now(), { actorUserId: null, action: 'signin.failed', details: { ip: req.ip } });
      return page(req, res, 'signin', { title: 'Sign in', error: 'That email and password do not match an account.', email: form.email, next }, 401);
    }
    // A new session id at sign-in, so a session id planted before cannot ride along.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = user.id;
    await audit(ctx.db, ctx.clock.now(), { actorUserId: user.id, action: 'signin', details: { ip: req.ip } });
    res.redirect(303, next);
  });

  r.post('/signout', (req, res) => {
    req.session.destroy(() => res.redirect(303, '/signin'));
  });

  r.get('/', signedIn, async (req, res) => {
    const [items, mailboxes] = await Promise.all([draftQueue(ctx), mailboxHealth(ctx)]);
    page(req, res, 'queue', { title: 'Queue', items, mailboxes, noMailbox: mailboxes.length === 0 });
  });

  r.get('/conversations/:id', signedIn, async (req, res) => {
    const d = await conversationDetail(ctx, id.parse(req.params.id));
    const card = d.conversation.customer_id ? await customerCard(ctx, d.conversation.customer_id) : null;
    const draft = [...d.drafts].reverse().find((x) => ['pending', 'approved', 'sending', 'uncertain', 'failed'].includes(x.status)) ?? null;
    const last = [...d.messages].reverse().find((m) => m.direction === 'in');
    const touch = draft ? touchCheck({ text: draft.body, templateText: draft.template_body, customer: { firstName: card?.name?.split(/\s+/)[0] ?? null }, customerText: last?.new_text ?? null }) : null;
    page(req, res, 'conversation', {
      title: d.conversation.subject,
      conversation: d.conversation,
      messages: d.messages,
      card,
      history: card?.history.filter((h) => h.conversationId !== d.conversation.id) ?? [],
      draft,
      slots: draft ? findSlots(draft.body).map((s) => s.hint) : [],
      touch,
      editable: draft?.status === 'pending',
      undoable: draft?.status === 'approved' && draft.send_after !== null && draft.send_after.getTime() > ctx.clock.now().getTime(),
    });
  });

  r.post('/drafts/:id/save', signedIn, action(async (req) => {
    const form = z.object({ subject: z.string(), body: z.string(), baseVersion: z.coerce.number().int() }).parse(req.body);
    await editDraft(ctx, id.parse(req.params.id), form, req.user!);
    return 'Saved.';
  }));

  r.post('/drafts/:id/approve', signedIn, action(async (req) => {
    const form = z.object({ subject: z.string().optional(), body: z.string().optional(), baseVersion: z.coerce.number().int().optional(), seenVersion: z.coerce.number().int().optional() }).parse(req.body);
    const draftId = id.parse(req.params.id);
    // The approve button also saves what is in the editor, so nothing typed is lost.
    if (form.body !== undefined) await editDraft(ctx, draftId, { body: form.body, subject: form.subject, baseVersion: form.baseVersion }, req.user!);
    const draft = await approveDraft(ctx, draftId, req.user!, { seenVersion: form.seenVersion });
    const seconds = draft.send_after ? Math.max(0, Math.round((draft.send_after.getTime() - ctx.clock.now().getTime()) / 1000)) : 0;
    return seconds > 0 ? `Approved. It goes out in ${seconds} seconds unless you undo.` : 'Approved; it is on its way.';
  }));

  r.post('/drafts/:id/undo', signedIn, action(async (req) => {
    await undoApproval(ctx, id.parse(req.params.id), req.user!);
    return 'Undone: the draft is back for editing.';
  }));

  r.post('/drafts/:id/discard', signedIn, action(async (req) => {
    const form = z.object({ reason: z.string().max(1000).optional() }).parse(req.body);
    await discardDraft(ctx, id.parse(req.params.id), req.user!, form.reason ?? null);
    return 'Discarded.';
  }));

  r.get('/mailboxes', signedIn, async (req, res) => {
    const mailboxes = await mailboxHealth(ctx);
    page(req, res, 'mailboxes', { title: 'Mailboxes', mailboxes, isOwner: req.user!.role === 'owner' });
  });

  r.post('/mailboxes/:id/resync', signedIn, requireRole('owner'), action(async (req) => {
    await requestResync(ctx, id.parse(req.params.id), req.user!.id);
    return 'It syncs again from the start: what is missing is filled in, nothing is stored twice.';
  }));

  r.get('/attachments/:id', signedIn, async (req, res) => {
    sendAttachment(res, await attachmentForDownload(ctx, id.parse(req.params.id)));
  });

  if (options.capturedMail) {
    const captured = options.capturedMail;
    r.get('/demo/outbox', signedIn, (req, res) => {
      page(req, res, 'demo-outbox', { title: 'Demo outbox', mails: [...captured()].reverse() });
    });
  }
  return r;
}
