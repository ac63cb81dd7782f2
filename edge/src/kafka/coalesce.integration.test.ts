// Heartbeats and event batches share produce calls in real workerd (the stack's bridge behind a proxy that counts and
// breaks them): many at once cost a few produces, each one is still answered only once its records are acknowledged,
// a failed produce is a 503 to every request in it, and a batch's retry after one is accepted, never a duplicate.
import { kafkaPartition, recordKey } from '@proctor/contracts';
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

let h: EdgeUnderTest;
let kafkaProxy: FaultyProxy;
const PARTITIONS = 3; // createTestTopic's

beforeAll(async () => {
  const stack = await localStackEnv();
  kafkaProxy = await startFaultyProxy(stack.KAFKA_REST_URL as string);
  h = await startEdgeUnderTest({
    env: {
      KAFKA_REST_URL: kafkaProxy.url,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      HEARTBEAT_COALESCE_MS: '100',
      EVENTS_COALESCE_MS: '100',
    },
  });
});
afterAll(async () => {
  if (kafkaProxy) kafkaProxy.mode = 'pass';
  await h?.stop();
  await kafkaProxy?.close();
});

const heartbeat = (c: Candidate) => c.call('/sessions/heartbeat', { sessionId: c.sessionId });
const produces = () => kafkaProxy.requests.filter((path) => path.includes('/topics/')).length;

describe('heartbeats coalesced into shared produces', () => {
  it('answers 40 concurrent heartbeats 200 after a few produces, each record on its session’s partition', async () => {
    const cs = await Promise.all(Array.from({ length: 40 }, () => candidate(h.edge.url)));
    await Promise.all(cs.slice(0, 2).map(heartbeat)); // the isolate is warm
    const before = produces();
    const replies = await Promise.all(cs.map(heartbeat));
    expect(replies.map((r) => r.status)).toEqual(cs.map(() => 200));
    // One produce each without coalescing (40); the 100 ms window gathers them into a few.
    expect(produces() - before).toBeLessThanOrEqual(5);

    const records = (await h.topic.readAll(42)).filter((r) => r.value.kind === 'heartbeat');
    for (const c of cs) {
      const mine = records.filter((r) => r.key === recordKey(c.sessionId));
      expect(mine.length).toBeGreaterThanOrEqual(1);
      for (const r of mine) expect(r.partition).toBe(kafkaPartition(recordKey(c.sessionId), PARTITIONS));
    }
  });

  it('answers every heartbeat of a failed produce 503, none 200', async () => {
    const cs = await Promise.all(Array.from({ length: 10 }, () => candidate(h.edge.url)));
    kafkaProxy.mode = 'error';
    const before = produces();
    const replies = await Promise.all(cs.map(heartbeat));
    kafkaProxy.mode = 'pass';
    expect(replies.map((r) => r.status)).toEqual(cs.map(() => 503));
    expect(replies.map((r) => r.json.error.code)).toEqual(cs.map(() => 'SERVICE_UNAVAILABLE'));
    expect(produces() - before).toBeLessThanOrEqual(2);
  });

  it('answers 20 concurrent batches and heartbeats 200 after a few produces, each batch in order on its partition', async () => {
    const cs = await Promise.all(Array.from({ length: 20 }, () => startedCandidate(h.edge.url)));
    const sent = cs.map((c) => [0, 1, 2].map((i) => noFaceEvent({ eventId: `${c.sessionId.slice(0, 8)}-${i}` })));
    const before = produces();
    const replies = await Promise.all([
      ...cs.map((c, i) => c.call('/events/batch', { sessionId: c.sessionId, events: sent[i] })),
      ...cs.map(heartbeat),
    ]);
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(replies.slice(0, 20).map((r) => r.json.accepted)).toEqual(cs.map(() => 3));
    // One produce per batch and per heartbeat without sharing (40).
    expect(produces() - before).toBeLessThanOrEqual(5);

    const events = (await h.topic.readAll(42 + 20 + 60 + 20)).filter((r) => r.value.kind === 'event');
    for (const [i, c] of cs.entries()) {
      const mine = events.filter((r) => r.key === recordKey(c.sessionId));
      expect(mine.map((r) => (r.value as { event: { eventId: string } }).event.eventId)).toEqual(
        sent[i]!.map((e) => e.eventId),
      );
      for (const r of mine) expect(r.partition).toBe(kafkaPartition(recordKey(c.sessionId), PARTITIONS));
    }
  });

  it('answers every batch of a failed produce 503, and takes its retry as new events, not duplicates', async () => {
    const cs = await Promise.all(Array.from({ length: 6 }, () => startedCandidate(h.edge.url)));
    const sent = cs.map(() => [noFaceEvent()]);
    kafkaProxy.mode = 'error';
    const before = produces();
    const failed = await Promise.all(
      cs.map((c, i) => c.call('/events/batch', { sessionId: c.sessionId, events: sent[i] })),
    );
    kafkaProxy.mode = 'pass';
    expect(failed.map((r) => r.status)).toEqual(cs.map(() => 503));
    expect(produces() - before).toBeLessThanOrEqual(2);
    const retried = await Promise.all(
      cs.map((c, i) => c.call('/events/batch', { sessionId: c.sessionId, events: sent[i] })),
    );
    expect(retried.map((r) => [r.status, r.json.accepted, r.json.duplicates])).toEqual(cs.map(() => [200, 1, 0]));
  });
});
