/**
 * npm run bench:sync [-- --count 10000 --latency 50 --postgres postgres://postgres@127.0.0.1:5432/postgres]
 *
 * A realistic support mailbox (generateMailbox in test/support/mail-generator.ts: about a thousand customers
 * for ten thousand messages, 1 to 20 KiB, plain text and HTML, attachments, reply chains with quoted history)
 * is appended to a Dovecot of its own. Then, in one run:
 *  (a) the floor: a raw imapflow FETCH of every source, nothing stored;
 *  (b) the first sync of that mailbox by a real `longhand start` (compiled dist/, as users run it) on a fresh
 *      embedded database, or with --postgres on a fresh database of that server: from `longhand mailbox add`
 *      until the API says the first sync is done; the process's peak RSS as the kernel counts it;
 *  (c) APPEND of one new message to its draft showing in the API, one message at a time, the sync on IDLE;
 *  (d) the same while the first sync of a second mailbox (another copy of up to 10,000 messages) runs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import pg from 'pg';
import { Dovecot } from '../test/support/dovecot.ts';
import { generateMailbox } from '../test/support/mail-generator.ts';
import { deleteRedisPrefix } from '../test/support/redis-keys.ts';
import { percentile, report } from './report.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '50' },
    postgres: { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] as string[] },
  },
});
const count = Number(values.count);
const latencyRuns = Number(values.latency);
const SECOND = Math.min(count, 10_000);
const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
// Longhand runs with the node options `npm start` gives it, unless --node-arg says otherwise.
const startScript: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
const nodeArgs = values['node-arg']!.length
  ? values['node-arg']!
  : (/node((?:\s+--\S+)*)\s+bin\/longhand\.mjs start/.exec(startScript)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

const dovecot = await Dovecot.start({ mailFormat: 'mdbox' });
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
  const mail = generateMailbox({ count: total, seed: 42, tag });
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      const client = await connect(user);
      for (let i = lane; i < mail.length; i += 4) await client.append('INBOX', mail[i]!.raw);
      await client.logout();
    }),
  );
  return mail.reduce((n, m) => n + Buffer.byteLength(m.raw), 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const env = {
  ...process.env,
  LONGHAND_DATA_DIR: dataDir,
  PORT: String(port),
  LONGHAND_QUEUE_PREFIX: prefix,
  LONGHAND_LOG_LEVEL: 'warn',
  LONGHAND_UNDO_SECONDS: '0',
  ...(database ? { DATABASE_URL: Object.assign(new URL(values.postgres!), { pathname: `/${database}` }).toString(), LONGHAND_SECRET: randomBytes(32).toString('hex') } : {}),
};
/** A `longhand` command beside the running process (with the embedded database it runs inside that process). */
const longhand = async (...args: string[]) => (await run(process.execPath, [path.join(root, 'bin/longhand.mjs'), ...args], { env, cwd: root, maxBuffer: 1024 ** 3 })).stdout;
let token = '';
async function api<T>(p: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
async function until(check: () => Promise<boolean>, everyMs = 10): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}
const mailbox = async (email: string) => (await api<{ email: string; state: string; initialSyncDone: boolean }[]>('/api/mailboxes')).find((m) => m.email === email);
const syncDone = async (email: string) => (await mailbox(email))?.initialSyncDone === true;
const addMailbox = (user: string) => longhand('mailbox', 'add', '--email', `${user}@fernhill.example`, '--imap-url', imapUrl(user), '--smtp-url', 'smtp://127.0.0.1:1?tls=off');
/** The kernel's count of the most memory the process has held, in MiB. */
const peakMiB = (pid: number) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

async function appendToDraft(user: string, runs: number, label: string, each?: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const appender = await connect(user);
  for (let i = 0; i < runs; i++) {
    const subject = `Question ${label} ${i} about the pan`;
    const start = performance.now();
    await appender.append(
      'INBOX',
      `From: Maria Lopez <maria.${label}.${i}@bakery.example>\r\nTo: ${user}@fernhill.example\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${label}-${i}-${Date.now()}@bakery.example>\r\n\r\nDoes the pan work on induction?\r\n`,
    );
    await until(async () => (await api<{ subject: string }[]>('/api/drafts?status=pending')).some((d) => d.subject === `Re: ${subject}`));
    latencies.push(performance.now() - start);
    await each?.();
  }
  await appender.logout();
  return latencies;
}

