import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';
import { privateRedis } from '../support/redis-keys.ts';
import { type SmtpSink, waitUntil } from '../support/servers.ts';

// Dated now: the first sync drafts replies to recent mail only.
const MAIL = `From: Rosa Lind <rosa@lind.example>\r\nTo: help@fernhill.example\r\nSubject: Lid handle\r\nMessage-ID: <lid-1@lind.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\nThe lid handle came loose after a week. Can I get a new one?\r\n`;

describe('Redis down', () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let app: TestApp;
  let sink: SmtpSink;
  let close: () => Promise<void>;

  beforeAll(async () => {
    redis = await privateRedis();
    ({ app, sink, close } = await startWithDraft('redisdown', MAIL, { REDIS_URL: redis.url, LONGHAND_FROM: 'help@fernhill.example' }));
  });

  afterAll(async () => {
    await close?.();
    await redis?.stop();
  });

  it('says so on /healthz, fails fast with words, shows a banner, logs it a few times only, and sends once Redis is back', async () => {
    const healthy = await fetch(`${app.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: 'ok', database: 'ok', redis: 'ok' });

    const [pending] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const draft = (
      await app.api('PATCH', `/api/drafts/${pending.id}`, {
        body: 'Hi Rosa,\n\nSorry the lid handle came loose so soon. A new handle with two screws is on its way today; the old one can go in the bin.\n\nSam',
        baseVersion: pending.version,
      })
    ).body;
    let redisErrors = 0;
    app.rt.redis!.on('error', () => redisErrors++);
    await redis.down();

    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    const report = await health.json();
    expect(report).toMatchObject({ status: 'down', database: 'ok' });
    expect(report.redis).toMatch(/not answering/);

    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version });
    expect(approved.status).toBe(503);
    expect(approved.body.error.code).toBe('queue_unavailable');
    expect(approved.body.error.message).toMatch(/approved and saved/i);
    // The approval itself is in the database: nothing to do again once Redis is back.
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('approved');

    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    const desk = new Browserish(app.url);
    await desk.signIn(owner.email, 'correct horse battery');
    expect((await desk.get('/')).text).toContain('The job queue (Redis) is not answering');

    await waitUntil(() => redisErrors >= 6, 30_000, 'six reconnect failures');
    const redisLines = app.logs.filter((l) => /redis connection problem/.test(l));
    expect(redisLines.length).toBeGreaterThanOrEqual(1);
    expect(redisLines.length).toBeLessThanOrEqual(2);

    await redis.up();
    await sink.waitFor(1, 30_000);
    expect(sink.received[0]!.envelope.to).toEqual(['rosa@lind.example']);
    await waitUntil(async () => (await fetch(`${app.url}/healthz`)).status === 200, 10_000, 'healthz ok again');
  });
});
