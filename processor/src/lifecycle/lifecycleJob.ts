// The data-lifecycle job: pending erasures first, then one bounded retention pass, every interval.

import { errorContext, type Logger, type Shards } from '@proctor/contracts';
import type { ObjectStore } from '@proctor/contracts/objects';
import type { RedisClient } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import { runPendingErasures } from './erasure.ts';
import { runRetention } from './retention.ts';

export interface LifecycleOptions {
  pool: Pool;
  redis: RedisClient;
  /** The edge's shards, where erasure writes tombstones and deletes the edge's keys (default: `redis` alone). */
  edge?: Shards<RedisClient>;
  prefix: string;
  log: Logger;
  intervalMs: number;
  /** The thumbnails bucket; absent when no object storage is configured (thumbnails cannot exist then). */
  objects?: ObjectStore | undefined;
  now?: () => number;
}

export function createLifecycleJob(opts: LifecycleOptions) {
  const now = opts.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function tick(): Promise<void> {
    for (const e of await runPendingErasures(opts.pool, opts.redis, opts.prefix, 10, opts.objects, opts.edge)) {
      opts.log.info('erasure_completed', { requestId: e.requestId, tenantId: e.tenantId, ...e.counts });
    }
    const r = await runRetention(opts.pool, now(), 20, opts.objects);
    if (r.sessions) opts.log.info('retention_deleted', { ...r });
  }

  function schedule() {
    timer = setTimeout(() => {
      running = tick()
        // A failed pass is retried next interval: every step is safe to repeat.
        .catch((err) => opts.log.warn('lifecycle_failed', errorContext(err)))
        .finally(() => {
          running = undefined;
          if (timer) schedule();
        });
    }, opts.intervalMs);
    timer.unref();
  }

  return {
    tick,
    start: schedule,
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
