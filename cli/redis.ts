import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { LonghandError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, bin)));
}

/**
 * Makes sure Redis answers. For a local URL with nothing listening, starts `redis-server` under the data
 * folder when it is installed; otherwise stops with how to get one.
 */
export async function ensureRedis(url: string, dataDir: string, log: Logger): Promise<void> {
  if (await answers(url)) return;
  const u = new URL(url);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (!local || !onPath('redis-server')) {
    throw new LonghandError(
      'redis_unavailable',
      `No Redis answers at ${u.protocol}//${u.host}. Start one (Debian: apt-get install redis-server && redis-server --daemonize yes), or set REDIS_URL to one that runs.`,
    );
  }
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.openSync(path.join(dir, 'redis.log'), 'a');
  // Output to a file: a daemon holding our stdout would keep the caller waiting.
  const child = spawn('redis-server', ['--port', u.port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', out, out],
    detached: true,
  });
  child.unref();
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      log.info({ dir }, 'started redis-server under the data folder');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LonghandError('redis_unavailable', `Started redis-server but it does not answer at ${u.host}; see ${path.join(dir, 'redis.log')}.`);
}