const ms = (list: number[]) => `median ${percentile(list, 50).toFixed(0)} ms, p95 ${percentile(list, 95).toFixed(0)} ms, max ${Math.max(...list).toFixed(0)} ms`;

let child: ChildProcess | null = null;
try {
  await run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')]);
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

  // (b) A real `longhand start`, on a fresh database, then the mailbox added beside it.
  if (database) await admin(`create database ${database}`);
  const logFile = `${dataDir}.log`;
  const log = fs.openSync(logFile, 'w');
  child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/longhand.mjs'), 'start'], { env, cwd: root, stdio: ['ignore', log, log] });
  const pid = child.pid!;
  await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status !== undefined, 50);
  await longhand('user', 'add', '--email', 'bench@fernhill.example', '--name', 'Bench Owner', '--role', 'owner');
  token = (await longhand('token', 'create', '--user', 'bench@fernhill.example')).trim();
  const idleMiB = rssMiB(pid);
  await addMailbox('bench');
  // The clock starts when a worker takes the mailbox up (workers look for new mailboxes every few seconds).
  await until(async () => (await mailbox('bench@fernhill.example'))?.state !== 'new', 100);
  t = performance.now();
  // Asked for rarely: the embedded database gives way to anyone else who asks, and this bench should not be that.
  await until(() => syncDone('bench@fernhill.example'), 250);
  const syncMs = performance.now() - t;
  const peakAfterSync = peakMiB(pid);
  const threads = (await longhand('export', 'threads'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { messageIds: string[] });
  const stored = threads.reduce((n, th) => n + th.messageIds.length, 0);
  if (stored !== count) throw new Error(`the first sync stored ${stored} of ${count} messages`);

  // (c) New mail on IDLE, one message at a time.
  const idle = await appendToDraft('bench', latencyRuns, 'idle');

  // (d) The same while another mailbox's first sync runs.
  await addMailbox('second');
  // After each message: was the second mailbox still in its first sync? Those messages count as during it.
  const stillSyncing: boolean[] = [];
  const all = await appendToDraft('bench', latencyRuns, 'during', async () => {
    stillSyncing.push(!(await syncDone('second@fernhill.example')));
  });
  const during = all.filter((_, i) => stillSyncing[i]);
  await until(() => syncDone('second@fernhill.example'), 50);

  report('bench:sync', [
    `mailbox: ${count} messages (${(bytes / 1024 / 1024).toFixed(1)} MiB) from generateMailbox (1 to 20 KiB, text and HTML, attachments, reply chains); fetched raw: ${fetched}`,
    `database: ${database ? 'PostgreSQL (a fresh database)' : 'embedded PGlite on disk (a fresh data folder)'}; Longhand: \`node ${[...nodeArgs, 'bin/longhand.mjs start'].join(' ')}\` (dist/), parse threads by default`,
    `(a) raw imapflow fetch of all sources: ${(floorMs / 1000).toFixed(2)} s = ${Math.round(count / (floorMs / 1000))} msg/s`,
    `(b) Longhand first sync to stored, threaded messages: ${(syncMs / 1000).toFixed(2)} s = ${Math.round(count / (syncMs / 1000))} msg/s; ${stored} messages in ${threads.length} conversations`,
    `ratio (b)/(a): ${(floorMs / syncMs).toFixed(3)} of the floor's rate`,
    `memory of the longhand process: ${idleMiB} MiB started and idle; peak RSS ${peakAfterSync} MiB by the end of the first sync (the kernel's high-water mark)${database ? '' : ', the embedded database included'}`,
    `(c) APPEND to draft in the API, ${latencyRuns} single messages on IDLE: ${ms(idle)}`,
    `(d) the same while the first sync of a second mailbox (${SECOND} messages) ran: ${during.length} of ${latencyRuns} within it: ${during.length ? ms(during) : 'none'}; peak RSS by then ${peakMiB(pid)} MiB`,
  ]);
} finally {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await dovecot.stop();
  await deleteRedisPrefix(prefix);
  if (database) await admin(`drop database if exists ${database} with (force)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(`${dataDir}.log`, { force: true });
}
