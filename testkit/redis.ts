// Redis helpers for tests: each test owns a random key prefix and removes exactly its keys afterwards.
import { createRedisClient, execEach, isCluster, type RedisClient, scanKeys } from '@proctor/contracts/redis';

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

/**
 * The commands clients send that name `prefix` (a test's random key prefix), read from the server's MONITOR feed:
 * what a piece of code costs Redis, counted by Redis. Commands a script runs inside itself are left out (they are
 * not sent). One Redis only: MONITOR sees one server.
 */
export async function watchCommands(url: string, prefix: string) {
  const client = createRedisClient(url);
  if (isCluster(client)) throw new Error('watchCommands needs one Redis, not a cluster');
  const monitor = await client.monitor();
  let seen: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.includes(prefix))) seen.push(args);
  });
  return {
    /** The commands seen since the last take (the feed lags its commands by a moment: wait before taking). */
    take(): string[][] {
      const out = seen;
      seen = [];
      return out;
    },
    stop() {
      monitor.disconnect();
      client.disconnect();
    },
  };
}
