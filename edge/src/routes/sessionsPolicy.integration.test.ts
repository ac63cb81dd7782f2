// sessions/start with published tenant policy, on real workerd, the Upstash shim and Redis: claim > schedule >
// tenant > defaults, the body may only tighten, and a policy change applies to sessions started after it.
import { type Policy, schedulePolicyKey, tenantPolicyKey } from '@proctor/contracts';
import { candidate, randomIdentity } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

// Every start reads the published policies (no isolate cache): these tests publish and start within a second.
const h = useEdgeUnderTest({ env: { POLICY_CACHE_SECONDS: '0' } });

/** What the dashboard's publisher writes: the contracts PublishedPolicy under the contracts key. */
async function publish(key: string, version: number, policy: Policy) {
  await h.redis.set(key, JSON.stringify({ version, policy }));
}

const tenantKey = (tenant: string) => tenantPolicyKey(tenant, h.prefix);
const scheduleKey = (tenant: string, schedule = 'sched-1') => schedulePolicyKey(tenant, schedule, h.prefix);

describe('sessions/start resolves the config from the published policy', () => {
  it('refuses a loosening body with EXAM_CONFIG_LOOSENED naming the field, and keeps a tightening one', async () => {
    const id = randomIdentity();
    await publish(tenantKey(id.tenant_id), 1, { thresholds: { maxLookAwaySeconds: 6, multiPersonMinConfidence: 0.7 } });
    const c = await candidate(h.edge.url, id);
    // The hostile candidate of the issue: look away for 10 minutes, count only certain multi-person detections.
    const loose = await c.call('/sessions/start', {
      examConfig: { maxLookAwaySeconds: 600, multiPersonMinConfidence: 1 },
    });
    expect(loose.status).toBe(403);
    expect(loose.json.error).toMatchObject({
      code: 'EXAM_CONFIG_LOOSENED',
      details: { field: 'examConfig.maxLookAwaySeconds', limit: 6, requested: 600 },
    });
    expect(await h.redis.exists(`${h.prefix}:{${c.sessionId}}:session`)).toBe(0);
    const onlyConfidence = await c.call('/sessions/start', { examConfig: { multiPersonMinConfidence: 0.71 } });
    expect(onlyConfidence.json.error.details.field).toBe('examConfig.multiPersonMinConfidence');

    const tight = await c.call('/sessions/start', {
      examConfig: { maxLookAwaySeconds: 3, multiPersonMinConfidence: 0.5 },
    });
    expect(tight.status).toBe(201);
    expect(tight.json.session.examConfig).toMatchObject({ maxLookAwaySeconds: 3, multiPersonMinConfidence: 0.5 });
    expect(tight.json.config).toMatchObject({
      tightenedByBody: ['maxLookAwaySeconds', 'multiPersonMinConfidence'],
      policyVersions: { tenant: 1 },
    });
  });

  it('takes the claim over the schedule over the tenant over the defaults', async () => {
    const id = randomIdentity({ proctoring: { examConfig: { maxLookAwaySeconds: 4 } } });
    await publish(tenantKey(id.tenant_id), 3, {
      thresholds: { maxLookAwaySeconds: 9, noFaceMaxSeconds: 20, multiPersonMinConfidence: 0.6 },
      thumbnails: { enabled: true, types: ['NO_FACE'], maxPerHour: 2 },
    });
    await publish(scheduleKey(id.tenant_id), 7, {
      thresholds: { maxLookAwaySeconds: 8, noFaceMaxSeconds: 15 },
      browserSignals: { enabled: true, requireFullscreen: true },
      accommodations: [{ userId: id.user_id, reason: 'screen reader', thresholds: { noFaceWindowSeconds: 120 } }],
    });
    const res = await (await candidate(h.edge.url, id)).call('/sessions/start');
    expect(res.status).toBe(201);
    expect(res.json.session.examConfig).toMatchObject({
      maxLookAwaySeconds: 4, // claim
      noFaceMaxSeconds: 15, // schedule
      multiPersonMinConfidence: 0.6, // tenant
      heartbeatIntervalSeconds: 15, // default
      noFaceWindowSeconds: 120, // the schedule's accommodation for this user
    });
    expect(res.json.config).toMatchObject({
      accommodation: { source: 'schedule', reason: 'screen reader' },
      thumbnails: { enabled: true, types: ['NO_FACE'], maxPerHour: 2 },
      browserSignals: { enabled: true, requireFullscreen: true },
      policyVersions: { tenant: 3, schedule: 7 },
    });
    // The session_started record carries the accommodation, so the processor stores it for the proctors.
    const sessionId = res.json.session.sessionId as string;
    const [record] = await h.topic.readAll(1, { key: JSON.stringify(sessionId), lingerMs: 0 });
    expect(record?.value).toMatchObject({
      kind: 'session_started',
      session: { accommodation: { reason: 'screen reader' } },
    });
  });

  it('applies a policy change to sessions started after it, not to the ones already running', async () => {
    const tenant = randomIdentity().tenant_id;
    await publish(tenantKey(tenant), 1, { thresholds: { maxLookAwaySeconds: 7 } });
    const before = await candidate(h.edge.url, randomIdentity({ tenant_id: tenant }));
    expect((await before.call('/sessions/start')).json.session.examConfig.maxLookAwaySeconds).toBe(7);

    await publish(tenantKey(tenant), 2, { thresholds: { maxLookAwaySeconds: 3 } });
    const after = await candidate(h.edge.url, randomIdentity({ tenant_id: tenant }));
    const started = await after.call('/sessions/start');
    expect(started.json.session.examConfig.maxLookAwaySeconds).toBe(3);
    expect(started.json.config.policyVersions).toEqual({ tenant: 2 });

    const resumed = await before.call('/sessions/start');
    expect(resumed.status).toBe(200);
    expect(resumed.json.session.examConfig.maxLookAwaySeconds).toBe(7);
    expect(resumed.json.config.policyVersions).toEqual({ tenant: 1 });
  });

  it('answers 503, never a session with half a policy, when a published value is unreadable', async () => {
    const id = randomIdentity();
    await h.redis.set(tenantKey(id.tenant_id), '{"version":1,"policy":{"thresholds":{"bogus":1}}}');
    const res = await (await candidate(h.edge.url, id)).call('/sessions/start');
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
