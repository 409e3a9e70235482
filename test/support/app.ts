import fs from 'node:fs';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { openRuntime, type Runtime } from '../../cli/runtime.ts';
import type { Clock } from '../../core/clock.ts';
import { loadConfig } from '../../core/config.ts';
import { type Database, openMemoryPglite, openPostgres } from '../../core/db/database.ts';
import type { Role, User } from '../../core/db/schema.ts';
import type { ImageNetwork } from '../../core/mail/remote-image.ts';
import type { SyncOptions } from '../../core/mail/sync.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { createApp } from '../../server/app.ts';
import { type RunningWorkers, startWorkers } from '../../workers/index.ts';
import { deleteRedisPrefix, REDIS_URL } from './redis-keys.ts';
import { SmtpSink, type TestMailbox, testMailbox, uniqueName, waitUntil } from './servers.ts';

export interface TestApp {
  rt: Runtime;
  url: string;
  logs: string[];
  workers: RunningWorkers | null;
  /** Calls the JSON API with a bearer token; returns status and parsed body. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** A staff member with a password and an API token (the app's default token is the first owner's). */
  addUser(role: Role, name?: string): Promise<{ user: User; token: string; email: string; password: string }>;
  token: string;
  /** Stops web and workers, keeping the database: `restart()` brings them back on the same data. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  workers?: boolean;
  /** Use this database (e.g. the machine's PostgreSQL) instead of a fresh in-memory PGlite. */
  databaseUrl?: string;
  sync?: { pollMs?: number; backoff?: SyncOptions['backoff'] };
  /** Start with no staff at all, as on a first run (no owner, no token). */
  firstRun?: boolean;
  /** Where the image proxy may connect (a local "remote" site instead of the internet). */
  imageNetwork?: ImageNetwork;
}

/**
 * The whole of Longhand in this process, on real servers: a migrated PGlite (or PostgreSQL), the machine's
 * Redis under a queue prefix of its own, the workers and the web app on a free port.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const prefix = uniqueName('q');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    LONGHAND_DATA_DIR: fs.mkdtempSync('/tmp/longhand-app-'),
    LONGHAND_LOG_LEVEL: 'debug',
    LONGHAND_UNDO_SECONDS: '0',
    LONGHAND_QUEUE_PREFIX: prefix,
    REDIS_URL,
    PORT: '0',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl, LONGHAND_SECRET: 'test-secret-test-secret-test-secret-1234' } : {}),
    ...options.env,
  });
  const database: Database = options.databaseUrl ? await openPostgres(options.databaseUrl) : await openMemoryPglite(new Blob([fs.readFileSync(inject('pgliteSnapshot'))]));

  let rt!: Runtime;
  let server: Server | null = null;
  let workers: RunningWorkers | null = null;
  const up = async () => {
    rt = await openRuntime({ queues: true, config, logDestination: sink, database: keepOpen(database), ...(options.clock ? { clock: options.clock } : {}) });
    if (options.workers !== false) {
      workers = await startWorkers(rt.ctx, {
        connection: rt.redis!,
        redis: rt.redis!,
        queues: rt.queues!,
        prefix,
        sweepEveryMs: 2_000,
        ownership: {
          leaseMs: 3_000,
          scanMs: 500,
          sync: { pollMs: options.sync?.pollMs ?? 500, backoff: options.sync?.backoff ?? { baseMs: 100, maxMs: 1_000, authRetryMs: 2_000 } },
        },
      });
    }
    const app = createApp(rt.ctx, {
      sessionSecret: rt.sessionSecret,
      queues: rt.queues!.all,
      queueProblem: rt.queueProblem,
      ...(options.imageNetwork ? { imageNetwork: options.imageNetwork } : {}),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  };
  const down = async () => {
    // Live pages hold their event streams open: end them, or close would wait for them forever.
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await closed;
    await workers?.close();
    workers = null;
    await rt.close();
  };
  await up();
  let token = '';
  if (!options.firstRun) {
    const owner = await createUser(rt.ctx, { email: `owner@${prefix}.test`, name: 'Dana Okafor', role: 'owner', password: 'correct horse battery' });
    token = await createToken(rt.ctx, owner.id, 'tests');
  }
  const t: TestApp = {
    get rt() {
      return rt;
    },
    get url() {
      return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
    },
    get workers() {
      return workers;
    },
    logs,
    token,
    async api(method, path, body, tok = token) {
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async addUser(role, name = `${role[0]!.toUpperCase()}${role.slice(1)} Person`) {
      const email = `${uniqueName(role)}@staff.test`;
      const password = 'a long enough password';
      const user = await createUser(rt.ctx, { email, name, role, password });
      return { user, email, password, token: await createToken(rt.ctx, user.id, 'tests') };
    },
    stop: down,
    restart: up,
    async close() {
      await down();
      await database.close();
      await deleteRedisPrefix(prefix);
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The runtime closes its database on stop; the test keeps it across restarts and closes it at the end. */
function keepOpen(database: Database): Database {
  return { ...database, close: async () => {} };
}

/**
 * The whole app on a mailbox of its own that holds one customer's mail, its SMTP going to a sink, and the
 * draft for that mail already in the queue: where tests of the pages about a draft start.
 */
export async function startWithDraft(
  user: string,
  mail: string | Buffer,
  env: Record<string, string>,
): Promise<{ app: TestApp; sink: SmtpSink; box: TestMailbox; close(): Promise<void> }> {
  const sink = await SmtpSink.start();
  const box = testMailbox(user);
  await box.append(mail);
  const app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, ...env } });
  await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 1, 15_000, 'the draft');
  return {
    app,
    sink,
    box,
    close: async () => {
      await app.close();
      await sink.close();
    },
  };
}

/**
 * Waits until no draft or send job is waiting or running: what the app was asked to do is done, so a test can
 * assert that nothing more happened without waiting an arbitrary while for it not to.
 */
export async function queuesSettled(app: TestApp, timeoutMs = 20_000): Promise<void> {
  const { draft, send } = app.rt.queues!;
  await waitUntil(
    async () => {
      const counts = await Promise.all([draft, send].map((q) => q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children')));
      return counts.every((c) => Object.values(c).every((n) => n === 0));
    },
    timeoutMs,
    'the draft and send queues settled',
  );
}
