/**
 * npm run bench:sync [-- --count 10000 --latency 50 --postgres postgres://postgres@127.0.0.1:5432/postgres]
 *
 * A realistic support mailbox (test/support/mail-generator.ts generateMailbox: about a thousand customers for
 * ten thousand messages, 1 to 20 KiB, plain text and HTML, attachments, reply chains with quoted history) is
 * appended to a Dovecot of its own; then, in one run:
 *  (a) the floor: a raw imapflow FETCH of every source, nothing stored;
 *  (b) Longhand's first sync of that mailbox to stored, threaded messages, in a process of its own (sync-longhand.ts)
 *      on a fresh embedded PGlite on disk, or with --postgres on a fresh database of that server; its peak RSS;
 *  (c) APPEND of one new message to its draft being visible, over single messages, the sync on IDLE;
 *  (d) the same while the first sync of a second mailbox (another copy of the first 10,000) runs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import pg from 'pg';
import { Dovecot } from '../test/support/dovecot.ts';
import { type GeneratedMail, generateMailbox } from '../test/support/mail-generator.ts';
import { deleteRedisPrefix } from '../test/support/redis-keys.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, latency: { type: 'string', default: '50' }, postgres: { type: 'string' } } });
const count = Number(values.count);
const latencyRuns = Number(values.latency);
const SECOND = Math.min(count, 10_000);

const dovecot = await Dovecot.start();
const connect = async (user: string) => {
  const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false });
  await client.connect();
  return client;
};
const imapUrl = (user: string) => `imap://${user}:${encodeURIComponent(dovecot.password)}@127.0.0.1:${dovecot.port}?tls=off`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-sync-'));
const prefix = `lhbench${process.pid}`;
const database = values.postgres ? `longhand_bench_sync_${process.pid}` : null;
const admin = async (q: string) => {
  const c = new pg.Client({ connectionString: values.postgres });
  await c.connect();
  await c.query(q);
  await c.end();
};

/** Appends the generated mailbox over four connections (setting up is not what is measured). */
async function appendMailbox(user: string, total: number, tag: string): Promise<number> {
  const mail: GeneratedMail[] = generateMailbox({ count: total, seed: 42, tag });
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const client = await connect(user);
      for (let i = lane; i < mail.length; i += 4) await client.append('INBOX', mail[i]!.raw);
      await client.logout();
    }),
  );
  return mail.reduce((n, m) => n + Buffer.byteLength(m.raw), 0);
}

function message(child: ChildProcess, event: string, match: (m: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m.event !== event || !match(m)) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`Longhand's process exited (${code}) while the bench waited for "${event}"`)));
  });
}

async function appendToDraft(child: ChildProcess, user: string, runs: number, label: string): Promise<number[]> {
  const latencies: number[] = [];
  const appender = await connect(user);
  for (let i = 0; i < runs; i++) {
    const id = `latency-${label}-${i}-${Date.now()}@bakery.example`;
    const start = performance.now();
    await appender.append(
      'INBOX',
      `From: Maria Lopez <maria.${label}.${i}@bakery.example>\r\nTo: support@fernhill.example\r\nSubject: Question ${i} about the pan\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${id}>\r\n\r\nDoes the pan work on induction?\r\n`,
    );
    const drafted = message(child, 'draft', (m) => m.messageId === id);
    child.send({ cmd: 'draft-for', messageId: id });
    await drafted;
    latencies.push(performance.now() - start);
  }
  await appender.logout();
  return latencies;
}

const ms = (values: number[]) => `median ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;

let child: ChildProcess | null = null;
try {
  let t = performance.now();
  const bytes = await appendMailbox('bench', count, 'bench');
  console.log(`appended ${count} messages (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await appendMailbox('second', SECOND, 'second');

  // (a) The floor: every source fetched, nothing else done.
  t = performance.now();
  const raw = await connect('bench');
  const lock = await raw.getMailboxLock('INBOX', { readOnly: true });
  let fetched = 0;
  for await (const m of raw.fetch('1:*', { uid: true, source: true })) fetched += m.source ? 1 : 0;
  lock.release();
  await raw.logout();
  const floorMs = performance.now() - t;

  // (b) Longhand in a process of its own, on a fresh database.
  if (database) await admin(`create database ${database}`);
  const databaseUrl = database ? Object.assign(new URL(values.postgres!), { pathname: `/${database}` }).toString() : undefined;
  child = fork(fileURLToPath(new URL('./sync-longhand.ts', import.meta.url)), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: {
      ...process.env,
      LONGHAND_DATA_DIR: dataDir,
      LONGHAND_QUEUE_PREFIX: prefix,
      LONGHAND_LOG_LEVEL: 'warn',
      LONGHAND_UNDO_SECONDS: '0',
      LONGHAND_IMAP_URL: imapUrl('bench'),
      LONGHAND_SMTP_URL: 'smtp://127.0.0.1:1?tls=off',
      LONGHAND_FROM: 'support@fernhill.example',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, LONGHAND_SECRET: randomBytes(32).toString('hex') } : {}),
    },
  });
  const started = await message(child, 'started');
  const synced = await message(child, 'synced', (m) => m.email === 'support@fernhill.example');
  const syncMs = synced.ms as number;

  // (c) New mail on IDLE, one message at a time.
  const idle = await appendToDraft(child, 'bench', latencyRuns, 'idle');

  // (d) The same while another mailbox's first sync runs.
  const secondSynced = message(child, 'synced', (m) => m.email === 'second@fernhill.example');
  let secondDone = false;
  void secondSynced.then(() => (secondDone = true));
  child.send({ cmd: 'add-mailbox', email: 'second@fernhill.example', imapUrl: imapUrl('second') });
  await message(child, 'added');
  const during: number[] = [];
  for (const latency of await appendToDraft(child, 'bench', latencyRuns, 'during')) if (!secondDone) during.push(latency);
  const second = await secondSynced;

  report('bench:sync', [
    `mailbox: ${count} messages (${(bytes / 1024 / 1024).toFixed(1)} MiB), generateMailbox (1 to 20 KiB, text and HTML, attachments, reply chains); fetched raw: ${fetched}`,
    `database: ${started.kind === 'postgres' ? 'PostgreSQL (a fresh database)' : 'embedded PGlite on disk (a fresh data folder)'}`,
    `(a) raw imapflow fetch of all sources: ${(floorMs / 1000).toFixed(2)} s = ${Math.round(count / (floorMs / 1000))} msg/s`,
    `(b) Longhand first sync to stored, threaded messages: ${(syncMs / 1000).toFixed(2)} s = ${Math.round(count / (syncMs / 1000))} msg/s; ${synced.messages} messages in ${synced.conversations} conversations`,
    `ratio (b)/(a): ${(floorMs / syncMs).toFixed(3)} of the floor's rate`,
    `Longhand's process: ${started.baselineMiB} MiB with the runtime open before the sync; peak RSS ${synced.peakMiB} MiB (the kernel's high-water mark, start included)`,
    `(c) APPEND to draft visible, ${latencyRuns} single messages on IDLE: ${ms(idle)}`,
    `(d) the same while the first sync of a second mailbox (${SECOND} messages, done in ${((second.ms as number) / 1000).toFixed(1)} s) ran: ${during.length} of ${latencyRuns} fell within it: ${during.length ? ms(during) : 'none'}`,
  ]);
  child.send({ cmd: 'stop' });
  await new Promise((resolve) => child!.once('exit', resolve));
  child = null;
} finally {
  child?.kill('SIGKILL');
  await dovecot.stop();
  await deleteRedisPrefix(prefix);
  if (database) await admin(`drop database if exists ${database} with (force)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
