import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { SmtpSink, testMailbox, waitUntil } from '../support/servers.ts';

describe('a mailbox with a wrong IMAP password', () => {
  let app: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const box = testMailbox('wrongpass');
    const wrong = box.imapUrl.replace(encodeURIComponent(box.password), 'not-the-password');
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: wrong, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: 'help@shop.example' }, sync: { backoff: { baseMs: 50, maxMs: 200, authRetryMs: 60_000 } } });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('shows the mailbox and the server\'s answer, and retries slowly instead of in a loop', async () => {
    let mailbox: any;
    await waitUntil(async () => {
      mailbox = (await app.api('GET', '/api/mailboxes')).body[0];
      return mailbox?.state === 'auth-error';
    }, 10_000, 'the authentication failure on the mailbox');
    expect(mailbox).toMatchObject({ name: 'Shop', email: 'help@shop.example' });
    expect(mailbox.lastError).toContain('Authentication failed');
    expect(JSON.stringify(mailbox)).not.toContain('not-the-password');

    // With an auth retry of a minute, the next seconds bring no second attempt.
    const attempts = () => app.logs.filter((l) => l.includes('mailbox sync stopped')).length;
    const seen = attempts();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(attempts()).toBe(seen);
    const warning = app.logs.find((l) => l.includes('mailbox sync stopped'))!;
    expect(warning).toContain('Mailbox Shop: the IMAP server refused the login');
    expect(app.logs.join('')).not.toContain('not-the-password');
  });
});
