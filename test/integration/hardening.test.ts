import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';

describe('answers that give nothing away', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('marks authenticated pages and API answers no-store, so no shared or back-button cache keeps them', async () => {
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const client = new Browserish(app.url);
    expect((await client.signIn(owner.email, 'correct horse battery')).status).toBe(303);
    for (const path of ['/', '/account', '/customers']) expect((await client.get(path)).headers.get('cache-control'), path).toBe('no-store');
    const api = await fetch(`${app.url}/api/drafts`, { headers: { authorization: `Bearer ${app.token}` } });
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an id of 2^31 or more with a 400 naming it, on the API and on pages', async () => {
    for (const path of ['/api/conversations/2147483648', '/api/customers/99999999999', '/api/drafts/2147483648', '/api/mailboxes/2147483648/resync']) {
      const method = path.endsWith('resync') ? 'POST' : 'GET';
      const res = await app.api(method, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toMatch(/id|too large/i);
    }
  });

  it('stores nothing for an anonymous visit to the sign-in page, and still refuses a forged sign-in form', async () => {
    const sessions = async () =>
      Number(
        (
          await app.rt.ctx.db
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await sessions();
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${app.url}/signin`);
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('longhand.sid='))).toBe(false);
    }
    expect(await sessions()).toBe(before);
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const forged = await fetch(`${app.url}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: owner.email, password: 'correct horse battery', _csrf: 'made-up' }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    const visitor = new Browserish(app.url);
    expect((await visitor.signIn(owner.email, 'correct horse battery')).status).toBe(303);
    expect(await sessions()).toBe(before + 1);
  });

  it('answers an unauthenticated write to the API with 401, as the README says, not a CSRF failure', async () => {
    const res = await fetch(`${app.url}/api/touch-check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
  });
});

describe('passwords', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });

  afterAll(async () => {
    await app?.close();
  });

  it("a changed password ends the person's other sessions and keeps this one", async () => {
    const staff = await app.addUser('agent', 'Two Devices');
    const laptop = new Browserish(app.url, '10.0.1.1');
    const phone = new Browserish(app.url, '10.0.1.2');
    await laptop.signIn(staff.email, staff.password);
    await phone.signIn(staff.email, staff.password);
    const { csrf } = await laptop.get('/account');
    expect((await laptop.post('/account/password', { _csrf: csrf, current: staff.password, next: 'a brand new password', back: '/account' })).status).toBe(303);
    expect((await laptop.get('/account')).text).toContain('Your password is changed');
    expect((await phone.get('/')).status).toBe(303);
  });

  it('answers a NUL character in a form with a 400 naming the field, and sets a password from the people form alone', async () => {
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const desk = new Browserish(app.url, '10.0.1.20');
    expect((await desk.signIn(owner.email, 'correct horse battery')).status).toBe(303);
    const { csrf } = await desk.get('/account');
    const nul = await desk.post('/account/signature', { _csrf: csrf, signature: 'Dana\u0000', back: '/account' });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('signature: contains a NUL character');

    const staff = await app.addUser('agent', 'Needs A Password');
    const person = await app.rt.ctx.db.selectFrom('users').select('id').where('email', '=', staff.email).executeTakeFirstOrThrow();
    const set = await desk.post(`/settings/people/${person.id}`, { _csrf: csrf, password: 'a password set by the owner', back: '/settings' });
    expect(set.status).toBe(303);
    expect((await desk.get('/settings')).text).toContain('Needs A Password is saved, with the new password.');
    expect((await new Browserish(app.url, '10.0.1.21').signIn(staff.email, 'a password set by the owner')).status).toBe(303);
  });

  it('checks at most five passwords of 40 guesses sent at once', async () => {
    const staff = await app.addUser('agent', 'Guessed At');
    const attacker = new Browserish(app.url, '10.0.1.9');
    const { csrf } = await attacker.get('/signin');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attacker.post('/signin', { _csrf: csrf, email: staff.email, password: `guess ${i}` })));
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(35);
  });

  it('a reset by an owner ends every session of that person and lifts the sign-in lock', async () => {
    const { setPassword } = await import('../../core/users/users.ts');
    const staff = await app.addUser('agent', 'Locked Out');
    const desk = new Browserish(app.url, '10.0.1.3');
    await desk.signIn(staff.email, staff.password);
    const attacker = new Browserish(app.url, '10.0.1.4');
    for (let i = 0; i < 5; i++) await attacker.signIn(staff.email, `guess ${i}`);
    expect((await new Browserish(app.url, '10.0.1.4').signIn(staff.email, staff.password)).status).toBe(429);
    await setPassword(app.rt.ctx, staff.email, 'the reset password', null);
    expect((await desk.get('/')).status).toBe(303);
    expect((await new Browserish(app.url, '10.0.1.4').signIn(staff.email, 'the reset password')).status).toBe(303);
  });
});

describe('sign-in limits that stop guessing without locking people out', () => {
  let app: TestApp;
  const clock = new ManualClock('2026-11-20T09:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({ workers: false, clock, env: { LONGHAND_TRUST_PROXY: 'true' } });
  });

  afterAll(async () => {
    await app?.close();
  });

  const guess = (email: string, ip: string, times: number) => Promise.all(Array.from({ length: times }, (_, i) => new Browserish(app.url, ip).signIn(email, `wrong guess ${i}`)));

  it('five wrong passwords from one place lock that place out, not the person at their own desk', async () => {
    const staff = await app.addUser('agent', 'Targeted Agent');
    await guess(staff.email, '10.0.5.66', 5);
    expect((await new Browserish(app.url, '10.0.5.66').signIn(staff.email, staff.password)).status).toBe(429);
    expect((await new Browserish(app.url, '10.0.5.10').signIn(staff.email, staff.password)).status).toBe(303);
  });

  it('guesses spread over many places lock an agent out for the window, and the reset lifts it', async () => {
    const staff = await app.addUser('agent', 'Spread Agent');
    for (let i = 0; i < 25; i++) await guess(staff.email, `10.0.6.${i + 1}`, 1);
    const refused = await new Browserish(app.url, '10.0.6.200').signIn(staff.email, staff.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    clock.advance(15 * 60_000 + 1000);
    expect((await new Browserish(app.url, '10.0.6.200').signIn(staff.email, staff.password)).status).toBe(303);
  });

  it('never locks out the last owner: guessing only slows each place down to one try a minute', async () => {
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    for (let i = 0; i < 6; i++) await guess(owner.email, '10.0.7.99', 1);
    for (let i = 0; i < 25; i++) await guess(owner.email, `10.0.7.${i + 1}`, 1);
    // The owner's own desk, never used by the guesser, gets in at once.
    expect((await new Browserish(app.url, '10.0.7.200').signIn(owner.email, 'correct horse battery')).status).toBe(303);
    // The guesser's place waits a minute, not the quarter of an hour, and then the owner could get in from it too.
    const slowed = await new Browserish(app.url, '10.0.7.99').signIn(owner.email, 'correct horse battery');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    clock.advance(61_000);
    expect((await new Browserish(app.url, '10.0.7.99').signIn(owner.email, 'correct horse battery')).status).toBe(303);
  });
});

describe('first run', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: false, firstRun: true });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates exactly one owner when six set-up forms arrive at once', async () => {
    const clients = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => {
        const client = new Browserish(app.url, `10.0.2.${i + 1}`);
        return { client, csrf: (await client.get('/setup')).csrf, i };
      }),
    );
    const answers = await Promise.all(
      clients.map(({ client, csrf, i }) => client.post('/setup', { _csrf: csrf, name: `Owner ${i}`, email: `owner${i}@first.example`, password: 'a long enough password' })),
    );
    expect(answers.every((a) => a.status === 303)).toBe(true);
    const owners = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').execute();
    expect(owners).toHaveLength(1);
  });
});
