import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { organizationNameFromDomain } from '../../core/customers/addresses.ts';
import { LonghandError, ValidationError } from '../../core/errors.ts';
import { attachmentForDownload } from '../../core/mail/attachments.ts';
import type { ServerSettings } from '../../core/mail/server-url.ts';
import { testConnection } from '../../core/mailboxes/connection-test.ts';
import { mailboxHealth } from '../../core/mailboxes/health.ts';
import { getMailbox, removeMailbox, requestResync, saveMailbox, setMailboxPaused } from '../../core/mailboxes/mailboxes.ts';
import { finishConsent, type PendingConsent, startConsent, startReconnect } from '../../core/mailboxes/oauth-connect.ts';
import { isPresetProvider, PROVIDERS, presetClient } from '../../core/mailboxes/oauth-providers.ts';
import { sendAttachment } from '../attachment-response.ts';
import { requireRole } from '../auth.ts';
import { toHttpError } from '../http-errors.ts';
import { idParam, oauthRedirectUri, type PageKit } from './kit.ts';

const port = z.coerce.number().int().min(1).max(65535);
/** The form's Security choice: TLS from the start, STARTTLS (required), or none at all (a local server). */
const security = z.enum(['tls', 'starttls', 'plain']);
type Security = z.infer<typeof security>;
const fromSecurity = (choice: Security) => (choice === 'plain' ? { secure: false, plaintext: true } : { secure: choice === 'tls' });
const securityOf = (s: { secure: boolean; plaintext?: boolean }): Security => (s.secure ? 'tls' : s.plaintext ? 'plain' : 'starttls');
const servers = {
  email: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'is not an email address'),
  name: z.string().trim().max(200).default(''),
  imapHost: z.string().trim().min(1).max(253),
  imapPort: port,
  imapSecurity: security,
  smtpHost: z.string().trim().min(1).max(253),
  smtpPort: port,
  smtpSecurity: security,
};
const setupForm = z.object({
  ...servers,
  imapUser: z.string().min(1).max(320),
  imapPassword: z.string().max(1000),
  smtpUser: z.string().max(320).default(''),
  smtpPassword: z.string().max(1000).default(''),
  saveAnyway: z.literal('on').optional(),
});
/** Google and Microsoft: the same servers, pre-filled; the user names default to the address. */
const oauthForm = z.object({
  ...servers,
  provider: z.enum(['google', 'microsoft']),
  imapUser: z.string().trim().max(320).default(''),
  smtpUser: z.string().trim().max(320).default(''),
});
type SetupForm = z.infer<typeof setupForm>;
type OAuthForm = z.infer<typeof oauthForm>;
const FIELD_NAMES: Record<string, string> = {
  email: 'The address',
  imapHost: 'The IMAP server',
  imapPort: 'The IMAP port',
  imapUser: 'The IMAP user name',
  smtpHost: 'The SMTP server',
  smtpPort: 'The SMTP port',
};
const CHOICES = [
  { value: 'google', label: PROVIDERS.google.label, hint: "Connect through Google's own sign-in: no password is given to Longhand." },
  { value: 'microsoft', label: PROVIDERS.microsoft.label, hint: "Connect through Microsoft's own sign-in (Exchange Online): no password is given to Longhand." },
  { value: 'other', label: 'Other (IMAP/SMTP)', hint: 'Any other mail provider or your own server, with a user name and password.' },
];

function serverSettings(f: SetupForm, kind: 'imap' | 'smtp'): ServerSettings {
  return kind === 'imap'
    ? { host: f.imapHost, port: f.imapPort, ...fromSecurity(f.imapSecurity), user: f.imapUser, password: f.imapPassword }
    : { host: f.smtpHost, port: f.smtpPort, ...fromSecurity(f.smtpSecurity), user: f.smtpUser, password: f.smtpPassword };
}

/** The form of a provider with its servers pre-filled, or as the owner changed them. */
function presetForm(provider: 'google' | 'microsoft', shown: Record<string, unknown> = {}) {
  const p = PROVIDERS[provider];
  return {
    imapHost: p.imap.host,
    imapPort: p.imap.port,
    imapSecurity: securityOf(p.imap),
    smtpHost: p.smtp.host,
    smtpPort: p.smtp.port,
    smtpSecurity: securityOf(p.smtp),
    ...shown,
    provider,
  };
}

/**
 * A form on this page posts to us and we answer with a redirect to the provider's consent screen; the
 * browser checks that redirect against the page's form-action, so the providers' origins are added to it.
 */
function allowFormRedirectsTo(res: Response, urls: string[]): void {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp !== 'string') return;
  const origins = [...new Set(urls.map((u) => new URL(u).origin))].join(' ');
  res.setHeader('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${origins}`));
}

