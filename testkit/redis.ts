// Redis helpers for tests: each test owns a random key prefix and removes exactly its keys afterwards.
import type { Redis } from 'ioredis';

/** Deletes every key under a test's random prefix (SCAN, never FLUSH: the machine's Redis is shared). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
