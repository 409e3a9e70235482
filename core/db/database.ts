import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DatabaseLockedError } from '../errors.ts';
import { pgliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

export type Db = Kysely<DB>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

// Timestamps come back as Date from both engines; int8 (counts) as numbers, which fit our sizes.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ends (a restart, a failover, a dropped database) is discarded by the pool and
  // replaced on the next query; without a listener its 'error' event would crash the whole process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

const BYTEA = 17;
/**
 * Bytes in and out of PGlite through Node's own hex codec: PGlite's default one takes seconds per megabyte,
 * which a reply's attachments (and its copy, and its sent source) would pay several times over.
 */
const PGLITE_TYPES = {
  serializers: { [BYTEA]: (v: Uint8Array | string) => (typeof v === 'string' ? v : `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`) },
  parsers: { [BYTEA]: (v: string) => Buffer.from(v.slice(2), 'hex') },
};

const contention = new WeakMap<Db, () => number>();

/**
 * How long ago a query last had to wait for the database: the embedded one has a single connection, so a long
 * write holds up pages and sends; PostgreSQL's pool does not (Infinity).
 */
export function sinceContended(db: Db): number {
  return contention.get(db)?.() ?? Number.POSITIVE_INFINITY;
}

/** Kysely over a PGlite client, with its contention known to `sinceContended`. */
function pgliteKysely(client: PGlite): Kysely<DB> {
  const dialect = pgliteDialect(client);
  const db = new Kysely<DB>({ dialect });
  contention.set(db, dialect.sinceContended);
  return db;
}

/**
 * The embedded database's memory: PGlite's WebAssembly heap grows to hold its shared buffers and never gives
 * memory back, so they are kept small; the operating system's file cache serves reads beyond them.
 */
const PGLITE_MEMORY = ['-c', 'shared_buffers=16MB', '-c', 'wal_buffers=1MB', '-c', 'temp_buffers=2MB', '-c', 'maintenance_work_mem=16MB'];

/**
 * A new data folder, made in a child process: initdb inside PGlite leaves the process that ran it some 500 MiB
 * larger for good, and a child gives that memory back when it exits.
 */
async function createDataDir(dir: string): Promise<void> {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = 'const { PGlite } = await import(process.argv[1]); const db = await PGlite.create(process.argv[2]); await db.close();';
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, pglite, dir]);
}

/**
 * The embedded database: PGlite in `dataDir/pglite`. A lock file with our pid keeps a second
 * process out, because two processes on one PGlite folder corrupt it.
 */
export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<Database> {
  const dir = path.join(dataDir, 'pglite');
  fs.mkdirSync(dataDir, { recursive: true });
  const releaseLock = takeLock(path.join(dataDir, 'pglite.lock'), dir);
  try {
    if (!options.loadDataDir && !fs.existsSync(path.join(dir, 'PG_VERSION'))) await createDataDir(dir);
    const client = await PGlite.create(dir, {
      ...PGLITE_TYPES,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY],
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const db = pgliteKysely(client);
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await db.destroy();
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

/** An in-memory PGlite, for tests and benchmarks (optionally from a saved snapshot). */
export async function openMemoryPglite(loadDataDir?: Blob): Promise<Database & { client: PGlite }> {
  const client = await PGlite.create({ ...PGLITE_TYPES, ...(loadDataDir ? { loadDataDir } : {}) });
  const db = pgliteKysely(client);
  return { db, client, kind: 'pglite', close: () => db.destroy() };
}

function takeLock(file: string, dir: string): () => void {
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) throw new DatabaseLockedError(dir, pid);
      // A lock left by a process that died: take it over.
      fs.rmSync(file, { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** 'ok' when the database answers a trivial query, else what went wrong, in words for /healthz. */
export async function databaseHealth(db: Kysely<DB>): Promise<string> {
  return sql`select 1`.execute(db).then(
    () => 'ok',
    (err: Error) => `not answering: ${err.message}`,
  );
}
