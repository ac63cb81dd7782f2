// The edge over three Upstash databases, in real workerd over three shims: a session's keys land on the shard its id
// hashes to and a tenant's (its event limit's lease window, its published policies) on its tenant's, for start, batch,
// end and tombstones alike (contracts shardOf); a heartbeat and liveness touch no shard (the processor's own Redis).
import {
  deriveSessionId,
  eventMarkField,
  livenessKey,
  livenessShard,
  sessionStateKey,
  sessionTombstoneKey,
  shardOf,
  tenantPolicyKey,
} from '@proctor/contracts';
import type { DevTokenClaims } from '@proctor/testkit';
import {
  candidate,
  deleteByPrefix,
  type EdgeUnderTest,
  noFaceEvent,
  randomIdentity,
  type ShimShards,
  startEdgeUnderTest,
  startShimShards,
} from '@proctor/testkit/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SHARDS = 3;
const TENANT_EVENTS_PER_MINUTE = 5;
let shards: ShimShards;
let h: EdgeUnderTest;

beforeAll(async () => {
  shards = await startShimShards(SHARDS);
  h = await startEdgeUnderTest({
    env: { ...shards.edgeEnv, RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: String(TENANT_EVENTS_PER_MINUTE) },
  });
});

afterAll(async () => {
  if (h) await Promise.all(shards.clients.map((c) => deleteByPrefix(c, h.prefix)));
  await h?.stop();
  await shards?.stop();
});

/** The shards (indexes) that hold `key`. */
async function holders(key: string): Promise<number[]> {
  const found = await Promise.all(shards.clients.map((c) => c.exists(key)));
  return found.flatMap((n, i) => (n ? [i] : []));
}

/** Keys matching `pattern` per shard. */
async function keysPerShard(pattern: string): Promise<number[]> {
  return Promise.all(shards.clients.map(async (c) => (await c.keys(pattern)).length));
}

/** A random identity whose tenant hashes to `tenantShard` and whose session to `sessionShard`. */
async function identityOn(sessionShard: number, tenantShard: number, tenant?: string): Promise<DevTokenClaims> {
  let tenant_id = tenant ?? randomIdentity().tenant_id;
  while (shardOf({ tenant: tenant_id }, SHARDS) !== tenantShard) tenant_id = randomIdentity().tenant_id;
  for (;;) {
    const id = randomIdentity({ tenant_id });
    if (shardOf({ session: await deriveSessionId(id) }, SHARDS) === sessionShard) return id;
  }
}

describe('the edge over three shards', () => {
  it('keeps each session on its shard and its tenant on the tenant’s, through start, batch, heartbeat and end', async () => {
    for (let s = 0; s < SHARDS; s++) {
      const t = (s + 1) % SHARDS;
      const id = await identityOn(s, t);
      const policy = (version: number, maxLookAwaySeconds: number) =>
        JSON.stringify({ version, policy: { thresholds: { maxLookAwaySeconds } } });
      // The tenant's policy on its shard; a decoy on the session's, which the edge must not read.
      await shards.clients[t]!.set(tenantPolicyKey(id.tenant_id, h.prefix), policy(1, 7));
      await shards.clients[s]!.set(tenantPolicyKey(id.tenant_id, h.prefix), policy(99, 3));
      const c = await candidate(h.edge.url, id);

      const started = await c.callRetrying('/sessions/start');
      expect(started.status).toBe(201);
      expect(started.json.config.policyVersions).toMatchObject({ tenant: 1 });
      expect(started.json.session.examConfig).toMatchObject({ maxLookAwaySeconds: 7 });
      expect(await holders(sessionStateKey(c.sessionId, h.prefix))).toEqual([s]);
      // The edge writes no liveness on any shard: the processor keeps it on its own Redis.
      const liveness = livenessKey(livenessShard(c.sessionId), h.prefix);
      const deadlines = await Promise.all(shards.clients.map((r) => r.zscore(liveness, c.sessionId)));
      expect(deadlines).toEqual([null, null, null]);

      const events = [noFaceEvent(), noFaceEvent()];
      const sent = await c.call('/events/batch', { sessionId: c.sessionId, events });
      expect(sent.status).toBe(200);
      expect(sent.json).toMatchObject({ accepted: 2, duplicates: 0 });
      // The marks are fields of the session's one hash, on its shard.
      const marks = await Promise.all(
        shards.clients.map((r) => r.hget(sessionStateKey(c.sessionId, h.prefix), eventMarkField(events[0]!.eventId))),
      );
      expect(marks).toEqual([0, 1, 2].map((i) => (i === s ? 'd' : null)));
      expect(await keysPerShard(`${h.prefix}:rl:tenant:{${id.tenant_id}}:*`)).toEqual(
        [0, 1, 2].map((i) => (i === t ? 1 : 0)),
      );
      expect(await keysPerShard(`${h.prefix}:*{${c.sessionId}}*`)).toEqual(
        [0, 1, 2].map((i) => (i === s ? expect.any(Number) : 0)),
      );

      const before = await keysPerShard(`${h.prefix}:*`);
      expect((await c.call('/sessions/heartbeat', { sessionId: c.sessionId })).status).toBe(200);
      expect(await keysPerShard(`${h.prefix}:*`)).toEqual(before);
      expect((await c.call('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
      const tombstone = sessionTombstoneKey(c.sessionId, h.prefix);
      expect(await holders(tombstone)).toEqual([s]);
      expect(await shards.clients[s]!.get(tombstone)).toBe('ended');
    }
  });

  it('reads a session’s tombstone on its own shard only: erased there refuses its start, elsewhere is not seen', async () => {
    const erased = await candidate(h.edge.url, await identityOn(2, 0));
    await shards.clients[2]!.set(sessionTombstoneKey(erased.sessionId, h.prefix), 'erased', { ex: 3600 });
    const refused = await erased.call('/sessions/start');
    expect(refused.status).toBe(410);
    expect(refused.json.error.code).toBe('SESSION_ERASED');
    expect(await holders(sessionStateKey(erased.sessionId, h.prefix))).toEqual([]);

    const other = await candidate(h.edge.url, await identityOn(1, 0));
    await shards.clients[0]!.set(sessionTombstoneKey(other.sessionId, h.prefix), 'erased', { ex: 3600 });
    expect((await other.callRetrying('/sessions/start')).status).toBe(201);
    expect(await holders(sessionStateKey(other.sessionId, h.prefix))).toEqual([1]);
  });

  it('holds one tenant limit for sessions on different shards (its window is on the tenant’s shard)', async () => {
    const first = await identityOn(0, 2);
    const second = await identityOn(1, 2, first.tenant_id);
    const a = await candidate(h.edge.url, first);
    const b = await candidate(h.edge.url, second);
    for (const c of [a, b]) expect((await c.callRetrying('/sessions/start')).status).toBe(201);
    const three = () => [noFaceEvent(), noFaceEvent(), noFaceEvent()];
    expect((await a.call('/events/batch', { sessionId: a.sessionId, events: three() })).status).toBe(200);
    const over = await b.call('/events/batch', { sessionId: b.sessionId, events: three() });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe('RATE_LIMITED');
    expect(over.json.error.message).toMatch(/tenant/);
  });
});
