// The dashboard over three edge shards (EDGE_REDIS_URLS): a saved policy is published on its tenant's shard; presence
// (the processor's liveness) and login sessions stay on REDIS_URL, whatever the edge shards hold.
import { livenessKey, livenessShard, PublishedPolicy, shardOf, tenantPolicyKey } from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { dropPrefix } from '@proctor/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { rand, useTestDashboard } from './testDashboard.ts';

const SHARDS = 3;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const shardUrls = Array.from({ length: SHARDS }, (_, i) => {
  const url = new URL(REDIS_URL);
  url.pathname = `/${i + 1}`;
  return url.toString();
});
const shards: RedisClient[] = shardUrls.map((url) => createRedisClient(url));
const dash = useTestDashboard('shards', { env: { EDGE_REDIS_URLS: shardUrls.join(',') } });

afterAll(async () => {
  for (const r of shards) {
    await dropPrefix(r, dash.prefix);
    r.disconnect();
  }
});

async function call(tenant: string, method: string, path: string, body?: unknown) {
  const token = await dash.issuer.proctor(tenant, 'admin-1', 'admin');
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${dash.app.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

describe('the dashboard over three edge shards', () => {
  it('publishes each tenant’s policy on the tenant’s shard only', async () => {
    const seen = new Set<number>();
    while (seen.size < SHARDS) {
      const tenant = `tenant-s-${rand(3)}`;
      const t = shardOf({ tenant }, SHARDS);
      if (seen.has(t)) continue;
      seen.add(t);
      const saved = await call(tenant, 'POST', '/api/admin/policy', {
        policy: { thresholds: { maxLookAwaySeconds: 5 } },
        expectedVersion: 0,
      });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.json()).toEqual({ version: 1, published: true });
      const key = tenantPolicyKey(tenant, dash.prefix);
      const values = await Promise.all(shards.map((r) => r.get(key)));
      expect(values.map((v) => v !== null)).toEqual([0, 1, 2].map((s) => s === t));
      expect(PublishedPolicy.parse(JSON.parse(values[t]!)).version).toBe(1);
      expect(await dash.redis.exists(key)).toBe(0);
    }
  });

  it('reads a session’s presence from REDIS_URL (the processor’s liveness), never from an edge shard', async () => {
    const tenant = `tenant-p-${rand(3)}`;
    const sessionId = await dash.seedSession({ tenantId: tenant, scheduleId: 'exam-p', userId: 'cand-1', risk: 10 });
    const presence = async () => (await call(tenant, 'GET', `/api/sessions/${sessionId}`)).json().session.presence;
    expect(await presence()).toBe('unknown');
    // A deadline on the session's edge shard (where the old design kept liveness) is not its liveness.
    const s = shardOf({ session: sessionId }, SHARDS);
    const key = livenessKey(livenessShard(sessionId), dash.prefix);
    await shards[s]!.zadd(key, Date.now() + 60_000, sessionId);
    expect(await presence()).toBe('unknown');
    await dash.redis.zadd(key, Date.now() + 60_000, sessionId);
    expect(await presence()).toBe('online');
    await dash.redis.zrem(key, sessionId);
  });
});
