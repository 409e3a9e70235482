import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openPostgres } from '../../core/db/database.ts';
import { startTestApp } from '../support/app.ts';
import { longhand, processEnv, startLonghand } from '../support/longhand-process.ts';
import { generateMail } from '../support/mail-generator.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { postgresDatabase, SmtpSink, testMailbox, uniqueName, waitUntil } from '../support/servers.ts';

type Running = Awaited<ReturnType<typeof startLonghand>>;

/** Worker processes on one PostgreSQL, killed the hard way: nothing is lost, nothing doubled, nobody waits long. */
describe('sync across worker processes', () => {
  let database: Awaited<ReturnType<typeof postgresDatabase>>;
  let db: Database;
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const running: Running[] = [];
  const count = async (sql: 'messages' | 'message_locations') =>
    Number(
      (
        await db.db
          .selectFrom(sql)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const worker = async () => {
    const w = await startLonghand(['worker'], env);
    running.push(w);
    return { ...w, id: /worker ([0-9a-f-]{36})/.exec(w.output())![1]! };
  };

  beforeAll(async () => {
    database = await postgresDatabase('procs');
    sink = await SmtpSink.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-procs-'));
    env = processEnv({ dataDir, queuePrefix: uniqueName('procs'), databaseUrl: database.url }, { LONGHAND_MAILBOX_LEASE_SECONDS: '2' });
    await longhand(['migrate'], env);
    db = await openPostgres(database.url);
  });

  afterAll(async () => {
    for (const p of running) await p.stop('SIGKILL');
    await db?.close();
    await sink?.close();
    await database?.drop();
    if (env) await deleteRedisPrefix(env.LONGHAND_QUEUE_PREFIX!);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes an initial sync after the worker is killed, with nothing lost or doubled', async () => {
    const box = testMailbox('killed');
    await box.append(generateMail({ count: 1_200, seed: 5, tag: box.user }).map((m) => m.raw));
    await longhand(['mailbox', 'add', '--email', 'killed@shop.example', '--imap-url', box.imapUrl, '--smtp-url', sink.url], env);
    const first = await worker();
    await waitUntil(async () => (await count('messages')) > 150, 60_000, 'the sync to be under way');
    await first.stop('SIGKILL');
    const atKill = await count('messages');
    expect(atKill).toBeLessThan(1_200);
    await worker();
    await waitUntil(
      async () => (await db.db.selectFrom('mailboxes').select('initial_sync_done').where('email', '=', 'killed@shop.example').executeTakeFirstOrThrow()).initial_sync_done,
      90_000,
      'the sync to finish',
    );
    expect(await count('messages')).toBe(1_200);
    const distinct = await db.db
      .selectFrom('messages')
      .select((eb) => eb.fn.count<number>('message_id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(distinct.n)).toBe(1_200);
    expect(await count('message_locations')).toBe(1_200);
  });

  it("spreads two mailboxes over two workers, and the survivor takes over a killed worker's mailbox within seconds", async () => {
    for (const p of running.splice(0)) await p.stop('SIGKILL');
    const boxes = [testMailbox('owner1'), testMailbox('owner2')];
    const emails = ['one@shop.example', 'two@shop.example'];
    for (const [i, box] of boxes.entries()) await longhand(['mailbox', 'add', '--email', emails[i]!, '--imap-url', box.imapUrl, '--smtp-url', sink.url], env);
    await db.db.updateTable('mailboxes').set({ enabled: false }).where('email', '=', 'killed@shop.example').execute();
    const [a, b] = [await worker(), await worker()];
    const owners = async () => {
      const rows = await db.db.selectFrom('mailboxes').select(['email', 'owner_worker', 'heartbeat_at']).where('email', 'in', emails).orderBy('email').execute();
      return rows.filter((r) => r.heartbeat_at && Date.now() - r.heartbeat_at.getTime() < 1_500).map((r) => r.owner_worker);
    };
    await waitUntil(async () => new Set(await owners()).size === 2, 20_000, 'each worker to own one mailbox');
    expect((await owners()).sort()).toEqual([a.id, b.id].sort());

    const victimMailbox = (
      await db.db.selectFrom('mailboxes').select(['email', 'owner_worker']).where('owner_worker', '=', a.id).where('email', 'in', emails).executeTakeFirstOrThrow()
    ).email;
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    await waitUntil(async () => (await owners()).filter((o) => o === b.id).length === 2, 20_000, 'the survivor to own both');
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    const box = boxes[emails.indexOf(victimMailbox)]!;
    await box.append(
      `From: Lena <lena@atelier.example>\r\nTo: ${victimMailbox}\r\nSubject: Still there?\r\nMessage-ID: <takeover@atelier.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\nAre you still taking orders for December?\r\n`,
    );
    await waitUntil(
      async () => Boolean(await db.db.selectFrom('messages').select('id').where('message_id', '=', 'takeover@atelier.example').executeTakeFirst()),
      15_000,
      'the new mail, synced by the survivor',
    );
  });
});

describe('a server that accepts and drops at once', () => {
  it('meets growing delays, not a login storm', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const clock = new ManualClock(new Date());
    const app = await startTestApp({
      clock,
      env: { LONGHAND_IMAP_URL: `imap://u:p@127.0.0.1:${port}?tls=off`, LONGHAND_SMTP_URL: 'smtp://127.0.0.1:1?tls=off', LONGHAND_FROM: 'help@drop.example' },
      sync: { backoff: { baseMs: 100, maxMs: 60_000, authRetryMs: 60_000 } },
    });
    try {
      // Each dropped connection is followed by a wait on the clock; moving the clock by that wait brings one more
      // attempt, never more, and the waits grow: 100 ms doubling (with jitter), not a storm.
      const waits: number[] = [];
      for (let attempt = 1; attempt <= 5; attempt++) {
        await waitUntil(() => connections === attempt && clock.sleeping().length > 0, 15_000, `attempt ${attempt}, then a wait`);
        const wait = Math.min(...clock.sleeping());
        waits.push(wait);
        clock.advance(wait);
      }
      // The n-th wait is 100 ms × 2^(n-1), less up to half of it as jitter.
      waits.forEach((wait, i) => {
        expect(wait).toBeGreaterThanOrEqual(50 * 2 ** i);
        expect(wait).toBeLessThanOrEqual(100 * 2 ** i);
      });
      await waitUntil(() => connections === 6, 15_000, 'the sixth attempt');
      expect((await app.api('GET', '/api/mailboxes')).body[0]).toMatchObject({ state: 'error' });
    } finally {
      await app.close();
      server.close();
    }
  });
});
