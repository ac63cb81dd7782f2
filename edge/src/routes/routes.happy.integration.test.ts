// Happy paths through real workerd, the Upstash shim and the Kafka REST bridge: a session's whole life.
import { livenessKey, livenessShard, SESSION_STATE_TTL_SECONDS, sessionStateKey, sleep } from '@proctor/contracts';
import { candidate, type Loose, noFaceEvent, randomIdentity } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

const h = useEdgeUnderTest();

const liveness = (sessionId: string) => h.redis.zscore(livenessKey(livenessShard(sessionId), h.prefix), sessionId);

describe('public routes', () => {
  it('answers /healthz without a token', async () => {
    const res = await fetch(`${h.edge.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document built from the contracts', async () => {
    const doc = (await (await fetch(`${h.edge.url}/openapi.json`)).json()) as Loose;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/events/batch',
        '/healthz',
        '/openapi.json',
        '/sessions/end',
        '/sessions/heartbeat',
        '/sessions/start',
        '/thumbnails',
      ].sort(),
    );
    const batch = doc.paths['/events/batch'].post;
    expect(batch.security).toEqual([{ examToken: [] }]);
    const events = batch.requestBody.content['application/json'].schema.properties.events;
    expect(events.maxItems).toBe(100);
    expect(events.items.$ref).toBe('#/components/schemas/AnomalyEvent');
    expect(JSON.stringify(doc.components.schemas.AnomalyEvent)).toContain('LOOK_AWAY');
    expect(batch.responses['429'].description).toContain('RATE_LIMITED');
  });
});

describe('browser access (CORS)', () => {
  it('answers a preflight from an exam page on another origin', async () => {
    const res = await fetch(`${h.edge.url}/events/batch`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://exam.example.edu',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('exposes Retry-After to scripts on error responses', async () => {
    const res = await fetch(`${h.edge.url}/sessions/heartbeat`, {
      method: 'POST',
      headers: { origin: 'https://exam.example.edu', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
  });
});

describe('session lifecycle', () => {
  it('starts, resumes, heartbeats, takes events, survives a token refresh and ends', async () => {
    // The accommodation is signed by the platform (a body may not grant one); the body may still tighten.
    const c = await candidate(h.edge.url, {
      ...randomIdentity(),
      proctoring: {
        accommodations: { reason: 'extra time', overrides: { maxLookAwaySeconds: 9, connectionLostAfterIntervals: 4 } },
      },
    });
    const started = await c.call('/sessions/start', { examConfig: { noFaceMaxSeconds: 8 } });
    expect(started.status).toBe(201);
    expect(started.json.resumed).toBe(false);
    const session = started.json.session;
    expect(session).toMatchObject({
      sessionId: c.sessionId,
      tenantId: c.identity.tenant_id,
      userId: c.identity.user_id,
      status: 'active',
      examConfig: {
        maxLookAwaySeconds: 9,
        connectionLostAfterIntervals: 4,
        heartbeatIntervalSeconds: 15,
        noFaceMaxSeconds: 8,
      },
    });
    expect(started.json.config).toMatchObject({
      accommodation: { source: 'claim', reason: 'extra time' },
      thumbnails: { enabled: false },
      browserSignals: { enabled: false },
      tightenedByBody: ['noFaceMaxSeconds'],
    });

    // State in Redis with a TTL and its liveness window (4 intervals x 15 s) for the processor's records; no liveness
    // shard at the edge: the processor keeps liveness on its own Redis.
    const key = sessionStateKey(c.sessionId, h.prefix);
    expect(await h.redis.hget(key, 'status')).toBe('active');
    expect(await h.redis.hget(key, 'livenessWindowMs')).toBe(String(4 * 15 * 1000));
    const ttl = await h.redis.ttl(key);
    expect(ttl).toBeGreaterThan(SESSION_STATE_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(SESSION_STATE_TTL_SECONDS);
    expect(await liveness(c.sessionId)).toBeNull();

    const again = await c.call('/sessions/start', { examConfig: { maxLookAwaySeconds: 2 } });
    expect(again.json.config).toEqual(started.json.config);
    expect(again.status).toBe(200);
    expect(again.json.resumed).toBe(true);
    expect(again.json.session.startedAt).toBe(session.startedAt);
    expect(again.json.session.examConfig.maxLookAwaySeconds).toBe(9);

    // A heartbeat is a record in Kafka (below), and touches nothing in Redis.
    const seen = await h.redis.hget(key, 'lastHeartbeatAt');
    await sleep(20);
    const beat = await c.call('/sessions/heartbeat', { sessionId: c.sessionId });
    expect(beat.status).toBe(200);
    expect(beat.json).toMatchObject({ sessionId: c.sessionId, nextInSeconds: 15 });
    expect(await h.redis.hget(key, 'lastHeartbeatAt')).toBe(seen);
    expect(await liveness(c.sessionId)).toBeNull();

    const events = [
      noFaceEvent(),
      noFaceEvent({ type: 'LOOK_AWAY', details: { durationMillis: 1200, direction: 'LEFT' } } as Loose),
    ];
    const sent = await c.call('/events/batch', { sessionId: c.sessionId, events });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ accepted: 2, duplicates: 0, rejected: [] });

    // A refreshed token (new exp, same four claims) continues the same session.
    const refreshed = await candidate(h.edge.url, c.identity, { expSeconds: 7200 });
    expect(refreshed.token).not.toBe(c.token);
    const more = await refreshed.call('/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()] });
    expect(more.json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });

    const ended = await refreshed.call('/sessions/end', { sessionId: c.sessionId, reason: 'submitted' });
    expect(ended.status).toBe(200);
    expect(ended.json.session).toMatchObject({ status: 'ended', sessionId: c.sessionId });
    const endedAgain = await c.call('/sessions/end', { sessionId: c.sessionId });
    expect(endedAgain.status).toBe(200);
    expect(endedAgain.json.session.endedAt).toBe(ended.json.session.endedAt);

    // Kafka: one session_started per start call, the heartbeat, the three events, two session_ended (same endedAt),
    // all keyed by the session and therefore on one partition, in order.
    const records = await h.topic.readAll(8);
    expect(records).toHaveLength(8);
    expect(new Set(records.map((r) => r.key))).toEqual(new Set([JSON.stringify(c.sessionId)]));
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    const kinds = records.sort((a, b) => Number(a.offset) - Number(b.offset)).map((r) => r.value.kind);
    expect(kinds).toEqual([
      'session_started',
      'session_started',
      'heartbeat',
      'event',
      'event',
      'event',
      'session_ended',
      'session_ended',
    ]);
    const first = records[0]?.value as Loose;
    expect(first).toMatchObject({ schemaVersion: 1, tenantId: c.identity.tenant_id, sessionId: c.sessionId });
    expect(first.session.examConfig.maxLookAwaySeconds).toBe(9);
    const eventIds = records.filter((r) => r.value.kind === 'event').map((r) => (r.value.event as Loose).eventId);
    expect(eventIds.slice(0, 2)).toEqual(events.map((e) => e.eventId));
    const ends = records.filter((r) => r.value.kind === 'session_ended').map((r) => r.value.endedAt);
    expect(ends).toEqual([ended.json.session.endedAt, ended.json.session.endedAt]);
  });

  it('logs one line per batch request: the http_request line carries the batch outcome', async () => {
    const c = await candidate(h.edge.url);
    expect((await c.callRetrying('/sessions/start')).status).toBe(201);
    const requestId = `log-test-${crypto.randomUUID()}`;
    const e = noFaceEvent();
    const res = await c.call(
      '/events/batch',
      { sessionId: c.sessionId, events: [e, e] },
      { 'X-Request-Id': requestId },
    );
    expect(res.status).toBe(200);
    await expect.poll(() => h.edge.logs.filter((l) => l.includes(requestId)).length).toBeGreaterThan(0);
    const lines = h.edge.logs.filter((l) => l.includes(requestId)).map((l) => JSON.parse(l) as Loose);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'http_request',
      path: '/events/batch',
      status: 200,
      sessionId: c.sessionId,
      accepted: 1,
      duplicates: 1,
      rejected: 0,
    });
  });

  it('gives each tenant its own session for the same user, schedule and attempt', async () => {
    const identity = randomIdentity();
    const a = await candidate(h.edge.url, identity);
    const b = await candidate(h.edge.url, { ...identity, tenant_id: `${identity.tenant_id}-other` });
    const [ra, rb] = [await a.call('/sessions/start'), await b.call('/sessions/start')];
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(ra.json.session.sessionId).not.toBe(rb.json.session.sessionId);
    expect(rb.json.session.tenantId).toBe(b.identity.tenant_id);
  });
});
