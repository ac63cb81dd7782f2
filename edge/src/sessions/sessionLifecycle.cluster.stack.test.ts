// The edge's Redis calls on a real Redis Cluster (3 masters) through the Upstash shim: session start and end, the
// batch's admission with its dedupe marks, policy reads and rate limits keep one slot per script. The edge writes no
// liveness shard (the processor keeps liveness on its own Redis), so no script ever reaches beyond a session's slot.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  defaultSessionConfig,
  EXAM_CONFIG_DEFAULTS,
  eventMarkField,
  livenessKey,
  livenessShard,
  sessionStateKey,
} from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { createShim, type Shim } from '@proctor/infra/shim';
import { smokeClusterPort, startRedisCluster, type TestRedisCluster } from '@proctor/testkit';
import { Redis } from '@upstash/redis/cloudflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeEnv } from '../env.ts';
import { admitBatch } from '../events/admitBatch.ts';
import { markDone } from '../events/dedupe.ts';
import { controlWindow, createRateLimits } from '../events/rateLimit.ts';
import { readPolicies } from './policyStore.ts';
import { endSession, startSession } from './sessionLifecycle.ts';

const TOKEN = 'cluster-smoke-token';
const prefix = `edge-cluster-${randomBytes(4).toString('hex')}`;
let cluster: TestRedisCluster;
let shim: Shim;
/** The edge's own client, built as services/redis.ts builds it (auto-pipelined, raw strings). */
let redis: Redis;
/** A direct cluster client, to look at what the edge wrote. */
let direct: RedisClient;

beforeAll(async () => {
  cluster = await startRedisCluster({ basePort: smokeClusterPort(1) });
  shim = createShim({ redisUrl: cluster.url, token: TOKEN });
  await new Promise<void>((resolve) => shim.server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(shim.server.address() as AddressInfo).port}`;
  redis = new Redis({
    url,
    token: TOKEN,
    responseEncoding: false,
    automaticDeserialization: false,
    enableTelemetry: false,
    enableAutoPipelining: true,
  });
  direct = createRedisClient(cluster.url);
});

afterAll(async () => {
  direct?.disconnect();
  await shim?.close();
  await cluster?.stop();
});

const newId = () => randomBytes(32).toString('hex');
const TOMBSTONE_TTL = 3600;
const limitsConfig = {
  REDIS_KEY_PREFIX: prefix,
  UPSTREAM_TIMEOUT_MS: 5000,
  RATE_LIMIT_SESSION_EVENTS_PER_MINUTE: 2,
  RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: 5,
  RATE_LIMIT_SESSION_CONTROL_PER_MINUTE: 2,
} as EdgeEnv;
const generous = {
  ...limitsConfig,
  RATE_LIMIT_SESSION_EVENTS_PER_MINUTE: 1000,
  RATE_LIMIT_SESSION_CONTROL_PER_MINUTE: 1000,
};
/** The session's claims of these events, through the batch's admission script. */
const claim = async (id: string, eventIds: string[], now: number) => {
  const admitted = await admitBatch(
    redis,
    prefix,
    id,
    createRateLimits(() => redis, generous).session(id, 1, now),
    eventIds,
  );
  return admitted.kind === 'checked' ? admitted.marks : admitted;
};
const start = (id: string, now: number, i = 0) =>
  startSession(redis, prefix, id, identity(i), resolved, now, TOMBSTONE_TTL, controlWindow(generous, id, now));
const end = (id: string, now: number) =>
  endSession(redis, prefix, id, 'submitted', TOMBSTONE_TTL, controlWindow(generous, id, now));
const identity = (i = 0) => ({ tenant_id: 't-cluster', exam_schedule_id: 'sched-1', user_id: `u-${i}`, attempt_no: 1 });
const examConfig = { ...EXAM_CONFIG_DEFAULTS };
const resolved = defaultSessionConfig(examConfig);

describe('edge sessions on a Redis Cluster', () => {
  it('refuses a script over two slots, so no session script reaches a liveness shard', async () => {
    const id = newId();
    const twoSlots = redis.eval(
      "redis.call('HSET', KEYS[1], 'status', 'active'); redis.call('ZADD', KEYS[2], 1, ARGV[1]); return 1",
      [sessionStateKey(id, prefix), livenessKey(livenessShard(id), prefix)],
      [id],
    );
    await expect(twoSlots).rejects.toThrow(/CROSSSLOT/);
  });

  it('starts a session, claims and marks its events, and ends it, dropping its marks', async () => {
    const id = newId();
    const now = Date.now();
    expect(await start(id, now)).toMatchObject({ created: true });
    expect(await start(id, now + 1000)).toMatchObject({ created: false, session: { lastHeartbeatAt: now + 1000 } });

    expect(await claim(id, ['e1', 'e2'], now + 5000)).toEqual(['claimed', 'claimed']);
    await markDone(redis, prefix, id, ['e1', 'e2']);
    expect(await claim(id, ['e1', 'e3'], now + 5000)).toEqual(['done', 'claimed']);

    expect(await end(id, now + 6000)).toMatchObject({ session: { status: 'ended', endedAt: now + 6000 } });
    expect(await direct.hexists(sessionStateKey(id, prefix), eventMarkField('e1'))).toBe(0);
    // An ended session takes no events, and a retried start of it changes nothing: its tombstone refuses it.
    expect(await claim(id, ['e4'], now + 7000)).toEqual([]);
    expect(await start(id, now + 8000)).toEqual({ closed: 'ended' });
  });

  it('starts sessions issued in one tick on every master (one pipeline, split per node by the shim)', async () => {
    const ids = Array.from({ length: 40 }, newId);
    const now = Date.now();
    const results = await Promise.all(ids.map((id, i) => start(id, now, i)));
    expect(results.every((r) => 'created' in r && r.created)).toBe(true);
    const slots = new Set(await Promise.all(ids.map((id) => direct.cluster('KEYSLOT', sessionStateKey(id, prefix)))));
    expect(slots.size).toBeGreaterThan(30);
  });

  it('reads policies and counts rate limits in one slot each', async () => {
    expect(await readPolicies(redis, prefix, 't-cluster', 'sched-1', Date.now(), 0)).toEqual({
      tenant: null,
      schedule: null,
    });
    const limits = createRateLimits(() => redis, limitsConfig);
    const id = newId();
    const now = Date.now();
    expect(await start(id, now)).toMatchObject({ created: true });
    // The session's budget runs inside the batch's admission script: two events, then refused before the session check.
    expect(await admitBatch(redis, prefix, id, limits.session(id, 2, now), [])).toMatchObject({ kind: 'checked' });
    expect(await admitBatch(redis, prefix, id, limits.session(id, 1, now), [])).toMatchObject({ kind: 'over_budget' });
    const tenant = `t-${randomBytes(3).toString('hex')}`;
    expect((await limits.tenant(tenant, 4, now)).ok).toBe(true);
    expect((await limits.tenant(tenant, 1, now)).ok).toBe(true);
    expect(await limits.tenant(tenant, 1, now)).toMatchObject({ ok: false });
    const control = () =>
      endSession(redis, prefix, id, 'submitted', TOMBSTONE_TTL, controlWindow(limitsConfig, id, now));
    // The start counted one of the two.
    expect(await control()).toMatchObject({ session: { status: 'ended' } });
    expect(await control()).toMatchObject({ refusedUntil: expect.any(Number) });
  });
});
