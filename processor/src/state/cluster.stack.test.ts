// The processor's Redis calls on a real Redis Cluster (3 masters): state saved and loaded for sessions on every
// node, scripts loaded on every master after NOSCRIPT, and the liveness claim script single-slot per shard.
import { randomBytes } from 'node:crypto';
import type { ConnectionLostRecord } from '@proctor/contracts';
import { createLogger, LIVENESS_SHARDS, livenessClaimsKey, livenessKey, livenessShard } from '@proctor/contracts';
import { redisScript, runScript, runScriptPipeline } from '@proctor/contracts/redis/scripts';
import { type SmokeCluster, startSmokeCluster } from '@proctor/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startedRecord } from '../../test/events.ts';
import { randomSessionId } from '../../test/workload.ts';
import { createLivenessSweeper } from '../liveness/sweeper.ts';
import { createMetrics } from '../ops/metrics.ts';
import { applyRecord } from '../session/applyRecord.ts';
import { createCheckpointStore } from './sessionCheckpoints.ts';

const prefix = `proc-cluster-${randomBytes(4).toString('hex')}`;
let smoke: SmokeCluster;

beforeAll(async () => {
  smoke = await startSmokeCluster(2, 3);
});
afterAll(() => smoke?.stop());

describe('processor state on a Redis Cluster', () => {
  it('saves and loads the state of sessions spread over every master in one batch', async () => {
    const ids = Array.from({ length: 60 }, randomSessionId);
    const entries = ids.map((id, i) => ({
      sessionId: id,
      state: applyRecord(undefined, startedRecord()).state,
      position: { partition: i % 12, offset: 100 + i },
    }));
    const sizes = await createCheckpointStore(smoke.redis, prefix).save(entries);
    expect(sizes.every((n) => n > 0)).toBe(true);
    const loaded = await createCheckpointStore(smoke.redis, prefix).load(ids);
    ids.forEach((id, i) => {
      expect(loaded.get(id)?.position).toEqual({ partition: i % 12, offset: 100 + i });
      expect(loaded.get(id)?.state?.tenantId).toBe(entries[i]!.state.tenantId);
    });
    // An older position of the same partition never overwrites (SAVE_STATE), on whichever node the key lives.
    const stale = entries.map((e) => ({ ...e, position: { ...e.position, offset: 1 } }));
    await createCheckpointStore(smoke.redis, prefix).save(stale);
    const again = await createCheckpointStore(smoke.redis, prefix).load(ids);
    expect(ids.every((id, i) => again.get(id)?.position?.offset === 100 + i)).toBe(true);
  });

  it('loads a script on every master after NOSCRIPT, then reruns the batch', async () => {
    const fresh = redisScript(`-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCR', KEYS[1])`);
    const keys = Array.from({ length: 30 }, (_, i) => `${prefix}:{k${i}}:n`);
    const out = await runScriptPipeline(
      smoke.redis,
      [fresh],
      keys.map((k) => ['evalsha', fresh.sha, 1, k]),
    );
    expect(out).toEqual(keys.map(() => 1));
    expect(await runScript(smoke.redis, fresh, [keys[0]!], [])).toBe(2);
  });

  it('claims lapses shard by shard, each claim one slot, and releases them once published', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 40 }, randomSessionId);
    for (const id of ids) await smoke.redis.zadd(livenessKey(livenessShard(id), prefix), now - 1000, id);
    const published: ConnectionLostRecord[] = [];
    const sweeper = createLivenessSweeper({
      redis: smoke.redis,
      prefix,
      publish: async (records) => {
        published.push(...records);
      },
      metrics: createMetrics(new Registry()),
      log: createLogger('error'),
      intervalMs: 1000,
      shardsPerTick: LIVENESS_SHARDS,
      limit: 100,
      leaseMs: 30_000,
      now: () => now,
    });
    await sweeper.tick();
    expect(published.map((r) => r.sessionId).sort()).toEqual([...ids].sort());
    expect(published.every((r) => r.deadline === now - 1000)).toBe(true);
    for (let shard = 0; shard < LIVENESS_SHARDS; shard++) {
      expect(await smoke.redis.zcard(livenessKey(shard, prefix))).toBe(0);
      expect(await smoke.redis.zcard(livenessClaimsKey(shard, prefix))).toBe(0);
    }
  });
});
