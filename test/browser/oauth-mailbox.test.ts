import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { oauthClientFromSettings } from '../../core/settings/oauth-clients.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { Browserish } from '../support/browserish.ts';
import { Dovecot } from '../support/dovecot.ts';
import { OAuthTestServer } from '../support/oauth-server.ts';
import { REDIS_URL } from '../support/redis-keys.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitDrivingClock, waitUntil } from '../support/servers.ts';

const CLIENT_ID = 'longhand-test-client';
const CLIENT_SECRET = 'client-secret-never-shown-7f3a';
const MICROSOFT_CLIENT_ID = '5f1c0e2a-team-app';
const MICROSOFT_SECRET = 'ms-secret-never-shown-c91d';

function customerMail(id: string, subject: string, to: string): string {
  return [
    `From: Mira Holt <mira@holt-bakery.example>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${id}@holt-bakery.example>`,
    '',
    'Hello, the dough hook of my mixer snapped this morning. Can I get a new one? Mira',
    '',
  ].join('\r\n');
}

async function sentCopies(box: TestMailbox, messageId: string): Promise<number> {
  const client = await box.connect();
  try {
    const lock = await client.getMailboxLock('Sent');
    try {
      const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      return found ? found.length : 0;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('a Google mailbox connected through OAuth2 consent', () => {
  const clock = new ManualClock(new Date());
  let oauth: OAuthTestServer;
  let dovecot: Dovecot;
  let box: TestMailbox;
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  let address: string;

  beforeAll(async () => {
    // Access tokens live five seconds, and each refresh hands out a new refresh token, as strict providers do.
    oauth = await OAuthTestServer.start({ clock, accessTokenSeconds: 5, rotateRefreshTokens: true });
    dovecot = await Dovecot.start({ oauth2IntrospectionUrl: oauth.introspectUrl });
    box = testMailbox('oauth', dovecot);
    address = `${box.user}@holt-support.example`;
    // Like Gmail: XOAUTH2 only, and what is sent is filed in Sent by the provider itself, with a header of its own on top.
    const filed = (raw: Buffer) => Buffer.concat([Buffer.from(`Received: from [10.0.0.7] by smtp.gmail.com with ESMTPSA id x7; ${new Date().toUTCString()}\r\n`), raw]);
    sink = await SmtpSink.start({
      oauth: { verify: (token) => oauth.verifyAccessToken(token) },
      afterAccept: async (mail) => void (await box.append(filed(mail.raw), 'Sent', ['\\Seen'])),
    });
    app = await startTestApp({
      clock,
      env: {
        LONGHAND_GOOGLE_CLIENT_ID: CLIENT_ID,
        LONGHAND_GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
        LONGHAND_GOOGLE_AUTH_URL: oauth.authorizeUrl,
        LONGHAND_GOOGLE_TOKEN_URL: oauth.tokenUrl,
        LONGHAND_HISTORY_DAYS: '14',
      },
    });
    oauth.registerClient(CLIENT_ID, CLIENT_SECRET, [`${app.url}/mailboxes/oauth/callback`]);
    oauth.consentUser = box.user;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.close();
    await dovecot?.stop();
    await oauth?.close();
  });

  it('connects through the consent screen, drafts new mail, and sends the approved reply over XOAUTH2 with one copy in Sent', async () => {
    const page = await browser.newPage();
    await signIn(page, app.url, `owner@${app.rt.ctx.config.queuePrefix}.test`, 'correct horse battery');
    await page.goto(`${app.url}/mailboxes/new`);
    for (const choice of ['Google Workspace or Gmail', 'Microsoft 365', 'Other (IMAP/SMTP)'])
      expect(await page.getByRole('radio', { name: new RegExp(choice.replace(/[()/]/g, '\\$&')) }).count()).toBe(1);
    await screenshot(page, 'mailbox-choose');
    await page.getByRole('radio', { name: /Google Workspace or Gmail/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Address replies come from').fill(address);
    await page.getByLabel(/Name customers see/).fill('Holt Support');
    await page.getByText('Servers (pre-filled for Google Workspace or Gmail)').click();
    const imap = page.getByRole('group', { name: 'Reading (IMAP)' });
    expect(await imap.getByLabel('Server', { exact: true }).inputValue()).toBe('imap.gmail.com');
    await screenshot(page, 'mailbox-google');
    await imap.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await imap.getByLabel('Port', { exact: true }).fill(String(dovecot.port));
    await imap.getByLabel('Security', { exact: true }).selectOption('plain');
    await imap.getByLabel(/^User name/).fill(box.user);
    const smtp = page.getByRole('group', { name: 'Sending (SMTP)' });
    await smtp.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await smtp.getByLabel('Port', { exact: true }).fill(String(sink.port));
    await smtp.getByLabel('Security', { exact: true }).selectOption('plain');
    await smtp.getByLabel(/^User name/).fill(box.user);
    await page.getByRole('button', { name: 'Connect with Google Workspace or Gmail' }).click();

    // The provider's own consent screen, then back to Longhand.
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('is connected through Google Workspace or Gmail');
    expect(oauth.stats.codeExchanges).toBe(1);

    const mailboxes = (await app.api('GET', '/api/mailboxes')).body;
    expect(mailboxes).toHaveLength(1);
    expect(mailboxes[0]).toMatchObject({ email: address, auth: 'oauth2', needsReconnect: false, oauth: { provider: 'google', consentedBy: { name: 'Dana Okafor' } } });

    await box.append(customerMail('hook-1', 'Dough hook snapped', address));
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 1, 20_000, 'a draft for the new mail');
    const draft = (await app.api('GET', '/api/drafts?status=pending')).body[0];
    const saved = await app.api('PATCH', `/api/drafts/${draft.id}`, {
      body: 'Hi Mira, sorry about the hook: a new one goes out to you today, tracked. Dana',
      baseVersion: draft.version,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: saved.body.version });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['mira@holt-bakery.example']);
    expect(sink.authAttempts.at(-1)).toEqual({ username: box.user, ok: true });

    await waitUntil(async () => Boolean((await app.rt.ctx.db.selectFrom('outbox').select('filed_at').executeTakeFirstOrThrow()).filed_at), 20_000, 'the sent copy settled');
    // The provider filed it; Longhand found that copy and added none of its own.
    expect(await sentCopies(box, mail!.parsed.messageId!)).toBe(1);
    // Read back from Sent, the provider's copy is the reply already in the conversation, not a second one.
    const sentFolder = await app.rt.ctx.db.selectFrom('folders').select('id').where('role', '=', 'sent').executeTakeFirstOrThrow();
    await waitUntil(
      async () => (await app.rt.ctx.db.selectFrom('message_locations').select('id').where('folder_id', '=', sentFolder.id).execute()).length === 1,
      20_000,
      'the Sent copy read back',
    );
    const conversation = (await app.api('GET', `/api/conversations/${draft.conversationId}`)).body;
    expect(conversation.messages.map((m: { direction: string }) => m.direction).sort()).toEqual(['in', 'out']);
    await page.goto(`${app.url}/mailboxes`);
    await screenshot(page, 'mailboxes-oauth');
    await page.close();
  });

  it('renews expiring access tokens for new connections without a refused login, one refresh token used once each', async () => {
    const before = oauth.stats.refreshes;
    for (let round = 0; round < 3; round++) {
      clock.advance(6_000);
      // A dropped connection: the sync signs in again, and the token it had has expired meanwhile.
      await dovecot.pause();
      await dovecot.resume();
      await box.append(customerMail(`hook-r${round}`, `Another question ${round}`, address));
      await waitDrivingClock(
        clock,
        async () => (await app.rt.ctx.db.selectFrom('messages').select('id').where('message_id', '=', `hook-r${round}@holt-bakery.example`).executeTakeFirst()) !== undefined,
        30_000,
        `message ${round} stored after the reconnect`,
      );
    }
    expect(oauth.stats.refreshes).toBeGreaterThanOrEqual(before + 3);
    expect(oauth.stats.rejectedAccessTokens).toBe(0);
    expect(new Set(oauth.stats.refreshTokensUsed).size).toBe(oauth.stats.refreshTokensUsed.length);
    const mailbox = (await app.api('GET', '/api/mailboxes')).body[0];
    expect(mailbox.needsReconnect).toBe(false);
  });

  it('keeps the Microsoft app registration an owner saves in Settings, never shows its secret again, and refuses it to others', async () => {
    const owner = `owner@${app.rt.ctx.config.queuePrefix}.test`;
    const page = await browser.newPage();
    await signIn(page, app.url, owner, 'correct horse battery');
    await page.goto(`${app.url}/mailboxes/new?provider=microsoft`);
    expect(await page.getByRole('button', { name: 'Connect with Microsoft 365' }).isDisabled()).toBe(true);
    await page.goto(`${app.url}/settings`);
    // Google's comes from the environment here: shown, not editable.
    expect(await page.locator('form[action="/settings/oauth/google"]').textContent()).toContain(
      `Set by LONGHAND_GOOGLE_CLIENT_ID in the environment: client id ${CLIENT_ID}, with a secret.`,
    );
    const microsoft = page.locator('form[action="/settings/oauth/microsoft"]');
    await microsoft.getByLabel('Client id').fill(MICROSOFT_CLIENT_ID);
    await microsoft.getByLabel(/Client secret/).fill(MICROSOFT_SECRET);
    await microsoft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Microsoft 365 mailboxes can be connected with this app registration.');
    await page.goto(`${app.url}/settings`);
    expect(await microsoft.getByLabel('Client id').inputValue()).toBe(MICROSOFT_CLIENT_ID);
    expect(await microsoft.getByLabel(/Client secret/).inputValue()).toBe('');
    expect(await microsoft.textContent()).toContain('saved; leave empty to keep it');
    expect(await page.content()).not.toContain(MICROSOFT_SECRET);
    // Saved again with the secret left empty: the secret stays, sealed.
    await microsoft.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Microsoft 365 mailboxes can be connected');
    expect(await oauthClientFromSettings(app.rt.ctx, 'microsoft')).toEqual({ clientId: MICROSOFT_CLIENT_ID, clientSecret: MICROSOFT_SECRET });
    expect(JSON.stringify(await app.rt.ctx.db.selectFrom('settings').selectAll().execute())).not.toContain(MICROSOFT_SECRET);
    await page.goto(`${app.url}/mailboxes/new?provider=microsoft`);
    expect(await page.getByRole('button', { name: 'Connect with Microsoft 365' }).isEnabled()).toBe(true);
    await page.close();

    // An approver may not see the page nor change the registration, even with a valid form token.
    const approver = await app.addUser('approver');
    const other = new Browserish(app.url, '10.7.0.2');
    expect((await other.signIn(approver.email, approver.password)).status).toBe(303);
    expect((await other.get('/settings')).status).toBe(403);
    const { csrf } = await other.get('/account');
    expect((await other.post('/settings/oauth/microsoft', { _csrf: csrf, clientId: 'someone-elses-app', clientSecret: 'theirs' })).status).toBe(403);
    expect(await oauthClientFromSettings(app.rt.ctx, 'microsoft')).toEqual({ clientId: MICROSOFT_CLIENT_ID, clientSecret: MICROSOFT_SECRET });
  });

  it('never shows or stores a token, code or client secret in logs, pages, API answers or Redis', async () => {
    const row = await app.rt.ctx.db.selectFrom('mailboxes').selectAll().executeTakeFirstOrThrow();
    const secrets = [app.rt.ctx.secrets.open(row.oauth_refresh_token!), app.rt.ctx.secrets.open(row.oauth_access_token!), CLIENT_SECRET, MICROSOFT_SECRET];
    expect(JSON.stringify(row)).not.toContain(secrets[0]);
    const seen = [app.logs.join(''), JSON.stringify((await app.api('GET', '/api/mailboxes')).body)];
    const page = await browser.newPage();
    await signIn(page, app.url, `owner@${app.rt.ctx.config.queuePrefix}.test`, 'correct horse battery');
    for (const path of ['/mailboxes', '/settings', '/']) {
      await page.goto(`${app.url}${path}`);
      seen.push(await page.content());
    }
    await page.close();
    const redis = new Redis(REDIS_URL);
    for (const key of await redis.keys(`${app.rt.ctx.config.queuePrefix}*`)) {
      const type = await redis.type(key);
      if (type === 'string') seen.push(String(await redis.get(key)));
      else if (type === 'hash') seen.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') seen.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') seen.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'set') seen.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'stream') seen.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    redis.disconnect();
    for (const text of seen) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('stops at "Sign-in expired: reconnect" when the grant is revoked, and retries nothing until an owner reconnects', async () => {
    oauth.revokeGrants(box.user);
    clock.advance(6_000);
    await dovecot.pause();
    await dovecot.resume();
    await waitDrivingClock(clock, async () => (await app.api('GET', '/api/mailboxes')).body[0]?.needsReconnect === true, 30_000, 'the mailbox to need a reconnect');
    const mailbox = (await app.api('GET', '/api/mailboxes')).body[0];
    expect(mailbox.lastError).toContain('Sign-in expired: reconnect');
    // No worker holds it any more: nothing signs in with the refused grant again.
    await waitUntil(() => app.workers!.owners.owned().length === 0, 10_000, 'the sync to stop');
    const page = await browser.newPage();
    await signIn(page, app.url, `owner@${app.rt.ctx.config.queuePrefix}.test`, 'correct horse battery');
    expect(await page.locator('.mailbox-state').first().textContent()).toContain('sign-in expired');
    await page.goto(`${app.url}/mailboxes`);
    expect(await page.getByRole('button', { name: 'Reconnect' }).count()).toBe(1);
    await screenshot(page, 'mailbox-reconnect');

    // Reconnecting goes through consent again and brings the sync back.
    oauth.consent = 'approve';
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('is connected');
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.needsReconnect === false, 10_000, 'the reconnect');
    await box.append(customerMail('hook-after', 'After the reconnect', address));
    await waitUntil(
      async () => (await app.rt.ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'hook-after@holt-bakery.example').executeTakeFirst()) !== undefined,
      30_000,
      'mail after the reconnect',
    );
    await page.close();
  });
});
