// The edge's Redis shards as the Node services reach them (EDGE_REDIS_URLS): the processor and the dashboard write
// the edge's keys there (erasure's tombstones and session keys, published policies), on the edge's Upstash databases.
import { z } from 'zod';
import { CommaList } from '../env.ts';
import { type Shards, shardList } from '../shards.ts';
import { createRedisClient, type RedisClient, RedisUrl } from './index.ts';

/**
 * EDGE_REDIS_URLS: the Redis URLs (TCP) of the edge's Upstash databases, comma-separated, in the same order as the
 * edge's UPSTASH_REDIS_REST_URL: the order is the shard numbering. Unset or empty: the service's own REDIS_URL is
 * the edge's one store (one database, as before sharding).
 */
export const EdgeRedisUrls = CommaList.pipe(z.array(RedisUrl)).default([]);

/**
 * One client per edge shard; a URL equal to the service's own REDIS_URL reuses its client (`own`), so with the
 * default every edge key goes through the one connection the service already has.
 */
export function createEdgeRedisShards(
  urls: readonly string[],
  own: { url: string; client: RedisClient },
  create: (url: string) => RedisClient = (url) => createRedisClient(url),
): Shards<RedisClient> {
  if (!urls.length) return shardList([own.client]);
  const byUrl = new Map<string, RedisClient>([[own.url, own.client]]);
  return shardList(
    urls.map((url) => {
      const client = byUrl.get(url) ?? create(url);
      byUrl.set(url, client);
      return client;
    }),
  );
}

/** Closes the shards' own clients (not `own`, which its owner closes). */
export async function closeEdgeRedisShards(shards: Shards<RedisClient>, own: RedisClient): Promise<void> {
  await Promise.allSettled([...new Set(shards.all)].filter((c) => c !== own).map((c) => c.quit()));
}
