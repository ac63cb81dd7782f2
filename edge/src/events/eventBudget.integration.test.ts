// One candidate's event budget at the default settings, in real workerd: the per-session limit counts events (1,200
// a minute), is checked before any other Redis work of the request, the dedupe marks stop at their cap with a 429 of
// their own, and a heartbeat over its limit is refused before anything is produced.
import { randomUUID } from 'node:crypto';
import { EVENT_MARKS_MAX, eventMarkField, sessionStateKey } from '@proctor/contracts';
import { type Candidate, noFaceEvent, startedCandidate } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

const h = useEdgeUnderTest();

/** `n` distinct events with long ids (~110 characters), as a flood would send them. */
const distinct = (n: number) =>
  Array.from({ length: n }, () =>
    noFaceEvent({ eventId: `${randomUUID()}:${'x'.repeat(70)}:${randomUUID().slice(0, 4)}` }),
  );

/** The session's dedupe marks: the `m:` fields of its hash. */
const marksOf = async (c: Candidate) =>
  (await h.redis.hkeys(sessionStateKey(c.sessionId, h.prefix))).filter((f) => f.startsWith('m:')).length;

const lastHeartbeatAt = async (c: Candidate) =>
  Number(await h.redis.hget(sessionStateKey(c.sessionId, h.prefix), 'lastHeartbeatAt'));

describe("one candidate's event budget", () => {
  it('counts events, not batches: of 60 batches of 100 distinct events, the first 12 are accepted', async () => {
    const c = await startedCandidate(h.edge.url);
    const statuses: number[] = [];
    let beforeRefusals = 0;
    for (let i = 0; i < 60; i++) {
      if (i === 12) beforeRefusals = await lastHeartbeatAt(c);
      const res = await c.call('/events/batch', { sessionId: c.sessionId, events: distinct(100) });
      statuses.push(res.status);
      if (res.status === 429) expect(res.json.error.code).toBe('RATE_LIMITED');
    }
    expect(statuses).toEqual([...Array(12).fill(200), ...Array(48).fill(429)]);
    // Refused before any other Redis work: no marks claimed, the session not touched.
    expect(await marksOf(c)).toBe(1200);
    expect(await lastHeartbeatAt(c)).toBe(beforeRefusals);
    const produced = await h.topic.readAll(1201, { key: JSON.stringify(c.sessionId) });
    expect(produced.filter((r) => r.value.kind === 'event')).toHaveLength(1200);
  }, 120_000);

  it('refuses a batch whole with SESSION_EVENT_CAP once the dedupe marks would pass their cap', async () => {
    const c = await startedCandidate(h.edge.url);
    const key = sessionStateKey(c.sessionId, h.prefix);
    // Hours of events already marked, short of the cap by 50 (the hash counts its marks in `mn`).
    const old = Array.from({ length: EVENT_MARKS_MAX - 50 }, (_, i) => `old-${i}`);
    for (let i = 0; i < old.length; i += 5000) {
      await h.redis.hset(key, Object.fromEntries(old.slice(i, i + 5000).map((id) => [eventMarkField(id), 'd'])));
    }
    await h.redis.hset(key, { mn: old.length });
    const over = await c.call('/events/batch', { sessionId: c.sessionId, events: distinct(51) });
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe('SESSION_EVENT_CAP');
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await marksOf(c)).toBe(EVENT_MARKS_MAX - 50);

    const fits = await c.call('/events/batch', { sessionId: c.sessionId, events: distinct(50) });
    expect(fits.json).toMatchObject({ accepted: 50 });
    expect(await marksOf(c)).toBe(EVENT_MARKS_MAX);
    expect((await c.call('/events/batch', { sessionId: c.sessionId, events: distinct(1) })).status).toBe(429);
    // Repeats claim nothing new: still answered as duplicates, never lost.
    const repeat = [noFaceEvent({ eventId: 'old-7' })];
    expect((await c.call('/events/batch', { sessionId: c.sessionId, events: repeat })).json).toMatchObject({
      duplicates: 1,
    });
    expect(await marksOf(c)).toBe(EVENT_MARKS_MAX);
  }, 120_000);

  it('checks a heartbeat against its limit before producing it', async () => {
    const c = await startedCandidate(h.edge.url);
    const beats = () => h.topic.readAll(0, { key: JSON.stringify(c.sessionId), lingerMs: 500 });
    const statuses: number[] = [];
    for (let i = 0; i < 35 && !statuses.includes(429); i++) {
      statuses.push((await c.call('/sessions/heartbeat', { sessionId: c.sessionId })).status);
    }
    expect(statuses.at(-1)).toBe(429);
    const produced = (await beats()).filter((r) => r.value.kind === 'heartbeat').length;
    expect(produced).toBe(statuses.length - 1);
    expect((await c.call('/sessions/heartbeat', { sessionId: c.sessionId })).status).toBe(429);
    expect((await beats()).filter((r) => r.value.kind === 'heartbeat')).toHaveLength(produced);
  });
});
