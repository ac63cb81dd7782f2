// The liveness sweep against real Redis and MariaDB: claims expired sessions once, alerts once, leaves the rest.
import { LIVENESS_SHARDS, livenessKey, livenessShard } from '@proctor/contracts';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../ops/log.ts';
import { createMetrics } from '../ops/metrics.ts';
import { applyRecord } from '../rules/session.ts';
import { createMysqlPool, createMysqlSink } from '../sinks/mysqlSink.ts';
import { createSessionStore } from '../state/sessionStore.ts';
import { startedRecord } from '../testing/events.ts';
import { type TestEnv, testEnv } from '../testing/stack.ts';
import { randomSessionId } from '../testing/workload.ts';
import { createLivenessSweeper } from './sweeper.ts';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

/** A session id whose liveness shard is `shard`. */
function idInShard(shard: number): string {
  for (;;) {
    const id = randomSessionId();
    if (livenessShard(id) === shard) return id;
  }
}

describe('liveness sweep', () => {
  it('claims each expired session once across two sweepers and writes one connection-lost alert', async () => {
    env = await testEnv(1);
    const pool = createMysqlPool(env.db.url, 2);
    const store = createSessionStore(env.redis, env.prefix);
    const shard = 7;
    const [known, alive, unknown] = [idInShard(shard), idInShard(shard), idInShard(shard)];
    const start = startedRecord(undefined, known, 'tenant-sweep');
    await store.save([
      { sessionId: known, state: applyRecord(undefined, start).state, position: { partition: 0, offset: 0 } },
    ]);
    const now = Date.now();
    const key = livenessKey(shard, env.prefix);
    await env.redis.zadd(key, now - 5000, known);
    await env.redis.zadd(key, now + 60_000, alive);
    await env.redis.zadd(key, now - 1000, unknown);

    const make = () =>
      createLivenessSweeper({
        redis: env!.redis,
        prefix: env!.prefix,
        mysql: createMysqlSink(pool),
        metrics: createMetrics(new Registry()),
        log: createLogger('error'),
        intervalMs: 1000,
        shardsPerTick: LIVENESS_SHARDS,
        limit: 100,
        now: () => now,
      });
    const claimed = await Promise.all([make().sweepShard(shard, now), make().sweepShard(shard, now)]);
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(2); // known + unknown, each by exactly one sweeper
    expect(await env.redis.zrange(key, '0', '-1')).toEqual([alive]);

    const [alerts] = await env.db.pool.query('SELECT session_id, rule, tenant_id, window_end FROM alerts');
    expect(alerts).toEqual([
      { session_id: known, rule: 'connection_lost', tenant_id: 'tenant-sweep', window_end: new Date(now - 5000) },
    ]);
    const [snaps] = await env.db.pool.query('SELECT score, contributions FROM risk_snapshots');
    expect(snaps).toEqual([{ score: '25.00', contributions: [{ rule: 'connection_lost', points: 25 }] }]);
    // The consumer sees the lapse beside the state and folds it into risk once.
    expect((await store.load([known])).get(known)!.connectionLost).toEqual([now - 5000]);
    await pool.end();
  });
});
