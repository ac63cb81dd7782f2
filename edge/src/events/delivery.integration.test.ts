// /events/batch delivery guarantees against the real stack: every accepted event reaches Kafka exactly once (per
// successful attempt), keyed by session; duplicates are dropped without loss; failures answer 503 and a retry of
// the same batch is then fully accepted; rate limits answer 429 with Retry-After.
import { eventMarkField, sessionStateKey } from '@proctor/contracts';
import {
  type Candidate,
  candidate,
  type EdgeUnderTest,
  type FaultyProxy,
  localStackEnv,
  noFaceEvent,
  startEdgeUnderTest,
  startedCandidate,
  startFaultyProxy,
} from '@proctor/testkit/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Events one session may send per minute in this file's edge. */
const SESSION_EVENTS_PER_MINUTE = 120;
const TENANT_EVENTS_PER_MINUTE = 150;

let h: EdgeUnderTest;
/** Start, heartbeat and end calls per session per minute in this file's edge. */
const CONTROL_PER_MINUTE = 8;
let kafkaProxy: FaultyProxy;
let redisProxy: FaultyProxy;

beforeAll(async () => {
  const stack = await localStackEnv();
  kafkaProxy = await startFaultyProxy(stack.KAFKA_REST_URL as string);
  redisProxy = await startFaultyProxy(stack.UPSTASH_REDIS_REST_URL as string);
  h = await startEdgeUnderTest({
    onLog: process.env.EDGE_TEST_LOGS ? (line) => console.log(line) : undefined,
    env: {
      KAFKA_REST_URL: kafkaProxy.url,
      UPSTASH_REDIS_REST_URL: redisProxy.url,
      RATE_LIMIT_SESSION_EVENTS_PER_MINUTE: String(SESSION_EVENTS_PER_MINUTE),
      RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: String(TENANT_EVENTS_PER_MINUTE),
      RATE_LIMIT_SESSION_CONTROL_PER_MINUTE: String(CONTROL_PER_MINUTE),
    },
  });
});
afterAll(async () => {
  if (kafkaProxy) kafkaProxy.mode = 'pass';
  if (redisProxy) redisProxy.mode = 'pass';
  await h?.stop();
  await kafkaProxy?.close();
  await redisProxy?.close();
});

/** The session's event records in Kafka (its session_started records left out). */
async function eventsInKafka(c: Candidate, expected: number) {
  const records = await h.topic.readAll(expected + 1, { key: JSON.stringify(c.sessionId) });
  return records.filter((r) => r.value.kind === 'event').map((r) => (r.value.event as { eventId: string }).eventId);
}

const countBy = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('exactly once', () => {
  it('produces every accepted event once, drops repeats within a batch and across retries', async () => {
    const c = await startedCandidate(h.edge.url);
    const a = Array.from({ length: 20 }, () => noFaceEvent());
    const b = Array.from({ length: 20 }, () => noFaceEvent());
    const first = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: [...a, a[0], a[1]] });
    expect(first.json).toEqual({ accepted: 20, duplicates: 2, rejected: [] });
    // A retry of a batch that succeeded (the client never saw the answer), with new events mixed in.
    const second = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: [...a.slice(10), ...b] });
    expect(second.json).toEqual({ accepted: 20, duplicates: 10, rejected: [] });
    const third = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: b });
    expect(third.json).toEqual({ accepted: 0, duplicates: 20, rejected: [] });

    const ids = await eventsInKafka(c, 40);
    expect(ids).toHaveLength(40);
    const counts = countBy(ids);
    expect([...a, ...b].every((e) => counts.get(e.eventId) === 1)).toBe(true);
    // Per-session order: batch a before batch b.
    expect(ids.slice(0, 20)).toEqual(a.map((e) => e.eventId));
    expect(await h.redis.hget(sessionStateKey(c.sessionId, h.prefix), eventMarkField(a[0]!.eventId))).toBe('d');
  });

  it('re-produces an event whose mark was left pending by a crashed attempt', async () => {
    const c = await startedCandidate(h.edge.url);
    const e = noFaceEvent();
    await h.redis.hset(sessionStateKey(c.sessionId, h.prefix), { [eventMarkField(e.eventId)]: 'p' });
    const res = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: [e] });
    expect(res.json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await h.redis.hget(sessionStateKey(c.sessionId, h.prefix), eventMarkField(e.eventId))).toBe('d');
    expect(await eventsInKafka(c, 1)).toEqual([e.eventId]);
  });
});

