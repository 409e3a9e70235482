import { Router } from 'express';
import { z } from 'zod';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { unreadMentionCount } from '../../core/conversations/mentions.ts';
import { ConflictError, LonghandError, TooManyAttemptsError } from '../../core/errors.ts';
import { claimSigninAttempt, clearSigninFailures, releaseSigninAttempt, type SigninAttempt } from '../../core/users/signin-limits.ts';
import { adoptBrowserTimeZone, createUser, setupNeeded, verifyLogin } from '../../core/users/users.ts';
import type { Render } from '../views.ts';
import { accountPages } from './account-pages.ts';
import { conversationPages } from './conversation-pages.ts';
import { customerPages } from './customer-pages.ts';
import { draftAttachmentPages } from './draft-attachment-pages.ts';
import { followupPages } from './followup-pages.ts';
import { localPath, type PageOptions, pageKit } from './kit.ts';
import { mailboxPages } from './mailbox-pages.ts';
import { mentionPages } from './mention-pages.ts';
import { messagePages } from './message-pages.ts';
import { newConversationPages } from './new-conversation-page.ts';
import { queuePages } from './queue-page.ts';
import { reportPages } from './report-page.ts';
import { settingsPages } from './settings-pages.ts';
import { templatePages } from './template-pages.ts';

/** The staff pages: server-rendered, every form with a CSRF token, every action checked on the server. */
export function pageRoutes(ctx: Ctx, render: Render, options: PageOptions): Router {
  const r = Router();

  const kit = pageKit(ctx, render, options);
  const { page, signedIn } = kit;

  r.get('/setup', async (req, res) => {
    if (!(await setupNeeded(ctx))) return res.redirect(303, '/signin');
    page(req, res, 'setup', { title: 'Welcome to Longhand' });
  });

  r.post('/setup', async (req, res) => {
    if (!(await setupNeeded(ctx))) return res.redirect(303, '/signin');
    const form = z.object({ name: z.string(), email: z.string(), password: z.string(), timeZone: z.string().max(100).optional() }).parse(req.body);
    try {
      const user = await createUser(ctx, { ...form, role: 'owner' }, null, { onlyIfFirstOwner: true });
      await adoptBrowserTimeZone(ctx, user.id, form.timeZone);
      await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
      req.session.userId = user.id;
      res.redirect(303, '/');
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'setup_done') return res.redirect(303, '/signin');
      if (!(err instanceof LonghandError)) throw err;
      page(req, res, 'setup', { title: 'Welcome to Longhand', error: err.message, form }, 400);
    }
  });

  r.get('/signin', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    page(req, res, 'signin', { title: 'Sign in', next: typeof req.query.next === 'string' ? req.query.next : '/' });
  });

  r.post('/signin', async (req, res) => {
    const form = z.object({ email: z.string().max(254), password: z.string().max(1000), next: z.string().optional(), timeZone: z.string().max(100).optional() }).parse(req.body);
    const next = localPath(form.next);
    const client = req.ip ?? 'unknown';
    let attempt: SigninAttempt;
    try {
      attempt = await claimSigninAttempt(ctx, form.email, client);
    } catch (err) {
      if (!(err instanceof TooManyAttemptsError)) throw err;
      res.set('Retry-After', String(err.retryAfterSeconds));
      return page(req, res, 'signin', { title: 'Sign in', error: err.message, email: form.email, next }, 429);
    }
    const user = await verifyLogin(ctx, form.email, form.password);
    if (!user) {
      await audit(ctx.db, ctx.clock.now(), { actorUserId: null, action: 'signin.failed', details: { ip: client, email: form.email.trim().toLowerCase() } });
      return page(req, res, 'signin', { title: 'Sign in', error: 'That email and password do not match an account.', email: form.email, next }, 401);
    }
    await releaseSigninAttempt(ctx, attempt);
    await clearSigninFailures(ctx, form.email, client);
    // A new session id at sign-in, so a session id planted before cannot ride along.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = user.id;
    // The browser's zone (app.js fills the field), kept only while the person has none of their own.
    await adoptBrowserTimeZone(ctx, user.id, form.timeZone);
    await audit(ctx.db, ctx.clock.now(), { actorUserId: user.id, action: 'signin', details: { ip: client } });
    res.redirect(303, next);
  });

  r.post('/signout', (req, res) => {
    req.session.destroy(() => res.redirect(303, '/signin'));
  });

  // The navigation shows how many mentions the person has not read, on every page.
  r.use(async (req, res, next) => {
    if (req.user && req.method === 'GET') res.locals.mentionsUnread = await unreadMentionCount(ctx.db, req.user.id);
    next();
  });

  r.use(queuePages(kit));
  // Before the conversation pages, whose /conversations/:id would take "new" for an id.
  r.use(newConversationPages(kit));
  r.use(conversationPages(kit));
  r.use(draftAttachmentPages(kit));
  r.use(customerPages(kit));
  r.use(messagePages(kit));
  r.use(mailboxPages(kit));
  r.use(followupPages(kit));
  r.use(reportPages(kit));
  r.use(settingsPages(kit));
  r.use(templatePages(kit));
  r.use(accountPages(kit));
  r.use(mentionPages(kit));

  if (options.capturedMail) {
    const captured = options.capturedMail;
    r.get('/demo/outbox', signedIn, (req, res) => {
      page(req, res, 'demo-outbox', { title: 'Demo outbox', mails: [...captured()].reverse() });
    });
  }
  return r;
}
