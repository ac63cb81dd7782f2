// Services every route reads from Astro.locals; built from process-lifetime clients by the middleware.
import { errorContext } from '@proctor/contracts';
import { db, objectStore, redisClient } from './db/clients.ts';
import { env } from './env.ts';
import { createLiveFeed, type LiveFeed } from './live/liveFeed.ts';
import { log } from './log.ts';

export interface Services {
  db: ReturnType<typeof db>;
  redis: ReturnType<typeof redisClient>;
  redisPrefix: string;
  live: LiveFeed;
  /** The thumbnails bucket; undefined when S3 is not configured. */
  objects: ReturnType<typeof objectStore>;
}

let live: LiveFeed | undefined;

export function services(): Services {
  const e = env();
  live ??= createLiveFeed({
    db: db(),
    redis: redisClient(),
    redisPrefix: e.REDIS_KEY_PREFIX,
    refreshMs: e.LIVE_REFRESH_MS,
    onError: (err) => log.error('live_feed_failed', errorContext(err)),
  });
  return { db: db(), redis: redisClient(), redisPrefix: e.REDIS_KEY_PREFIX, live, objects: objectStore() };
}
