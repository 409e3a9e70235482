import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Dovecot } from '../support/dovecot.ts';
import { longhand, processEnv } from '../support/longhand-process.ts';
import { OAuthTestServer, pkceChallenge, pkceVerifier } from '../support/oauth-server.ts';
import { postgresDatabase, SmtpSink, type TestMailbox, testMailbox, uniqueName, waitDrivingClock, waitUntil } from '../support/servers.ts';

/** OAuth2 mailboxes against the real servers (Dovecot's oauth2 passdb, smtp-server, nodemailer): the test helpers, then Longhand on them. */

const CLIENT = 'longhand-test';
const SECRET = 'client-secret-1';
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const TOKEN_SECONDS = 600;

let clock: ManualClock;
let oauth: OAuthTestServer;
let dovecot: Dovecot;
let sink: SmtpSink;
let box: TestMailbox;

beforeAll(async () => {
  clock = new ManualClock();
  oauth = await OAuthTestServer.start({ clock, accessTokenSeconds: TOKEN_SECONDS, rotateRefreshTokens: true });
  oauth.registerClient(CLIENT, SECRET, [REDIRECT]);
  dovecot = await Dovecot.start({ oauth2IntrospectionUrl: oauth.introspectUrl });
  box = testMailbox('oauth', dovecot);
  sink = await SmtpSink.start({
    oauth: { verify: (token) => oauth.verifyAccessToken(token) },
    // As Gmail does: the provider files the sent copy itself (here by password, the static passdb).
    afterAccept: async (mail) => {
      await box.append(mail.raw, 'Sent');
    },
  });
});

afterAll(async () => {
  await sink?.close();
  await dovecot?.stop();
  await oauth?.close();
});

/** Logs in by token (imapflow picks OAUTHBEARER), logs out, and says how it went. */
async function imapLogin(user: string, accessToken: string): Promise<'ok' | 'authenticationFailed'> {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, accessToken }, logger: false });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    if ((err as { authenticationFailed?: boolean }).authenticationFailed) return 'authenticationFailed';
    throw err;
  }
  await client.logout();
  return 'ok';
}

