import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { type Clock, systemClock } from '../core/clock.ts';
import { type Config, loadConfig } from '../core/config.ts';
import type { Ctx } from '../core/context.ts';
import { organizationNameFromDomain } from '../core/customers/addresses.ts';
import { restrictDataFolder } from '../core/db/data-folder.ts';
import { type Database, openPglite, openPostgres } from '../core/db/database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { preparerWithThreads } from '../core/intake/preparer.ts';
import { noJobs } from '../core/jobs.ts';
import { createLogger, type Logger, repeatingFailureLog } from '../core/logger.ts';
import { upsertMailbox } from '../core/mailboxes/mailboxes.ts';
import { createSecretBox, loadSecretKey } from '../core/secrets.ts';
import { createQueues, type Queues, queueScheduler } from '../workers/queues.ts';
import { ensureRedis } from './redis.ts';

export interface Runtime {
  ctx: Ctx;
  database: Database;
  redis: Redis | null;
  queues: Queues | null;
  /** Why the job queue cannot be reached right now, or null when it can (for /healthz and the page banner). */
  queueProblem(): string | null;
  sessionSecret: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Connect Redis and the queues (not needed by migrate, user, token, export). */
  queues: boolean;
  config?: Config;
  clock?: Clock;
  logDestination?: NodeJS.WritableStream;
  /** An open database to use instead of the configured one (tests: an in-memory PGlite). */
  database?: Database;
}

/** The embedded database in a data folder only its owner can read: new files 0600 (umask), old ones fixed, the rest warned about. */
async function openPrivatePglite(dataDir: string, log: Logger): Promise<Database> {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const database = await openPglite(dataDir);
  const problems = restrictDataFolder(dataDir);
  if (problems.length) log.warn({ problems }, `the data folder ${dataDir} should be readable by its owner only (0700, files 0600); fix these by hand`);
  return database;
}

/** Wires the outside world together once, for every command: config, logger, database, secrets, queues. */
export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const log = createLogger(config.logLevel, options.logDestination);
  const database = options.database ?? (config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPrivatePglite(config.dataDir, log));
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) log.info({ applied }, 'database migrated');
    const key = loadSecretKey(config.secret, config.dataDir);
    let redis: Redis | null = null;
    let queueRedis: Redis | null = null;
    let queues: Queues | null = null;
    if (options.queues) {
      await ensureRedis(config.redisUrl, config.dataDir, log);
      const clock = options.clock ?? systemClock;
      const logRepeating = repeatingFailureLog(log, () => clock.now().getTime());
      // Workers wait for Redis as long as it takes; a request adding a job must not: its connection has
      // no offline queue, so while Redis is down the call fails at once and the person is told.
      redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
      queueRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      for (const connection of [redis, queueRedis]) connection.on('error', (err) => logRepeating('redis connection problem', { err: err.message }));
      queues = createQueues(queueRedis, config.queuePrefix, (err) => logRepeating('redis connection problem', { err: err.message }));
      // Redis answered a moment ago (ensureRedis): wait for this connection to be ready, so the first
      // request after start does not meet a connection still saying hello. A few seconds at most.
      const ready = queueRedis;
      await new Promise<void>((resolve) => {
        if (ready.status === 'ready') return resolve();
        const timer = setTimeout(resolve, 10_000);
        ready.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const preparer = preparerWithThreads(config.parseThreads);
    const ctx: Ctx = { db: database.db, config, clock: options.clock ?? systemClock, log, secrets: createSecretBox(key), jobs: queues ? queueScheduler(queues) : noJobs, preparer };
    if (config.mailbox) {
      const domain = config.mailbox.from.split('@')[1]!;
      await upsertMailbox(ctx, { name: organizationNameFromDomain(domain), email: config.mailbox.from, imap: config.mailbox.imap, smtp: config.mailbox.smtp, source: 'env' });
    }
    return {
      ctx,
      database,
      redis,
      queues,
      queueProblem: () => (!queueRedis || queueRedis.status === 'ready' ? null : `Redis at ${new URL(config.redisUrl).host} is not answering (${queueRedis.status})`),
      sessionSecret: createHash('sha256').update(key).update('sessions').digest('hex'),
      close: async () => {
        await preparer.close();
        await queues?.close();
        redis?.disconnect();
        queueRedis?.disconnect();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
