import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRuntime, type Runtime } from '../../cli/runtime.ts';
import { ManualClock } from '../../core/clock.ts';
import { loadConfig } from '../../core/config.ts';
import { type Database, openPglite, openPostgres } from '../../core/db/database.ts';
import { snoozeConversation } from '../../core/followups/reminders.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { createUser } from '../../core/users/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { deliver, US } from '../support/followups.ts';
import { longhand, processEnv, startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix, privateRedis } from '../support/redis-keys.ts';
import { postgresDatabase, uniqueName, waitUntil } from '../support/servers.ts';

const DAY = 86_400_000;
/** These tests start processes that each open the database: seconds usually, slack for a busy machine. */
const PROCESS_TEST_MS = 60_000;
const quietLog = () => new Writable({ write: (_c, _e, cb) => cb() });
const MAILBOX = {
  name: 'Fernhill',
  email: US,
  imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
  smtp: { host: '127.0.0.1', port: 1, secure: false, user: '', password: '' },
  source: 'ui' as const,
};

/** A shop with `count` customers, each answered at `answeredAt` and silent since. Returns the conversation ids. */
async function answeredCustomers(rt: Runtime, clock: ManualClock | null, count: number, answeredAt: Date, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const asked = new Date(answeredAt.getTime() - 3_600_000).toISOString();
    clock?.set(asked);
    const address = `${tag}${i}@c${i}.example`;
    const q = await deliver(rt.ctx, null, {
      id: `${tag}-q${i}@c${i}.example`,
      from: `Customer ${i} <${address}>`,
      to: US,
      subject: `Question ${i}`,
      at: asked,
      body: `How do I do thing ${i}?`,
    });
    clock?.set(answeredAt);
    await deliver(rt.ctx, null, {
      id: `${tag}-a${i}@fernhill.example`,
      from: `Dana <${US}>`,
      to: address,
      subject: `Re: Question ${i}`,
      at: answeredAt.toISOString(),
      offset: 0,
      body: `Hi, here is how to do thing ${i}.`,
      inReplyTo: `${tag}-q${i}@c${i}.example`,
    });
    ids.push(q.conversationId);
  }
  return ids;
}

async function followupCounts(db: Database['db']) {
  const drafts = await db.selectFrom('drafts').select(['conversation_id', 'followup_rule']).where('kind', '=', 'followup').execute();
  const perConversation = new Map<number, number>();
  for (const d of drafts) perConversation.set(d.conversation_id, (perConversation.get(d.conversation_id) ?? 0) + 1);
  const rows = await db.selectFrom('followups').select(['rule', 'state']).execute();
  return { drafts: drafts.length, most: Math.max(0, ...perConversation.values()), rows: rows.length, drafted: rows.filter((r) => r.state === 'drafted').length };
}

describe('longhand followups run, in its own process on the embedded database', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-fup-cli-'));
    env = processEnv({ dataDir, queuePrefix: uniqueName('fupcli') });
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const database = await openPglite(dataDir, { loadDataDir: new Blob([fs.readFileSync(inject('pgliteSnapshot'))]) });
    const rt = await openRuntime({ queues: false, config: loadConfig(env), clock, database, logDestination: quietLog() });
    try {
      await upsertMailbox(rt.ctx, MAILBOX);
      await answeredCustomers(rt, clock, 1, new Date('2026-06-01T12:00:00Z'), 'cli');
    } finally {
      await rt.close();
    }
  });

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it(
    'evaluates every rule as of --now: nothing before the check-in is due, then one draft at its time',
    async () => {
      // Answered 1 June 12:00 UTC to a customer at UTC+01:00: due 16 June, 9:00 their time.
      const early = await longhand(['followups', 'run', '--now', '2026-06-16T07:59:00Z'], env);
      expect([early.code, early.stdout]).toEqual([0, 'follow-ups as of 2026-06-16T07:59:00.000Z: 0 drafted, 0 withdrawn; nothing is sent until a person approves it\n']);
      const due = await longhand(['followups', 'run', '--now', '2026-06-16T08:00:00Z'], env);
      expect(due.stdout).toBe(
        'drafted check_in (Check in) conversation 1 customer 1 draft 1\nfollow-ups as of 2026-06-16T08:00:00.000Z: 1 drafted, 0 withdrawn; nothing is sent until a person approves it\n',
      );
      const bad = await longhand(['followups', 'run', '--now', 'next tuesday'], env);
      expect([bad.code, bad.stderr]).toEqual([1, 'longhand: --now must be an ISO 8601 time, e.g. 2026-12-01T09:00:00Z (got "next tuesday").\n']);
    },
    PROCESS_TEST_MS,
  );
});

