import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { attachmentForDownload } from '../../core/mail/attachments.ts';
import { mailboxHealth } from '../../core/mailboxes/health.ts';
import { testConnection } from '../../core/mailboxes/connection-test.ts';
import { requestResync, saveMailbox } from '../../core/mailboxes/mailboxes.ts';
import { organizationNameFromDomain } from '../../core/customers/addresses.ts';
import { LonghandError } from '../../core/errors.ts';
import type { ServerSettings } from '../../core/mail/server-url.ts';
import { sendAttachment } from '../attachment-response.ts';
import { requireRole } from '../auth.ts';
import { idParam, type PageKit } from './kit.ts';

const port = z.coerce.number().int().min(1).max(65535);
const setupForm = z.object({
  email: z.string().trim().toLowerCase().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'is not an email address'),
  name: z.string().trim().max(200).default(''),
  imapHost: z.string().trim().min(1).max(253),
  imapPort: port,
  imapSecurity: z.enum(['tls', 'plain']),
  imapUser: z.string().min(1).max(320),
  imapPassword: z.string().max(1000),
  smtpHost: z.string().trim().min(1).max(253),
  smtpPort: port,
  smtpSecurity: z.enum(['tls', 'plain']),
  smtpUser: z.string().max(320).default(''),
  smtpPassword: z.string().max(1000).default(''),
});
type SetupForm = z.infer<typeof setupForm>;
const FIELD_NAMES: Record<string, string> = { email: 'The address', imapHost: 'The IMAP server', imapPort: 'The IMAP port', imapUser: 'The IMAP user name', smtpHost: 'The SMTP server', smtpPort: 'The SMTP port' };

function serverSettings(f: SetupForm, kind: 'imap' | 'smtp'): ServerSettings {
  return kind === 'imap'
    ? { host: f.imapHost, port: f.imapPort, secure: f.imapSecurity === 'tls', user: f.imapUser, password: f.imapPassword }
    : { host: f.smtpHost, port: f.smtpPort, secure: f.smtpSecurity === 'tls', user: f.smtpUser, password: f.smtpPassword };
}

/** Mailboxes: adding one with a connection test, their sync health; attachments, downloaded by staff. */
export function mailboxPages({ ctx, page, signedIn, action }: PageKit): Router {
  const r = Router();

  r.get('/mailboxes', signedIn, async (req, res) => {
    page(req, res, 'mailboxes', { title: 'Mailboxes', mailboxes: await mailboxHealth(ctx) });
  });

  r.get('/mailboxes/new', signedIn, requireRole('owner'), (req, res) => {
    page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: {} });
  });

  /** The form as typed, or the form shown again with what is wrong (never with the passwords in it). */
  const readForm = (req: Request, res: Response): SetupForm | null => {
    const parsed = setupForm.safeParse(req.body);
    if (parsed.success) return parsed.data;
    const { imapPassword: _i, smtpPassword: _s, ...shown } = (req.body ?? {}) as Record<string, unknown>;
    page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, error: parsed.error.issues.map((i) => `${FIELD_NAMES[String(i.path[0])] ?? i.path.join('.')} ${i.message}`).join('; ') }, 400);
    return null;
  };

  r.post('/mailboxes/test', signedIn, requireRole('owner'), async (req, res) => {
    const form = readForm(req, res);
    if (!form) return;
    const report = await testConnection(serverSettings(form, 'imap'), serverSettings(form, 'smtp'));
    const { imapPassword: _i, smtpPassword: _s, ...shown } = form;
    page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, report, reportParts: [{ label: 'Reading (IMAP)', steps: report.imap }, { label: 'Sending (SMTP)', steps: report.smtp }] });
  });

  r.post('/mailboxes', signedIn, requireRole('owner'), async (req, res) => {
    const form = readForm(req, res);
    if (!form) return;
    try {
      const saved = await saveMailbox(ctx, { email: form.email, name: form.name || organizationNameFromDomain(form.email.split('@')[1] ?? ''), imap: serverSettings(form, 'imap'), smtp: serverSettings(form, 'smtp') }, req.user!.id);
      req.session.flash = { kind: 'ok', text: `${saved.email} is saved; the first sync starts within seconds. Old mail is threaded but not drafted.` };
      res.redirect(303, '/mailboxes');
    } catch (err) {
      if (!(err instanceof LonghandError)) throw err;
      const { imapPassword: _i, smtpPassword: _s, ...shown } = form;
      page(req, res, 'mailbox-new', { title: 'Add a mailbox', form: shown, error: err.message }, 400);
    }
  });

  r.post('/mailboxes/:id/resync', signedIn, requireRole('owner'), action(async (req) => {
    await requestResync(ctx, idParam.parse(req.params.id), req.user!.id);
    return 'It syncs again from the start: what is missing is filled in, nothing is stored twice.';
  }));

  r.get('/attachments/:id', signedIn, async (req, res) => {
    sendAttachment(res, await attachmentForDownload(ctx, idParam.parse(req.params.id)));
  });

  return r;
}
