// Heartbeats share produce calls in real workerd (the stack's bridge behind a proxy that counts and breaks them):
// many at once cost a few produces, each one is still answered only once its record is acknowledged, and a failed
// produce is a 503 to every heartbeat in it.
import { kafkaPartition, recordKey } from '@proctor/contracts';
import {
  type Candidate,
  candidate,
  type EdgeUnderTest,
  type FaultyProxy,
  localStackEnv,
  startEdgeUnderTest,
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
    env: { KAFKA_REST_URL: kafkaProxy.url, KAFKA_TOPIC_PARTITIONS: String(PARTITIONS), HEARTBEAT_COALESCE_MS: '100' },
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
});
