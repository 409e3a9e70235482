import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { type Clock, ManualClock } from '../../core/clock.ts';
import { type Config, loadConfig } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { openMemoryPglite } from '../../core/db/database.ts';
import { inThisThread } from '../../core/intake/preparer.ts';
import { type JobScheduler, noJobs } from '../../core/jobs.ts';
import { createLogger } from '../../core/logger.ts';
import { createSecretBox } from '../../core/secrets.ts';

export interface TestCtx extends Ctx {
  clock: Clock;
  logs: string[];
  close(): Promise<void>;
}

/** A fresh migrated PGlite (from the run's snapshot), a captured log, and a clock the test controls. */
export async function testContext(options: { env?: NodeJS.ProcessEnv; clock?: Clock; jobs?: JobScheduler } = {}): Promise<TestCtx> {
  const snapshot = new Blob([fs.readFileSync(inject('pgliteSnapshot'))]);
  const database = await openMemoryPglite(snapshot);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config: Config = loadConfig({ LONGHAND_DATA_DIR: '/tmp/longhand-test-unused', LONGHAND_LOG_LEVEL: 'debug', LONGHAND_UNDO_SECONDS: '0', ...options.env });
  return {
    db: database.db,
    config,
    clock: options.clock ?? new ManualClock(),
    log: createLogger('debug', sink),
    secrets: createSecretBox(randomBytes(32)),
    jobs: options.jobs ?? noJobs,
    preparer: inThisThread,
    logs,
    close: () => database.close(),
  };
}
