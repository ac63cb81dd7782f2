// Connection-lost detection without full scans: claim a few liveness shards' lapses per tick, publish each as a record.
import {
  type ConnectionLostRecord,
  EXAM_CONFIG_DEFAULTS,
  errorContext,
  KAFKA_SCHEMA_VERSION,
  LIVENESS_SHARDS,
  type Logger,
  lapseCutoff,
  livenessClaimsKey,
  livenessKey,
  livenessWindowMs,
} from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { runScript } from '@proctor/contracts/redis/scripts';
import type { Metrics } from '../ops/metrics.ts';
import { CLAIM_EXPIRED } from '../state/scripts.ts';
import type { ReadProduceFailures } from './produceFailures.ts';

/** Sends records to the events topic and resolves once Kafka acknowledged all of them (acks=all). */
export type PublishRecords = (records: ConnectionLostRecord[]) => Promise<void>;

export interface SweeperOptions {
  redis: RedisClient;
  prefix: string;
  publish: PublishRecords;
  metrics: Metrics;
  log: Logger;
  intervalMs: number;
  shardsPerTick: number;
  limit: number;
  /** How long a claim stays with its sweeper before another may take it (the sweeper died before the ack). */
  leaseMs: number;
  /**
   * The seconds the edge's produce path failed (produceFailures.ts). While and after it failed, heartbeats could not
   * arrive: a lapse is claimed once its session was silent for its window of time the edge could write, plus
   * `outageGraceMs` for the clients to come back (contracts lapseCutoff). Unset: lapses are claimed by the clock.
   */
  produceFailures?: ReadProduceFailures;
  /** The liveness window the outage arithmetic assumes (default: the default exam config's). */
  windowMs?: number;
  /** Default: one default heartbeat interval. */
  outageGraceMs?: number;
  now?: () => number;
}

/** `sessionId:deadline` (a claims member) → the record that reports the lapse. */
function toRecord(claim: string, detectedAt: number): ConnectionLostRecord {
  const sep = claim.lastIndexOf(':');
  return {
    schemaVersion: KAFKA_SCHEMA_VERSION,
    kind: 'connection_lost',
    sessionId: claim.slice(0, sep),
    deadline: Number(claim.slice(sep + 1)),
    detectedAt,
  };
}

export function createLivenessSweeper(opts: SweeperOptions) {
  const { redis, prefix, log, metrics } = opts;
  const now = opts.now ?? Date.now;
  let nextShard = Math.floor(Math.random() * LIVENESS_SHARDS);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /**
   * Claims one shard's lapses (and any claim whose sweeper died), publishes them, then releases the claims.
   * The sweeper writes no alert itself: the consumer is the one writer. Returns how many were claimed.
   */
  async function sweepShard(shard: number, at: number, cutoff = at): Promise<number> {
    const claimsKey = livenessClaimsKey(shard, prefix);
    const keys = [livenessKey(shard, prefix), claimsKey];
    const claims = (await runScript(redis, CLAIM_EXPIRED, keys, [
      at,
      opts.limit,
      at + opts.leaseMs,
      cutoff,
    ])) as string[];
    if (!claims.length) return 0;
    try {
      await opts.publish(claims.map((c) => toRecord(c, at)));
    } catch (err) {
      // Hand the claims to the next tick at once (XX: only claims still held) instead of waiting out the lease.
      const p = redis.pipeline();
      for (const c of claims) p.zadd(claimsKey, 'XX', at, c);
      await p.exec().catch(() => undefined);
      throw err;
    }
    // Released only now that Kafka holds the records: a crash before this line repeats them (same alert ids).
    await redis.zrem(claimsKey, ...claims);
    metrics.sweptSessions.inc(claims.length);
    return claims.length;
  }

  /** The newest deadline claimable at `at`: `at` itself unless the edge noted produce failures lately. */
  async function cutoffAt(at: number): Promise<number> {
    if (!opts.produceFailures) return at;
    const failureSeconds = await opts.produceFailures();
    const cutoff = lapseCutoff({
      now: at,
      windowMs: opts.windowMs ?? livenessWindowMs(EXAM_CONFIG_DEFAULTS),
      graceMs: opts.outageGraceMs ?? EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds * 1000,
      failureSeconds,
    });
    metrics.lapseHoldbackMs.set(at - cutoff);
    return cutoff;
  }

  async function tick(): Promise<void> {
    const at = now();
    const cutoff = await cutoffAt(at);
    for (let i = 0; i < opts.shardsPerTick; i++) {
      const shard = nextShard;
      nextShard = (nextShard + 1) % LIVENESS_SHARDS;
      try {
        // A full shard (claimed == limit) stays next in line for the following tick.
        if ((await sweepShard(shard, at, cutoff)) >= opts.limit) nextShard = shard;
      } catch (err) {
        log.warn('liveness_sweep_failed', { shard, ...errorContext(err) });
      }
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, opts.intervalMs);
  };

  return {
    sweepShard,
    cutoffAt,
    tick,
    start: schedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
