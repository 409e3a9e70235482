import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('answers an unauthenticated write to the API with 401, as the README says, not a CSRF failure', async () => {
    const res = await fetch(`${app.url}/api/touch-check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
  });
});