describe('dedupe memory', () => {
  it("keeps the marks small in the session's hash and drops them when the session ends", async () => {
    const c = await startedCandidate(h.edge.url);
    const key = sessionStateKey(c.sessionId, h.prefix);
    const size = () => h.redis.eval('return redis.call("MEMORY", "USAGE", KEYS[1])', [key], []).then(Number);
    const marks = async () => (await h.redis.hkeys(key)).filter((f) => f.startsWith('m:')).length;
    const before = await size();
    const events = Array.from({ length: 50 }, () => noFaceEvent());
    const res = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events });
    expect(res.json.accepted).toBe(50);
    expect(await marks()).toBe(50);
    // The state's JSON values (over 64 bytes) keep this hash out of listpack encoding: a mark costs about 190 bytes
    // here, against about 40 in a hash of its own (README, Upstash commands: the price of one HMGET per batch).
    expect(((await size()) - before) / 50).toBeLessThan(240);

    expect((await c.callRetrying('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
    expect(await marks()).toBe(0);
    expect(await h.redis.hget(key, 'status')).toBe('ended');
  });
});

describe('produce failures', () => {
  type Reply = Awaited<ReturnType<Candidate['call']>>;
  type Batch = { sessionId: string; events: ReturnType<typeof noFaceEvent>[] };
  /**
   * A started session's batch of `size` events, sent while the REST proxy misbehaves as `mode`: answered 503, and
   * `whileFailing` looks at what that left with the proxy still failing. Then the same batch again once the proxy
   * passes, fully accepted.
   */
  async function batchFailsThenIsRetried(
    mode: FaultyProxy['mode'],
    size: number,
    whileFailing: (failed: Reply, sent: { c: Candidate; batch: Batch }) => Promise<void> = async () => {},
  ) {
    const c = await startedCandidate(h.edge.url);
    const batch: Batch = { sessionId: c.sessionId, events: Array.from({ length: size }, () => noFaceEvent()) };
    kafkaProxy.mode = mode;
    try {
      const failed = await c.call('/events/batch', batch);
      expect(failed.status).toBe(503);
      await whileFailing(failed, { c, batch });
    } finally {
      kafkaProxy.mode = 'pass';
    }
    const retried = await c.callRetrying('/events/batch', batch);
    expect(retried.json).toEqual({ accepted: size, duplicates: 0, rejected: [] });
    return { c, batch };
  }

  it('answers 503 when the REST proxy is unreachable, releases its marks, and accepts the same batch after recovery', async () => {
    const { c, batch } = await batchFailsThenIsRetried('refuse', 20, async (failed, sent) => {
      expect(failed.json.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(failed.headers.get('Retry-After'))).toBeGreaterThan(0);
      const marks = await Promise.all(
        sent.batch.events.map((e) =>
          h.redis.hget(sessionStateKey(sent.c.sessionId, h.prefix), eventMarkField(e.eventId)),
        ),
      );
      expect(marks.every((m) => m === null)).toBe(true);
    });
    const counts = countBy(await eventsInKafka(c, 20));
    expect(batch.events.every((e) => counts.get(e.eventId) === 1)).toBe(true);
  });

  it('treats a partial failure (one record with error_code) as a failure of the batch', async () => {
    const { c, batch } = await batchFailsThenIsRetried('partial', 5);
    // At least once: the partial attempt's records were written too, and downstream dedupes by eventId.
    const counts = countBy(await eventsInKafka(c, 10));
    expect(batch.events.every((e) => (counts.get(e.eventId) ?? 0) >= 1)).toBe(true);
  });

  it('answers 503 on a failing session_started produce, and the retried start repairs it', async () => {
    const c = await candidate(h.edge.url);
    kafkaProxy.mode = 'error';
    try {
      expect((await c.call('/sessions/start')).status).toBe(503);
    } finally {
      kafkaProxy.mode = 'pass';
    }
    const retried = await c.callRetrying('/sessions/start');
    expect(retried.status).toBe(200);
    expect(retried.json.resumed).toBe(true);
    const records = await h.topic.readAll(1, { key: JSON.stringify(c.sessionId) });
    expect(records.map((r) => r.value.kind)).toEqual(['session_started']);
  });

  it('answers 503 with Retry-After when Redis is unreachable', async () => {
    const c = await startedCandidate(h.edge.url);
    redisProxy.mode = 'refuse';
    try {
      for (const [path, body] of [
        ['/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()] }],
        ['/sessions/start', {}],
        ['/sessions/end', { sessionId: c.sessionId }],
      ] as const) {
        const res = await c.call(path, body);
        expect(res.status, path).toBe(503);
        expect(res.json.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
      }
      // A heartbeat needs no Redis: the candidate stays live while the session store is out.
      expect((await c.call('/sessions/heartbeat', { sessionId: c.sessionId })).status).toBe(200);
    } finally {
      redisProxy.mode = 'pass';
    }
    expect((await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()] })).status).toBe(
      200,
    );
  });
});

