// The edge notes a sustained produce outage where the liveness sweeper reads it (real workerd, the stack's shim and
// bridge behind a proxy the test breaks): seconds from the first failure on, none for a blip, nothing while healthy.
import { produceFailuresKey } from '@proctor/contracts';
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

beforeAll(async () => {
  const stack = await localStackEnv();
  kafkaProxy = await startFaultyProxy(stack.KAFKA_REST_URL as string);
  // One workerd process: one isolate, whose failing state the test walks through.
  h = await startEdgeUnderTest({ env: { KAFKA_REST_URL: kafkaProxy.url } });
});
afterAll(async () => {
  if (kafkaProxy) kafkaProxy.mode = 'pass';
  await h?.stop();
  await kafkaProxy?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noted = async () =>
  ((await h.redis.zrange(produceFailuresKey(h.prefix), 0, -1)) as string[]).map(Number).sort((a, b) => a - b);
const heartbeat = (c: Candidate) => c.call('/sessions/heartbeat', { sessionId: c.sessionId });

describe('produce outage notes', () => {
  it('notes nothing while producing works, nor for a blip; a sustained outage from its first failing second', async () => {
    const c = await candidate(h.edge.url);
    expect((await heartbeat(c)).status).toBe(200);
    expect(await noted()).toEqual([]);

    // A blip: one failure, then a success.
    kafkaProxy.mode = 'refuse';
    expect((await heartbeat(c)).status).toBe(503);
    kafkaProxy.mode = 'pass';
    await sleep(1100);
    expect((await heartbeat(c)).status).toBe(200);
    expect(await noted()).toEqual([]);

    // Sustained: failures over more than a second with no success between.
    kafkaProxy.mode = 'error';
    const firstFailure = Date.now();
    expect((await heartbeat(c)).status).toBe(503);
    await sleep(1200);
    expect((await heartbeat(c)).status).toBe(503);
    await sleep(1000);
    expect((await heartbeat(c)).status).toBe(503);
    const lastFailure = Date.now();
    const seconds = await noted();
    expect(seconds[0]).toBeLessThanOrEqual(Math.floor(firstFailure / 1000) + 1);
    expect(seconds.at(-1)).toBeGreaterThanOrEqual(Math.floor(lastFailure / 1000) - 1);
    // Every second in between, each once (the sweeper treats them as one outage).
    expect(seconds).toEqual(Array.from({ length: seconds.length }, (_, i) => seconds[0]! + i));

    // Healthy again: no more notes.
    kafkaProxy.mode = 'pass';
    expect((await heartbeat(c)).status).toBe(200);
    await sleep(1100);
    expect((await heartbeat(c)).status).toBe(200);
    expect(await noted()).toEqual(seconds);
  });
});
