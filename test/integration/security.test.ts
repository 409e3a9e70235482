import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReply } from '../../core/outbox/reply-message.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, testMailbox, waitUntil } from '../support/servers.ts';

describe('safe on the internet', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let imapPassword: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const box = testMailbox('security');
    imapPassword = box.password;
    // Behind a TLS proxy: client addresses from X-Forwarded-For, cookies Secure when it says https.
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: 'support@fernhill.example', LONGHAND_TRUST_PROXY: 'true' } });
    await waitUntil(async () => (await app.api('GET', '/api/mailboxes')).body[0]?.initialSyncDone === true, 10_000, 'the first sync');
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it("refuses a state-changing form without the session's CSRF token, and accepts it with one", async () => {
    const staff = await app.addUser('agent', 'Csrf Tester');
    const client = new Browserish(app.url, '10.0.0.1');
    expect((await client.signIn(staff.email, staff.password)).status).toBe(303);
    const { csrf } = await client.get('/account');
    expect(csrf).not.toBe('');
    const none = await client.post('/account/signature', { signature: 'From a forged form' });
    expect(none.status).toBe(403);
    expect(none.text).toContain('This form has expired or did not come from Longhand');
    const wrong = await client.post('/account/signature', { signature: 'From a forged form', _csrf: 'x'.repeat(csrf.length) });
    expect(wrong.status).toBe(403);
    // The JSON API with the session cookie needs the token too (a header); with a bearer token it needs none.
    const api = await fetch(`${app.url}/api/touch-check`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(api.status).toBe(403);
    const ok = await client.post('/account/signature', { signature: 'Sam', _csrf: csrf, back: '/account' });
    expect(ok.status).toBe(303);
    const user = await app.rt.ctx.db.selectFrom('users').select('signature').where('id', '=', staff.user.id).executeTakeFirstOrThrow();
    expect(user.signature).toBe('Sam');
  });

  it('limits sign-in attempts per address and per client, without telling whether an address exists', async () => {
    const staff = await app.addUser('agent', 'Limit Tester');
    const attacker = new Browserish(app.url, '203.0.113.7');
    for (let i = 0; i < 5; i++) expect((await attacker.signIn(staff.email, `wrong ${i}`)).status).toBe(401);
    const limited = await attacker.signIn(staff.email, staff.password);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many sign-in attempts');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same for an address nobody has: no hint either way.
    const ghost = new Browserish(app.url, '203.0.113.8');
    for (let i = 0; i < 5; i++) expect((await ghost.signIn('nobody@nowhere.example', `wrong ${i}`)).status).toBe(401);
    expect((await ghost.signIn('nobody@nowhere.example', 'again')).status).toBe(429);
    // One client trying many addresses is held back too.
    const sprayer = new Browserish(app.url, '198.51.100.9');
    for (let i = 0; i < 20; i++) await sprayer.signIn(`user${i}@spray.example`, 'password1');
    expect((await sprayer.signIn('another@spray.example', 'password1')).status).toBe(429);
    // From elsewhere, the person still gets in with the right password; and their typos are forgotten.
    const other = await app.addUser('agent', 'Fine Person');
    const typo = new Browserish(app.url, '192.0.2.1');
    for (let i = 0; i < 4; i++) await typo.signIn(other.email, 'typo');
    expect((await typo.signIn(other.email, other.password)).status).toBe(303);
  });

  it('renews the session id at sign-in, marks cookies HttpOnly, SameSite=Lax and Secure behind TLS, and signs out everywhere', async () => {
    const staff = await app.addUser('agent', 'Session Tester');
    const client = new Browserish(app.url, '10.0.0.2');
    await client.get('/signin');
    const before = client.cookie;
    const res = await fetch(`${app.url}/signin`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
      body: new URLSearchParams({ _csrf: (await client.get('/signin')).csrf, email: staff.email, password: staff.password }),
      redirect: 'manual',
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie.split(';')[0]).not.toBe(before);

    const laptop = new Browserish(app.url, '10.0.0.3');
    const phone = new Browserish(app.url, '10.0.0.4');
    await laptop.signIn(staff.email, staff.password);
    await phone.signIn(staff.email, staff.password);
    expect((await phone.get('/')).status).toBe(200);
    const { csrf } = await laptop.get('/account');
    expect((await laptop.post('/account/signout-everywhere', { _csrf: csrf })).status).toBe(303);
    expect((await phone.get('/')).status).toBe(303);
  });

  it('keeps mailbox passwords and tokens out of the logs, the pages and the database in clear', async () => {
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const client = new Browserish(app.url, '10.0.0.5');
    await client.signIn(owner.email, 'correct horse battery');
    for (const path of ['/mailboxes', '/settings', '/account']) expect((await client.get(path)).text, path).not.toContain(imapPassword);
    expect(JSON.stringify((await app.api('GET', '/api/mailboxes')).body)).not.toContain(imapPassword);
    const stored = await app.rt.ctx.db.selectFrom('mailboxes').select(['imap_password', 'imap']).executeTakeFirstOrThrow();
    expect(stored.imap_password).toMatch(/^v1:/);
    expect(stored.imap_password).not.toContain(imapPassword);
    expect(JSON.stringify(stored.imap)).not.toContain(imapPassword);
    const tokens = (await app.api('GET', '/api/tokens')).body;
    expect(JSON.stringify(tokens)).not.toContain(app.token);
    expect(tokens[0].prefix).toBe(app.token.slice(0, 10));
    const logs = app.logs.join('');
    expect(logs).not.toContain(imapPassword);
    expect(logs).not.toContain(app.token);
    expect(logs).not.toContain('correct horse battery');
  });

  it('revokes an API token at once', async () => {
    const made = await app.api('POST', '/api/tokens', { name: 'script' });
    expect(made.status).toBe(201);
    const id = (await app.api('GET', '/api/tokens')).body.find((t: { name: string }) => t.name === 'script').id;
    expect((await app.api('GET', '/api/drafts', undefined, made.body.token)).status).toBe(200);
    expect((await app.api('DELETE', `/api/tokens/${id}`)).status).toBe(204);
    expect((await app.api('GET', '/api/drafts', undefined, made.body.token)).status).toBe(401);
  });

  it('builds no header from anything with a line break in it', async () => {
    const base = {
      messageId: 'a@b.example',
      date: new Date(),
      from: { name: 'Dana', address: 'support@fernhill.example' },
      to: [{ address: 'x@y.example', name: 'X' }],
      cc: [],
      subject: 'Hi',
      body: 'Hello',
      signature: 'Dana',
      answering: null,
    };
    await expect(buildReply({ ...base, subject: 'Hi\r\nBcc: everyone@example.com' })).rejects.toThrow(/line break/);
    await expect(buildReply({ ...base, to: [{ address: 'x@y.example', name: 'X\r\nBcc: z@z.example' }] })).rejects.toThrow(/line break/);
    await expect(buildReply({ ...base, from: { name: 'Dana\nBcc: a@b.example', address: 'support@fernhill.example' } })).rejects.toThrow(/line break/);
    const ok = (await buildReply(base)).toString();
    expect(ok).not.toMatch(/^Bcc:/m);
  });
});