/** Mailboxes: adding one (Google, Microsoft 365 or any IMAP/SMTP server), their sync health; attachments, downloaded by staff. */
export function mailboxPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();
  const owner = requireRole('owner');
  const consentOrigins = () => [ctx.config.oauth.google.authorizeUrl, ctx.config.oauth.microsoft.authorizeUrl];

  r.get('/mailboxes', signedIn, async (req, res) => {
    allowFormRedirectsTo(res, consentOrigins());
    page(req, res, 'mailboxes', {
      title: 'Mailboxes',
      mailboxes: (await mailboxHealth(ctx)).map((m) => ({ ...m, providerLabel: m.oauth && isPresetProvider(m.oauth.provider) ? PROVIDERS[m.oauth.provider].label : null })),
    });
  });

  const oauthPage = async (req: Request, res: Response, provider: 'google' | 'microsoft', data: Record<string, unknown>, status = 200) => {
    allowFormRedirectsTo(res, consentOrigins());
    const configured = Boolean(await presetClient(ctx, provider));
    page(req, res, 'mailbox-oauth', { title: `Connect ${PROVIDERS[provider].label}`, providerLabel: PROVIDERS[provider].label, configured, ...data }, status);
  };

  r.get('/mailboxes/new', signedIn, owner, async (req, res) => {
    const provider = typeof req.query.provider === 'string' ? req.query.provider : '';
    if (isPresetProvider(provider)) return oauthPage(req, res, provider, { form: presetForm(provider) });
    if (provider === 'other') return page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: {} });
    page(req, res, 'mailbox-choose', { title: 'Add a mailbox', choices: CHOICES.map((c, i) => ({ ...c, checked: i === 0 })) });
  });

  // Changing a mailbox is saving it again under its address: the form comes filled in, passwords typed anew.
  r.get('/mailboxes/:id/edit', signedIn, owner, async (req, res) => {
    const m = await getMailbox(ctx, idParam.parse(req.params.id));
    const form = {
      email: m.email,
      name: m.name,
      imapHost: m.imap.host,
      imapPort: m.imap.port,
      imapSecurity: securityOf(m.imap),
      imapUser: m.imap.user,
      smtpHost: m.smtp.host,
      smtpPort: m.smtp.port,
      smtpSecurity: securityOf(m.smtp),
      smtpUser: m.smtp.user,
    };
    page(req, res, 'mailbox-new', { title: `Change ${m.email}`, form, editing: true });
  });

  /** The form as typed, or the form shown again with what is wrong (never with the passwords in it). */
  const readForm = (req: Request, res: Response): SetupForm | null => {
    const parsed = setupForm.safeParse(req.body);
    if (parsed.success) return parsed.data;
    const { imapPassword: _i, smtpPassword: _s, ...shown } = (req.body ?? {}) as Record<string, unknown>;
    page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, error: describeIssues(parsed.error) }, 400);
    return null;
  };

  r.post('/mailboxes/test', signedIn, owner, async (req, res) => {
    const form = readForm(req, res);
    if (!form) return;
    const report = await testConnection(serverSettings(form, 'imap'), serverSettings(form, 'smtp'));
    const { imapPassword: _i, smtpPassword: _s, ...shown } = form;
    page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, report, reportParts: reportParts(report) });
  });

  r.post('/mailboxes', signedIn, owner, async (req, res) => {
    const form = readForm(req, res);
    if (!form) return;
    const { imapPassword: _i, smtpPassword: _s, saveAnyway: _a, ...shown } = form;
    // Saved with a wrong password, a mailbox would be retried with it for hours: test first, unless the owner insists.
    if (!form.saveAnyway) {
      const report = await testConnection(serverSettings(form, 'imap'), serverSettings(form, 'smtp'));
      if (!report.ok) {
        const error = 'Not saved: the connection test failed (see below). Fix what it says, or tick "Save even though the test failed" if the server is only down for now.';
        return page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, report, reportParts: reportParts(report), error, offerSaveAnyway: true }, 400);
      }
    }
    try {
      const saved = await saveMailbox(
        ctx,
        {
          email: form.email,
          name: form.name || organizationNameFromDomain(form.email.split('@')[1] ?? ''),
          imap: serverSettings(form, 'imap'),
          smtp: serverSettings(form, 'smtp'),
        },
        req.user!.id,
      );
      req.session.flash = { kind: 'ok', text: `${saved.email} is saved; the first sync starts within seconds. Old mail is threaded but not drafted.` };
      res.redirect(303, '/mailboxes');
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, error: err.message }, 400);
    }
  });

  const goToConsent = (req: Request, res: Response, started: { url: string; pending: PendingConsent }) => {
    req.session.oauthConsent = started.pending;
    res.redirect(303, started.url);
  };

  r.post('/mailboxes/oauth/start', signedIn, owner, async (req, res) => {
    const parsed = oauthForm.safeParse(req.body);
    const provider = isPresetProvider(String(req.body?.provider)) ? (req.body.provider as 'google' | 'microsoft') : 'google';
    if (!parsed.success) return oauthPage(req, res, provider, { form: presetForm(provider, req.body ?? {}), error: describeIssues(parsed.error) }, 400);
    const f: OAuthForm = parsed.data;
    try {
      goToConsent(
        req,
        res,
        await startConsent(ctx, {
          provider: f.provider,
          email: f.email,
          name: f.name || organizationNameFromDomain(f.email.split('@')[1] ?? ''),
          imap: { host: f.imapHost, port: f.imapPort, ...fromSecurity(f.imapSecurity), user: f.imapUser || f.email },
          smtp: { host: f.smtpHost, port: f.smtpPort, ...fromSecurity(f.smtpSecurity), user: f.smtpUser || f.email },
          redirectUri: oauthRedirectUri(ctx, req),
        }),
      );
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      await oauthPage(req, res, f.provider, { form: presetForm(f.provider, f), error: err.message }, 400);
    }
  });

  r.post('/mailboxes/:id/reconnect', signedIn, owner, async (req, res) => {
    try {
      goToConsent(req, res, await startReconnect(ctx, idParam.parse(req.params.id), oauthRedirectUri(ctx, req)));
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      req.session.flash = { kind: 'error', text: toHttpError(err).message };
      res.redirect(303, '/mailboxes');
    }
  });

  r.get('/mailboxes/oauth/callback', signedIn, owner, async (req, res) => {
    const pending = req.session.oauthConsent;
    // One use only: a replayed or second callback finds nothing to finish.
    delete req.session.oauthConsent;
    if (!pending) {
      req.session.flash = {
        kind: 'error',
        text: 'No sign-in with Google or Microsoft was in progress here (it may have been finished already). Start again from "Add a mailbox".',
      };
      return res.redirect(303, '/mailboxes');
    }
    const shown = {
      email: pending.email,
      name: pending.name,
      imapHost: pending.imap.host,
      imapPort: pending.imap.port,
      imapSecurity: securityOf(pending.imap),
      imapUser: pending.imap.user,
      smtpHost: pending.smtp.host,
      smtpPort: pending.smtp.port,
      smtpSecurity: securityOf(pending.smtp),
      smtpUser: pending.smtp.user,
    };
    try {
      const outcome = await finishConsent(ctx, pending, new URL(req.originalUrl, 'http://callback').searchParams, req.user!.id);
      if (!outcome.ok)
        return oauthPage(req, res, pending.provider, { form: presetForm(pending.provider, shown), report: outcome.report, reportParts: reportParts(outcome.report) }, 400);
      req.session.flash = {
        kind: 'ok',
        text: `${outcome.mailbox.email} is connected through ${PROVIDERS[pending.provider].label}; the first sync starts within seconds. Old mail is threaded but not drafted.`,
      };
      res.redirect(303, '/mailboxes');
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      await oauthPage(req, res, pending.provider, { form: presetForm(pending.provider, shown), error: err.message }, 400);
    }
  });

  r.post(
    '/mailboxes/:id/pause',
    signedIn,
    owner,
    action(async (req) => {
      const mailbox = await setMailboxPaused(ctx, idParam.parse(req.params.id), true, req.user!.id);
      return `${mailbox.email} is paused: no mail is fetched until you resume it. Approved replies still go out.`;
    }),
  );

  r.post(
    '/mailboxes/:id/resume',
    signedIn,
    owner,
    action(async (req) => {
      const mailbox = await setMailboxPaused(ctx, idParam.parse(req.params.id), false, req.user!.id);
      return `${mailbox.email} syncs again; what arrived meanwhile is fetched now.`;
    }),
  );

  r.post(
    '/mailboxes/:id/remove',
    signedIn,
    owner,
    action(async (req) => {
      if (req.body?.confirm !== 'on') throw new ValidationError('Tick "Yes, remove" to remove the mailbox.', 'confirm');
      const mailbox = await removeMailbox(ctx, idParam.parse(req.params.id), req.user!.id);
      return `${mailbox.email} is removed. Its conversations and mail stay; replies to them go out from another mailbox.`;
    }),
  );

  r.post(
    '/mailboxes/:id/resync',
    signedIn,
    owner,
    action(async (req) => {
      await requestResync(ctx, idParam.parse(req.params.id), req.user!.id);
      return 'It syncs again from the start: what is missing is filled in, nothing is stored twice.';
    }),
  );

  r.get('/attachments/:id', signedIn, async (req, res) => {
    sendAttachment(res, await attachmentForDownload(ctx, idParam.parse(req.params.id)));
  });

  return r;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${FIELD_NAMES[String(i.path[0])] ?? i.path.join('.')} ${i.message}`).join('; ');
}

function reportParts(report: Awaited<ReturnType<typeof testConnection>>) {
  return [
    { label: 'Reading (IMAP)', steps: report.imap },
    { label: 'Sending (SMTP)', steps: report.smtp },
  ];
}
