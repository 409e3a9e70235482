import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Config } from '../core/config.ts';
import type { Ctx } from '../core/context.ts';
import { importMail } from '../core/mail/import.ts';
import { upsertMailbox } from '../core/mailboxes/mailboxes.ts';
import { projectPath } from '../core/project-root.ts';
import type { CapturedMail } from '../server/pages/kit.ts';

export const DEMO_MAIL_DIR = projectPath('demo', 'mail');

export interface DemoCapture {
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
}

/**
 * The demo runs on data of its own, so its sample customers and dead mailbox never end up in a real
 * install: an embedded database in `demo/` under the data folder (even when DATABASE_URL names the real
 * one), queues under a prefix of their own, and no mailbox from the environment.
 */
export function demoConfig(config: Config): Config {
  return { ...config, databaseUrl: null, dataDir: path.join(config.dataDir, 'demo'), queuePrefix: `${config.queuePrefix}-demo`, mailbox: null };
}

/** A local SMTP server that keeps what it receives, so the demo sends nothing anywhere. */
export async function startCapture(): Promise<DemoCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            receivedAt: new Date(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The demo: Fernhill Kitchenware's team and sample customer mail, imported through the same path as a
 * real mailbox, replies routed to the capture server. Safe to run again: imports are idempotent.
 */
export async function setUpDemo(ctx: Ctx, capturePort: number): Promise<{ imported: number }> {
  const mailbox = await upsertMailbox(ctx, {
    name: 'Fernhill Kitchenware',
    email: 'support@fernhill.example',
    // The demo has no IMAP server: sync stays off for this mailbox and Sent copies are not filed. The
    // capture server runs in this process, so there is nothing to encrypt.
    imap: { host: '127.0.0.1', port: 1, secure: false, plaintext: true, user: 'demo', password: 'demo' },
    smtp: { host: '127.0.0.1', port: capturePort, secure: false, plaintext: true, user: '', password: '' },
    source: 'demo',
  });
  await ctx.db.updateTable('mailboxes').set({ enabled: false, initial_sync_done: true, state: 'demo' }).where('id', '=', mailbox.id).execute();
  for (const person of [
    { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner' as const },
    { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent' as const },
  ]) {
    await ctx.db
      .insertInto('users')
      .values({ ...person, password_hash: null, signature: '' })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
  }
  // Not historical: in the demo every conversation still waiting on us gets its draft, whatever today's date.
  const result = await importMail(ctx, DEMO_MAIL_DIR, { mailboxId: mailbox.id, historical: false });
  return { imported: result.imported };
}
