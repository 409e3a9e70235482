import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, testMailbox, waitDrivingClock, waitUntil } from '../support/servers.ts';

describe('a mailbox with a wrong IMAP password', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const box = testMailbox('wrongpass');
    const wrong = box.imapUrl.replace(encodeURIComponent(box.password), 'not-the-password');
    app = await startTestApp({
      env: { LONGHAND_IMAP_URL: wrong, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: 'help@shop.example' },
      clock,
      sync: { backoff: { baseMs: 50, maxMs: 200, authRetryMs: 60_000 } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it("shows the mailbox and the server's answer, and retries slowly instead of in a loop", async () => {
    let mailbox: any;
    await waitUntil(
      async () => {
        mailbox = (await app.api('GET', '/api/mailboxes')).body[0];
        return mailbox?.state === 'auth-error';
      },
      10_000,
      'the authentication failure on the mailbox',
    );
    expect(mailbox).toMatchObject({ name: 'Shop', email: 'help@shop.example' });
    expect(mailbox.lastError).toContain('Authentication failed');
    expect(JSON.stringify(mailbox)).not.toContain('not-the-password');

    // With an auth retry of a minute (jitter takes off up to half), nothing is tried again before that wait is over.
    const attempts = () => app.logs.filter((l) => l.includes('mailbox sync stopped')).length;
    await waitUntil(() => clock.sleeping().length === 1, 10_000, 'the sync to wait before retrying');
    const seen = attempts();
    const wait = clock.sleeping()[0]!;
    expect(wait).toBeGreaterThanOrEqual(30_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    clock.advance(wait - 1);
    expect(clock.sleeping()).toEqual([1]);
    expect(attempts()).toBe(seen);
    clock.advance(1);
    await waitUntil(() => attempts() === seen + 1, 10_000, 'the second attempt once the wait is over');
    const warning = app.logs.find((l) => l.includes('mailbox sync stopped'))!;
    expect(warning).toContain('Mailbox Shop: the IMAP server refused the login');
    expect(app.logs.join('')).not.toContain('not-the-password');
  });
});

describe('a mailbox whose password keeps being refused', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date());
  let box: ReturnType<typeof testMailbox>;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('refused');
    const wrong = box.imapUrl.replace(encodeURIComponent(box.password), 'an-old-password');
    app = await startTestApp({
      env: { LONGHAND_IMAP_URL: wrong, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: 'help@refused.example' },
      clock,
      sync: { backoff: { baseMs: 50, maxMs: 200, authRetryMs: 60_000, authStopAfter: 3 } },
    });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('waits longer after each refusal, then stops trying and says "Sign-in failed: fix the password" until it is fixed', async () => {
    await waitDrivingClock(clock, async () => (await app.api('GET', '/api/mailboxes')).body[0]?.needsReconnect === true, 60_000, 'the mailbox to stop trying');
    const retries = app.logs.filter((l) => l.includes('mailbox sync stopped; will reconnect')).map((l) => JSON.parse(l).retryInMs as number);
    expect(retries).toHaveLength(2);
    expect(retries[1]!).toBeGreaterThan(retries[0]!);
    expect(app.logs.some((l) => l.includes('stopped trying to sign in'))).toBe(true);

    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const desk = new Browserish(app.url);
    await desk.signIn(owner.email, 'correct horse battery');
    expect((await desk.get('/mailboxes')).text).toContain('Sign-in failed: fix the password');
    expect((await desk.get('/')).text).toContain('Sign-in failed for help@refused.example: fix the password');

    // Saving it again with the right password starts the sync again.
    const saved = await app.api('POST', '/api/mailboxes', { email: 'help@refused.example', imapUrl: box.imapUrl, smtpUrl: sink.url });
    expect(saved.status).toBeLessThan(300);
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.state === 'idle', 30_000, 'the sync with the new password');
    expect((await desk.get('/mailboxes')).text).not.toContain('Sign-in failed');
  });
});
