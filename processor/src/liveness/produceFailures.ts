// Reads the seconds the edge noted its produce path failing (edge/src/kafka/outageNotes.ts), from every edge shard,
// for the sweeper's lapse cutoff (contracts lapseCutoff). One ZRANGE per shard at most once a second; seconds older
// than the horizon are trimmed when a read finds them.
import { errorContext, type Logger, PRODUCE_FAILURES_HORIZON_MS, produceFailuresKey } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';

export type ReadProduceFailures = () => Promise<number[]>;

export interface ProduceFailureReaderOptions {
  shards: readonly RedisClient[];
  prefix: string;
  log: Logger;
  /** How long a read is reused. */
  cacheMs?: number;
  now?: () => number;
}

export function createProduceFailureReader(opts: ProduceFailureReaderOptions): ReadProduceFailures {
  const { prefix, log } = opts;
  const now = opts.now ?? Date.now;
  const cacheMs = opts.cacheMs ?? 1000;
  const shards = [...new Set(opts.shards)];
  const key = produceFailuresKey(prefix);
  // Per shard, its last good read: a shard that cannot be read keeps what it said last (a read failing is no proof
  // that its outage ended), and the others are still read.
  const known = new Map<RedisClient, number[]>();
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<number[]> | undefined;

  async function readShard(redis: RedisClient, oldest: number): Promise<void> {
    try {
      const seconds = (await redis.zrange(key, '0', '-1')).map(Number);
      if (seconds.some((s) => s < oldest)) await redis.zremrangebyscore(key, '-inf', `(${oldest}`);
      known.set(
        redis,
        seconds.filter((s) => s >= oldest),
      );
    } catch (err) {
      log.warn('produce_failures_read_failed', errorContext(err));
    }
  }

  return async () => {
    const at = now();
    if (at - readAt < cacheMs) return [...known.values()].flat();
    reading ??= (async () => {
      const oldest = Math.floor((at - PRODUCE_FAILURES_HORIZON_MS) / 1000);
      await Promise.all(shards.map((r) => readShard(r, oldest)));
      readAt = at;
      return [...known.values()].flat();
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}
