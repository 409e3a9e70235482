/**
 * npm run bench:sync [-- --count 10000 --latency 50]
 *
 * Appends N generated messages to a local Dovecot, then measures in one run:
 *  (a) the floor: a raw imapflow FETCH of every source, nothing stored;
 *  (b) Longhand's initial sync of the same mailbox to stored, threaded messages (the embedded PGlite on disk);
 *  (c) the time from APPEND of a new message to its draft being visible, over single messages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { openRuntime } from '../cli/runtime.ts';
import { loadConfig } from '../core/config.ts';
import { openPglite } from '../core/db/database.ts';
import { Dovecot } from '../test/support/dovecot.ts';
import { generateMail } from '../test/support/mail-generator.ts';
import { deleteRedisPrefix } from '../test/support/redis-keys.ts';
import { startWorkers } from '../workers/index.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, latency: { type: 'string', default: '50' } } });
const count = Number(values.count);
const latencyRuns = Number(values.latency);

const dovecot = await Dovecot.start();
const user = 'bench';
const connect = async () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  await client.connect();
  return client;
};
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-sync-'));
const prefix = `lhbench${process.pid}`;

try {
  // Four connections append in parallel: setting up is not what we measure.
  const mail = generateMail({ count, seed: 42, tag: 'bench' });
  let t = performance.now();
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const client = await connect();
      for (let i = lane; i < mail.length; i += 4) await client.append('INBOX', mail[i]!.raw);
      await client.logout();
    }),
  );
  const bytes = mail.reduce((n, m) => n + Buffer.byteLength(m.raw), 0);
  console.log(`appended ${count} messages (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // (a) The floor: every source fetched, nothing else done.
  t = performance.now();
  const raw = await connect();
  const lock = await raw.getMailboxLock('INBOX', { readOnly: true });
  let fetched = 0;
  for await (const m of raw.fetch('1:*', { uid: true, source: true })) fetched += m.source ? 1 : 0;
  lock.release();
  await raw.logout();
  const floorMs = performance.now() - t;

  // (b) Longhand: the whole runtime, as `longhand start` runs it, on the embedded database on disk.
  const config = loadConfig({
    LONGHAND_DATA_DIR: dataDir,
    LONGHAND_QUEUE_PREFIX: prefix,
    LONGHAND_LOG_LEVEL: 'warn',
    LONGHAND_UNDO_SECONDS: '0',
    LONGHAND_IMAP_URL: `imap://${user}:${dovecot.password}@127.0.0.1:${dovecot.port}?tls=off`,
    LONGHAND_SMTP_URL: 'smtp://127.0.0.1:1?tls=off',
    LONGHAND_FROM: 'support@fernhill.example',
  });
  const rt = await openRuntime({ queues: true, config, database: await openPglite(dataDir) });
  // The baseline includes the embedded database itself (its WebAssembly heap): what grows after it is the sync's.
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  t = performance.now();
  const workers = await startWorkers(rt.ctx, { connection: rt.redis!, redis: rt.redis!, queues: rt.queues!, prefix, ownership: { scanMs: 100 } });
  const db = rt.ctx.db;
  for (;;) {
    const mailbox = await db.selectFrom('mailboxes').select('initial_sync_done').executeTakeFirst();
    if (mailbox?.initial_sync_done) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const syncMs = performance.now() - t;
  clearInterval(sampler);
  const stored = Number(
    (
      await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const conversations = Number(
    (
      await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

  // (c) APPEND to draft visible, one message at a time, IDLE doing the work.
  const latencies: number[] = [];
  const appender = await connect();
  for (let i = 0; i < latencyRuns; i++) {
    const id = `latency-${i}-${Date.now()}@bakery.example`;
    const start = performance.now();
    await appender.append(
      'INBOX',
      `From: Maria Lopez <maria.${i}@bakery.example>\r\nTo: support@fernhill.example\r\nSubject: Question ${i} about the pan\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${id}>\r\n\r\nDoes the pan work on induction?\r\n`,
    );
    for (;;) {
      const draft = await db
        .selectFrom('drafts')
        .innerJoin('messages', 'messages.id', 'drafts.answers_message_id')
        .select('drafts.id')
        .where('messages.message_id', '=', id)
        .executeTakeFirst();
      if (draft) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    latencies.push(performance.now() - start);
  }
  await appender.logout();
  await workers.close();
  await rt.close();
  await rt.database.close();

  report('bench:sync', [
    `messages: ${count} (${(bytes / 1024 / 1024).toFixed(1)} MiB), fetched raw: ${fetched}, stored by Longhand: ${stored} in ${conversations} conversations`,
    `(a) raw imapflow fetch of all sources: ${(floorMs / 1000).toFixed(2)} s = ${Math.round(count / (floorMs / 1000))} msg/s`,
    `(b) Longhand initial sync to stored, threaded messages: ${(syncMs / 1000).toFixed(2)} s = ${Math.round(count / (syncMs / 1000))} msg/s`,
    `ratio (b)/(a): ${(syncMs / floorMs).toFixed(1)}x the floor`,
    `peak RSS during (b): ${Math.round(peak / 1024 / 1024)} MiB (with the database open before it: ${Math.round(baseline / 1024 / 1024)} MiB; growth during the sync ${Math.round((peak - baseline) / 1024 / 1024)} MiB)`,
    `(c) APPEND to draft visible over ${latencyRuns} single messages: median ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
  ]);
} finally {
  await dovecot.stop();
  await deleteRedisPrefix(prefix);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