async function token(form: Record<string, string>, basic = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const params = new URLSearchParams(form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}`;
  else {
    params.set('client_id', CLIENT);
    params.set('client_secret', SECRET);
  }
  const res = await fetch(oauth.tokenUrl, { method: 'POST', headers, body: params });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Runs /authorize with automatic consent and returns the redirect's query. */
async function authorize(params: Record<string, string>): Promise<URLSearchParams> {
  const res = await fetch(`${oauth.authorizeUrl}?${new URLSearchParams(params)}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

function codeRequest(challenge: string): Record<string, string> {
  return { response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT, scope: 'mail', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' };
}

describe('Dovecot with the oauth2 passdb', () => {
  it('logs in with a valid token, and the shared password still works over PLAIN', async () => {
    const before = oauth.stats.introspections;
    expect(await imapLogin(box.user, oauth.issueAccessToken(box.user))).toBe('ok');
    expect(oauth.stats.introspections).toBe(before + 1);
    const client = await box.connect();
    await client.logout();
  });

  it('refuses a bogus token, another user’s token, and the password offered as a token', async () => {
    const rejected = oauth.stats.rejectedAccessTokens;
    expect(await imapLogin(box.user, 'at_bogus')).toBe('authenticationFailed');
    expect(oauth.stats.rejectedAccessTokens).toBe(rejected + 1);
    expect(await imapLogin(box.user, oauth.issueAccessToken('someone-else'))).toBe('authenticationFailed');
    // The static passdb is limited to plain/login, so it cannot vouch for an OAUTHBEARER login.
    expect(await imapLogin(box.user, dovecot.password)).toBe('authenticationFailed');
  });

  it('refuses a token once the clock passes its life', async () => {
    const accessToken = oauth.issueAccessToken(box.user);
    expect(await imapLogin(box.user, accessToken)).toBe('ok');
    clock.advance(TOKEN_SECONDS * 1000 + 1);
    expect(await imapLogin(box.user, accessToken)).toBe('authenticationFailed');
  });

  it('revokeGrants: the next login and the next refresh fail (no auth cache in between)', async () => {
    const refreshToken = oauth.issueRefreshToken(CLIENT, box.user);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refreshed.status).toBe(200);
    const accessToken = refreshed.body.access_token as string;
    const direct = oauth.issueAccessToken(box.user);
    expect(await imapLogin(box.user, accessToken)).toBe('ok');
    oauth.revokeGrants(box.user);
    expect(await imapLogin(box.user, accessToken)).toBe('authenticationFailed');
    expect(await imapLogin(box.user, direct)).toBe('authenticationFailed');
    const again = await token({ grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('OAuthTestServer', () => {
  it('code flow with PKCE: a wrong verifier is refused, the right one gets tokens once', async () => {
    oauth.consent = 'approve';
    oauth.consentUser = box.user;
    const verifier = pkceVerifier();
    const query = await authorize(codeRequest(pkceChallenge(verifier)));
    expect(query.get('state')).toBe('st-1');
    const code = query.get('code')!;
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };

    expect(await token({ ...exchange, code_verifier: pkceVerifier() })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const before = oauth.stats.codeExchanges;
    const ok = await token({ ...exchange, code_verifier: verifier }, true);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: 'mail' });
    expect(ok.body.refresh_token).toEqual(expect.any(String));
    expect(oauth.stats.codeExchanges).toBe(before + 1);
    expect(oauth.verifyAccessToken(ok.body.access_token as string)).toEqual({ active: true, username: box.user });

    // Codes are single-use; a replay also withdraws what the code bought.
    expect(await token({ ...exchange, code_verifier: verifier })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(oauth.verifyAccessToken(ok.body.access_token as string).active).toBe(false);
  });

  it('codes expire after 60 s; bad clients and grant types get the standard errors', async () => {
    oauth.consent = 'approve';
    oauth.consentUser = box.user;
    const verifier = pkceVerifier();
    const code = (await authorize(codeRequest(pkceChallenge(verifier)))).get('code')!;
    clock.advance(60_001);
    expect(await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });

    const wrongSecret = await fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: CLIENT, client_secret: 'nope' }),
    });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    expect(await token({ grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('never redirects to an unregistered URI; requires PKCE; consent page allows and denies', async () => {
    oauth.consent = 'show';
    oauth.consentUser = box.user;
    const challenge = pkceChallenge(pkceVerifier());
    const bad = await fetch(`${oauth.authorizeUrl}?${new URLSearchParams({ ...codeRequest(challenge), redirect_uri: 'http://127.0.0.1:9/evil' })}`, { redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('location')).toBeNull();

    const { code_challenge: _omit, ...withoutPkce } = codeRequest(challenge);
    expect((await authorize(withoutPkce)).get('error')).toBe('invalid_request');

    const pageRes = await fetch(`${oauth.authorizeUrl}?${new URLSearchParams(codeRequest(challenge))}`);
    const html = await pageRes.text();
    expect(html).toContain(`Allow ${CLIENT} to read and send mail as ${box.user}?`);
    // Submit the form as a browser would: its hidden fields plus the button pressed.
    const fields = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
    const decide = async (decision: string) => {
      const res = await fetch(`${oauth.url}/authorize/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams([...fields, ['decision', decision]]),
      });
      expect(res.status).toBe(302);
      return new URL(res.headers.get('location')!).searchParams;
    };
    expect((await decide('allow')).get('code')).toMatch(/^code_/);
    expect(Object.fromEntries(await decide('deny'))).toEqual({ error: 'access_denied', state: 'st-1' });
  });

  it('rotates refresh tokens and treats reuse of an old one as theft: the whole grant ends', async () => {
    const first = oauth.issueRefreshToken(CLIENT, box.user);
    const r1 = await token({ grant_type: 'refresh_token', refresh_token: first }, true);
    expect(r1.status).toBe(200);
    const second = r1.body.refresh_token as string;
    expect(second).not.toBe(first);
    const r2 = await token({ grant_type: 'refresh_token', refresh_token: second });
    expect(r2.status).toBe(200);
    const third = r2.body.refresh_token as string;

    const before = oauth.stats.refreshes;
    expect(await token({ grant_type: 'refresh_token', refresh_token: first })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The newest token, and the access token it bought, died with the grant.
    expect(await token({ grant_type: 'refresh_token', refresh_token: third })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(oauth.verifyAccessToken(r2.body.access_token as string).active).toBe(false);
    expect(oauth.stats.refreshes).toBe(before);
    expect(oauth.stats.refreshTokensUsed.slice(-4)).toEqual([first, second, first, third]);

    const introspected = await fetch(oauth.introspectUrl, { method: 'POST', body: new URLSearchParams({ token: r2.body.access_token as string }) });
    expect(await introspected.json()).toEqual({ active: false });
  });
});

describe('SmtpSink with XOAUTH2', () => {
  it('nodemailer retries once with a fresh token after a stale one, and the mail is filed into Sent', async () => {
    const stale = oauth.issueAccessToken(box.user);
    clock.advance(TOKEN_SECONDS * 1000 + 1);
    const fresh = oauth.issueAccessToken(box.user);
    const asked: boolean[] = [];
    const oauth2 = {
      getToken(isRetry: boolean, cb: (err: Error | null, token: string) => void) {
        asked.push(isRetry);
        cb(null, isRetry ? fresh : stale);
      },
      buildXOAuth2Token: (accessToken: string) => Buffer.from(`user=${box.user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64'),
    };
    const connection = new SMTPConnection({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    connection.on('error', () => {});
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => connection.login({ user: box.user, oauth2: oauth2 as never }, (err) => (err ? reject(err) : resolve())));
    expect(asked).toEqual([false, true]);
    expect(sink.authAttempts.slice(-2)).toEqual([
      { username: box.user, ok: false },
      { username: box.user, ok: true },
    ]);

    const raw = `From: ${box.user}@example.test\r\nTo: c@example.test\r\nSubject: filed by the provider\r\nMessage-ID: <oauth-sent@example.test>\r\n\r\nHello\r\n`;
    await new Promise<void>((resolve, reject) => connection.send({ from: `${box.user}@example.test`, to: ['c@example.test'] }, raw, (err) => (err ? reject(err) : resolve())));
    connection.quit();
    expect(sink.received.at(-1)?.parsed.subject).toBe('filed by the provider');
    // afterAccept ran before the 250: the copy is already in Sent.
    const client = await box.connect();
    try {
      const status = await client.status('Sent', { messages: true });
      expect(status === false ? 'no status' : status.messages).toBe(1);
    } finally {
      await client.logout();
    }
  });

  it('refuses a bad token twice (no retry success) and records both attempts', async () => {
    const connection = new SMTPConnection({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    connection.on('error', () => {});
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    const oauth2 = {
      getToken: (_r: boolean, cb: (err: Error | null, token: string) => void) => cb(null, 'at_bogus'),
      buildXOAuth2Token: (t: string) => Buffer.from(`user=${box.user}\x01auth=Bearer ${t}\x01\x01`).toString('base64'),
    };
    const before = sink.authAttempts.length;
    const err = await new Promise<Error | null>((resolve) => connection.login({ user: box.user, oauth2: oauth2 as never }, (e) => resolve(e ?? null)));
    connection.close();
    expect((err as { code?: string } | null)?.code).toBe('EAUTH');
    expect(sink.authAttempts.slice(before)).toEqual([
      { username: box.user, ok: false },
      { username: box.user, ok: false },
    ]);
  });
});

describe('a mailbox signing in to Dovecot with OAuth2', () => {
  let app: TestApp;
  let user: TestMailbox;
  const mail = (id: string) =>
    `From: Mira Holt <mira@holt.example>\r\nTo: ${user.user}@shop.example\r\nSubject: Question ${id}\r\nDate: ${clock.now().toUTCString()}\r\nMessage-ID: <${id}@holt.example>\r\n\r\nHello, a question.\r\n`;
  const stored = (id: string) => async () =>
    (await app.rt.ctx.db.selectFrom('messages').select('id').where('message_id', '=', `${id}@holt.example`).executeTakeFirst()) !== undefined;
  const mailbox = async () => (await app.api('GET', '/api/mailboxes')).body[0];

  beforeAll(async () => {
    app = await startTestApp({ clock, sync: { backoff: { baseMs: 100, maxMs: 500, authRetryMs: 60_000, throttledMs: 300 } } });
    user = testMailbox('oauth-sync', dovecot);
    await addMailbox(user, dovecot);
  });

  /** An OAuth2 mailbox with a fresh grant, as the consent flow leaves it. */
  const addMailbox = (box: TestMailbox, server: Dovecot) => {
    const login = { host: '127.0.0.1', secure: false, plaintext: true, user: box.user, password: '' };
    return upsertMailbox(app.rt.ctx, {
      name: 'Holt',
      email: `${box.user}@shop.example`,
      imap: { ...login, port: server.port },
      smtp: { ...login, port: sink.port },
      source: 'ui',
      oauth: {
        grant: { provider: 'custom', clientId: CLIENT, tokenUrl: oauth.tokenUrl, scope: 'mail', consentedBy: null, consentedAt: clock.now().toISOString() },
        tokens: { accessToken: oauth.issueAccessToken(box.user), refreshToken: oauth.issueRefreshToken(CLIENT, box.user), expiresInSeconds: TOKEN_SECONDS },
        clientSecret: SECRET,
      },
    });
  };

  afterAll(async () => {
    await app?.close();
  });

  it('renews an access token the server refuses before its time, once, and signs in again', async () => {
    await user.append(mail('renew-1'));
    await waitUntil(stored('renew-1'), 20_000, 'the first message');
    const before = { refreshes: oauth.stats.refreshes, rejected: oauth.stats.rejectedAccessTokens };
    // The provider ends the token early (a password change, an admin's sign-out); the grant stands.
    oauth.endAccessTokens(user.user);
    await dovecot.pause();
    await dovecot.resume();
    await user.append(mail('renew-2'));
    await waitDrivingClock(clock, stored('renew-2'), 30_000, 'the message after the reconnect');
    expect(oauth.stats.refreshes).toBe(before.refreshes + 1);
    expect(oauth.stats.rejectedAccessTokens).toBe(before.rejected + 1);
    expect(await mailbox()).toMatchObject({ needsReconnect: false, lastError: null });
  });

  it('says "Sign-in expired: reconnect" when the refresh token is refused too, and signs in no more', async () => {
    oauth.revokeGrants(user.user);
    await dovecot.pause();
    await dovecot.resume();
    await waitDrivingClock(clock, async () => (await mailbox()).needsReconnect === true, 30_000, 'the mailbox to need a reconnect');
    expect((await mailbox()).lastError).toContain('Sign-in expired: reconnect');
    await waitUntil(() => app.workers!.owners.owned().length === 0, 10_000, 'the sync to stop');
  });

  it('waits out a login refused for too many connections, without spending a refresh or asking for a reconnect', async () => {
    const limited = await Dovecot.start({ oauth2IntrospectionUrl: oauth.introspectUrl, maxConnectionsPerUser: 1 });
    try {
      const busy = testMailbox('oauth-busy', limited);
      // A phone holds the one connection the server allows.
      const phone = await busy.connect();
      const refreshes = oauth.stats.refreshes;
      const { id } = await addMailbox(busy, limited);
      const health = async () => (await app.api('GET', '/api/mailboxes')).body.find((m: { id: number }) => m.id === id);
      await waitUntil(async () => (await health())?.state === 'throttled', 20_000, 'the sync to meet the limit');
      await phone.append('INBOX', `From: Mira Holt <mira@holt.example>\r\nTo: ${busy.user}@shop.example\r\nSubject: Busy\r\nMessage-ID: <busy-1@holt.example>\r\n\r\nHello.\r\n`);
      await phone.logout();
      await waitDrivingClock(clock, async () => (await stored('busy-1')()) && (await health()).state === 'idle', 30_000, 'the mail once the phone let go');
      expect(await health()).toMatchObject({ needsReconnect: false, lastError: null });
      expect(oauth.stats.refreshes).toBe(refreshes);
    } finally {
      await limited.stop();
    }
  });
});

describe('longhand mailbox add --oauth-provider', () => {
  const TEAM_SECRET = 'processes-of-one-team-share-this-secret';
  let pgDb: Awaited<ReturnType<typeof postgresDatabase>>;
  let dataDir: string;
  let app: TestApp | undefined;

  beforeAll(async () => {
    pgDb = await postgresDatabase('oauthcli');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-cli-'));
  });

  afterAll(async () => {
    await app?.close();
    await pgDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('saves a Google mailbox from a refresh token on standard input, after signing in with it, and the app then syncs it', async () => {
    const user = testMailbox('oauth-cli', dovecot);
    const email = `${user.user}@shop.example`;
    const google = { LONGHAND_GOOGLE_CLIENT_ID: CLIENT, LONGHAND_GOOGLE_CLIENT_SECRET: SECRET, LONGHAND_GOOGLE_TOKEN_URL: oauth.tokenUrl };
    const env = processEnv({ dataDir, queuePrefix: uniqueName('oauthcli'), databaseUrl: pgDb.url }, google);
    const add = [
      'mailbox',
      'add',
      '--email',
      email,
      '--imap-url',
      `imap://${user.user}@127.0.0.1:${dovecot.port}?tls=off`,
      '--smtp-url',
      `smtp://${user.user}@127.0.0.1:${sink.port}?tls=off`,
      '--oauth-provider',
      'google',
      '--oauth-refresh-token-stdin',
    ];

    const refused = await longhand(add, env, 'rt_not-one-the-provider-gave\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The provider did not accept the refresh token');

    const refreshToken = oauth.issueRefreshToken(CLIENT, user.user);
    const saved = await longhand(add, env, `${refreshToken}\n`);
    expect(saved.stderr).toBe('');
    expect(saved.stdout).toBe(`saved mailbox Shop <${email}>, signing in with OAuth2 (google)\n`);
    // It signed in to SMTP with the token it got (XOAUTH2), as it did to IMAP, before saving.
    expect(sink.authAttempts.at(-1)).toEqual({ username: user.user, ok: true });

    await user.append(
      `From: Mira Holt <mira@holt.example>\r\nTo: ${email}\r\nSubject: Dough hook\r\nDate: ${clock.now().toUTCString()}\r\nMessage-ID: <cli-hook@holt.example>\r\n\r\nThe hook snapped.\r\n`,
    );
    app = await startTestApp({ clock, databaseUrl: pgDb.url, env: { ...google, LONGHAND_SECRET: TEAM_SECRET } });
    await waitUntil(
      async () => (await app!.rt.ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'cli-hook@holt.example').executeTakeFirst()) !== undefined,
      30_000,
      'the mail synced with the stored token',
    );
    const mailboxes = (await app.api('GET', '/api/mailboxes')).body;
    expect(mailboxes).toMatchObject([{ email, auth: 'oauth2', needsReconnect: false, oauth: { provider: 'google', consentedBy: null } }]);
    expect(JSON.stringify(mailboxes) + saved.stdout).not.toContain(refreshToken);
    const row = await app.rt.ctx.db.selectFrom('mailboxes').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(refreshToken);
  });
});