describe('follow-ups across processes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof postgresDatabase>>;
  let db: Database;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const running: Array<Awaited<ReturnType<typeof startLonghand>>> = [];
  // Kept at once, so a test that fails half-way still stops every worker it started.
  const worker = () =>
    startLonghand(['worker'], env).then((w) => {
      running.push(w);
      return w;
    });

  beforeAll(async () => {
    database = await postgresDatabase('fups');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-fup-pg-'));
    env = processEnv({ dataDir, queuePrefix: uniqueName('fups'), databaseUrl: database.url });
    db = await openPostgres(database.url);
  });

  afterAll(async () => {
    for (const p of running) await p.stop('SIGKILL');
    await db?.close();
    await database?.drop();
    if (env) await deleteRedisPrefix(env.LONGHAND_QUEUE_PREFIX!);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'drafts each follow-up once while two `followups run` and two workers race, and again none after a worker is killed and another starts',
    async () => {
      const rt = await openRuntime({ queues: false, config: loadConfig(env), database: await openPostgres(database.url), logDestination: quietLog() });
      let conversations: number[];
      let reminders: number;
      try {
        await rt.ctx.db
          .updateTable('mailboxes')
          .set({ enabled: false })
          .where('id', '=', (await upsertMailbox(rt.ctx, MAILBOX)).id)
          .execute();
        // Answered 15 days ago (their time zone is UTC+01:00): every check-in is due now, by the real clock the workers read.
        conversations = await answeredCustomers(rt, null, 25, new Date(Date.now() - 15 * DAY), 'pg');
        const sam = await createUser(rt.ctx, { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent', password: null });
        // And three reminders coming due in the middle of the race.
        const others = await answeredCustomers(rt, null, 3, new Date(Date.now() - 2 * DAY), 'pgr');
        for (const c of others) await snoozeConversation(rt.ctx, c, new Date(Date.now() + 1_500), 'Call them', sam);
        reminders = others.length;
      } finally {
        await rt.close();
      }
      const asOf = new Date(Date.now() + 3_000).toISOString();
      await new Promise((r) => setTimeout(r, 1_600));
      const [cliA, cliB, workerA] = await Promise.all([longhand(['followups', 'run', '--now', asOf], env), longhand(['followups', 'run', '--now', asOf], env), worker(), worker()]);
      expect([cliA.code, cliB.code]).toEqual([0, 0]);
      const drafted = (out: string) => Number(/: (\d+) drafted/.exec(out)![1]);
      expect(drafted(cliA.stdout) + drafted(cliB.stdout)).toBeLessThanOrEqual(conversations.length + reminders);
      await waitUntil(async () => (await followupCounts(db.db)).drafts === conversations.length + reminders, 15_000, 'every follow-up drafted');
      expect(await followupCounts(db.db)).toEqual({ drafts: 28, most: 1, rows: 28, drafted: 28 });

      // A worker killed mid-life, another started, and one more run: nothing new.
      await workerA.stop('SIGKILL');
      await worker();
      const rerun = await longhand(['followups', 'run', '--now', new Date(Date.now() + DAY).toISOString()], env);
      expect(drafted(rerun.stdout)).toBe(0);
      expect(await followupCounts(db.db)).toEqual({ drafts: 28, most: 1, rows: 28, drafted: 28 });
    },
    PROCESS_TEST_MS,
  );
});

describe('a reminder whose delayed job was lost with Redis', () => {
  let app: TestApp | undefined;
  let redis: Awaited<ReturnType<typeof privateRedis>>;

  afterAll(async () => {
    // The app first: it must not outlive the Redis it talks to.
    await app?.close();
    await redis?.stop();
  });

  it('still comes at its time, once: the schedule is in the database', async () => {
    redis = await privateRedis();
    app = await startTestApp({ env: { REDIS_URL: redis.url } });
    const ctx = app.rt.ctx;
    await upsertMailbox(ctx, MAILBOX);
    const [conversationId] = await answeredCustomers(app.rt, null, 1, new Date(Date.now() - DAY), 'flush');
    const until = new Date(Date.now() + 3_000);
    const snoozed = await app.api('POST', `/api/conversations/${conversationId}/snooze`, { until: until.toISOString(), note: 'Ask how the lid fits' });
    expect(snoozed.status).toBe(201);
    const queue = app.rt.queues!.followup;
    expect(await queue.getJob(`followup-${snoozed.body.followupId}-${until.getTime()}`)).toBeTruthy();

    await redis.flushAll();
    expect(await queue.getDelayedCount()).toBe(0);
    await waitUntil(async () => (await app!.api('GET', '/api/drafts?status=pending&kind=followup')).body.length === 1, 15_000, 'the reminder, from the periodic evaluation');
    const [draft] = (await app.api('GET', '/api/drafts?status=pending&kind=followup')).body;
    expect(draft).toMatchObject({ conversationId, followup: { rule: 'remind_me', reason: expect.stringContaining('Ask how the lid fits') } });
    expect(new Date(draft.createdAt).getTime()).toBeGreaterThanOrEqual(until.getTime());
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await app.api('GET', '/api/drafts?kind=followup')).body).toHaveLength(1);
  });
});
