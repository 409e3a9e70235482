import { Redis } from 'ioredis';

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
