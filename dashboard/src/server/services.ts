// Services every route reads from Astro.locals; built from process-lifetime clients by the middleware.
import { errorContext, type Shards } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { createStreamLeases, type StreamLeases } from './auth/streamLeases.ts';
import { db, edgeRedis, objectStore, redisClient } from './db/clients.ts';
import { env } from './env.ts';
import { createLiveFeed, type LiveFeed } from './live/liveFeed.ts';
import { log } from './log.ts';

export interface Services {
  db: ReturnType<typeof db>;
  redis: ReturnType<typeof redisClient>;
  /** The edge's databases: `edge.tenant(id)` is where a tenant's policies are published (presence is on `redis`). */
  edge: Shards<RedisClient>;
  redisPrefix: string;
  live: LiveFeed;
  /** The open SSE streams' leases, renewed together once per SESSION_CHECK_MS. */
  streamLeases: StreamLeases;
  /** The thumbnails bucket; undefined when S3 is not configured. */
  objects: ReturnType<typeof objectStore>;
}

let live: LiveFeed | undefined;
let streamLeases: StreamLeases | undefined;

export function services(): Services {
  const e = env();
  live ??= createLiveFeed({
    db: db(),
    redis: redisClient(),
    redisPrefix: e.REDIS_KEY_PREFIX,
    refreshMs: e.LIVE_REFRESH_MS,
    listMs: e.LIVE_LIST_MS,
    onError: (err) => log.error('live_feed_failed', errorContext(err)),
  });
  // A lease outlives three missed renewals: a slow Redis round trip never frees a running stream's place.
  streamLeases ??= createStreamLeases(redisClient(), e.REDIS_KEY_PREFIX, {
    cap: e.MAX_STREAMS_PER_PROCTOR,
    intervalMs: e.SESSION_CHECK_MS,
    leaseMs: e.SESSION_CHECK_MS * 3,
  });
  return {
    db: db(),
    redis: redisClient(),
    edge: edgeRedis(),
    redisPrefix: e.REDIS_KEY_PREFIX,
    live,
    streamLeases,
    objects: objectStore(),
  };
}
