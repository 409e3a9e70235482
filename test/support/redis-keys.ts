import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './dovecot.ts';

export const REDIS_URL = process.env.LONGHAND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes the keys under a prefix of ours: never FLUSHDB on a Redis we share. */
export async function deleteRedisPrefix(prefix: string, url = REDIS_URL): Promise<number> {
  const redis = new Redis(url);
  let deleted = 0;
  try {
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') return deleted;
    }
  } finally {
    redis.disconnect();
  }
}

/** A redis-server of the test's own, for tests that flush or stop it: the machine's Redis is shared. */
export async function privateRedis(): Promise<{ url: string; flushAll(): Promise<void>; down(): Promise<void>; up(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-redis-'));
  const log = fs.openSync(path.join(dir, 'redis.log'), 'a');
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  // Reconnects every 50 ms, so it follows the server through down() and up(); a command waits however
  // long a loaded machine takes to start the server.
  const admin = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
  admin.on('error', () => {});
  const up = async () => {
    // Output to a file: a daemon holding our stdout would keep the test runner waiting.
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', log, log] });
    await admin.ping();
  };
  const down = async () => {
    const exited = child ? new Promise((resolve) => child!.once('exit', resolve)) : Promise.resolve();
    child?.kill('SIGKILL');
    await exited;
    child = null;
  };
  await up();
  return {
    url,
    flushAll: async () => void (await admin.flushall()),
    up,
    down,
    async stop() {
      admin.disconnect();
      await down();
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