describe('rate limits', () => {
  it('limits events per session with 429 and Retry-After', async () => {
    const c = await startedCandidate(h.edge.url);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<Candidate['call']>> | undefined;
    const events = () => Array.from({ length: 25 }, () => noFaceEvent());
    for (let i = 0; i < 6; i++) {
      const res = await c.call('/events/batch', { sessionId: c.sessionId, events: events() });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    // 4 × 25 = 100 of 120; the fifth batch does not fit whole and is refused, as is every one after it.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(limited?.json.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited?.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Refused events were not produced: only the first batches' events are in Kafka.
    expect(await eventsInKafka(c, 100)).toHaveLength(100);
  });

  it('limits start and end per session, refusing before acting', async () => {
    const c = await startedCandidate(h.edge.url); // one of the budget
    const statuses: number[] = [];
    for (let i = 0; i < CONTROL_PER_MINUTE; i++) statuses.push((await c.call('/sessions/start')).status);
    expect(statuses).toEqual([...Array(CONTROL_PER_MINUTE - 1).fill(200), 429]);
    const end = await c.call('/sessions/end', { sessionId: c.sessionId });
    expect(end.status).toBe(429);
    expect(Number(end.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    // The refused end changed nothing: the session still takes events.
    const batch = await c.call('/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()] });
    expect(batch.status).toBe(200);
  });

  it('limits heartbeats per session on their own, without Redis', async () => {
    const c = await startedCandidate(h.edge.url);
    const statuses: number[] = [];
    for (let i = 0; i < CONTROL_PER_MINUTE + 1; i++) {
      statuses.push((await c.call('/sessions/heartbeat', { sessionId: c.sessionId })).status);
    }
    expect(statuses).toEqual([...Array(CONTROL_PER_MINUTE).fill(200), 429]);
    // Start and end keep their own budget.
    expect((await c.call('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
  });

  it('limits events per tenant across its sessions', async () => {
    const one = await startedCandidate(h.edge.url);
    const two = await startedCandidate(h.edge.url);
    const other = await candidate(h.edge.url, {
      ...two.identity,
      tenant_id: one.identity.tenant_id,
      user_id: 'second',
    });
    expect((await other.callRetrying('/sessions/start')).status).toBe(201);
    const many = (n: number) => Array.from({ length: n }, () => noFaceEvent());
    const twenty = () => many(20);
    expect((await one.callRetrying('/events/batch', { sessionId: one.sessionId, events: many(100) })).status).toBe(200);
    expect((await other.callRetrying('/events/batch', { sessionId: other.sessionId, events: many(40) })).status).toBe(
      200,
    );
    // 140 of 150 used: another 20 from either session of this tenant is over the limit.
    const over = await one.call('/events/batch', { sessionId: one.sessionId, events: twenty() });
    expect(over.status).toBe(429);
    expect(over.json.error.message).toContain('tenant');
    // A different tenant is unaffected.
    expect((await two.callRetrying('/events/batch', { sessionId: two.sessionId, events: twenty() })).status).toBe(200);
  });

  it("charges the tenant only for events past the session's own checks: one session never throttles another", async () => {
    const hammer = await startedCandidate(h.edge.url);
    const tenant = hammer.identity.tenant_id;
    const neighbour = await candidate(h.edge.url, { ...hammer.identity, user_id: `n-${hammer.identity.user_id}` });
    expect((await neighbour.callRetrying('/sessions/start')).status).toBe(201);
    const many = (n: number) => Array.from({ length: n }, () => noFaceEvent());
    // The hammering session spends its own event budget on the same 20 events, sent again and again...
    const repeated = many(20);
    for (let i = 0; i < SESSION_EVENTS_PER_MINUTE / 20; i++) {
      expect((await hammer.call('/events/batch', { sessionId: hammer.sessionId, events: repeated })).status).toBe(200);
    }
    // ...then keeps sending full batches its own limit refuses: 1,000 events that must not count for the tenant.
    for (let i = 0; i < 10; i++) {
      const res = await hammer.call('/events/batch', { sessionId: hammer.sessionId, events: many(100) });
      expect(res.status).toBe(429);
      expect(res.json.error.message).toContain('session');
    }
    // A session of the same tenant that was never started is refused too, and charges nothing either.
    const ghost = await candidate(h.edge.url, { ...hammer.identity, user_id: `g-${hammer.identity.user_id}` });
    for (let i = 0; i < 3; i++) {
      expect((await ghost.call('/events/batch', { sessionId: ghost.sessionId, events: many(30) })).status).toBe(404);
    }
    // 20 of the tenant's 150 are used (repeats are not produced): the neighbour's 100 events are accepted.
    const res = await neighbour.call('/events/batch', { sessionId: neighbour.sessionId, events: many(100) });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(100);
    expect(neighbour.identity.tenant_id).toBe(tenant);
  });
});
