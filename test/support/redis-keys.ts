import { spawn } from 'node:child_process';
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
export async function privateRedis(): Promise<{ url: string; flushAll(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-redis-'));
  const log = fs.openSync(path.join(dir, 'redis.log'), 'a');
  // Output to a file: a daemon holding our stdout would keep the test runner waiting.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', log, log] });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 50) });
  admin.on('error', () => {});
  await admin.ping();
  return {
    url,
    flushAll: async () => void (await admin.flushall()),
    async stop() {
      admin.disconnect();
      child.kill('SIGKILL');
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
