// Redis helpers for tests: each test owns a random key prefix and removes exactly its keys afterwards.
import { execEach, type RedisClient, scanKeys } from '@proctor/contracts/redis';

/**
 * Deletes every key under a test's random prefix (SCAN, never FLUSH: the machine's Redis is shared). On a Redis
 * Cluster it scans every master and deletes key by key (one DEL may not span slots).
 */
export async function dropPrefix(redis: RedisClient, prefix: string): Promise<void> {
  for await (const keys of scanKeys(redis, `${prefix}:*`)) {
    const failed = (
      await execEach(
        redis,
        keys.map((k) => ['del', k]),
      )
    ).find(([err]) => err);
    if (failed) throw failed[0];
  }
}
