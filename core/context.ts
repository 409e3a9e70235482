import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { Preparer } from './intake/preparer.ts';
import type { JobScheduler } from './jobs.ts';
import type { Logger } from './logger.ts';
import type { SecretBox } from './secrets.ts';

/** Everything domain code needs from the outside world, passed in explicitly. */
export interface Ctx {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  secrets: SecretBox;
  jobs: JobScheduler;
  /** Where intake prepares messages: worker threads for large batches, or this thread. */
  preparer: Preparer;
}
