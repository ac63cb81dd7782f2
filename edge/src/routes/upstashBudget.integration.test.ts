// What each route costs on Upstash, counted as Upstash bills (the EVALSHA and every redis.call inside it), on a Redis
// that only this file's edge uses: its total_commands_processed is exactly the bill. The bound behind the ≤ 300
// commands per candidate-hour (README, capacity): a heartbeat costs none, a batch of new events four, a start and an
// end one script each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { freePort, type PrivateServer, privateRedis, privateShim } from '@proctor/testkit';
import { type Candidate, candidate, type EdgeUnderTest, noFaceEvent, startEdgeUnderTest } from '@proctor/testkit/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'upstash-budget-token';
const dir = mkdtempSync(join(tmpdir(), 'upstash-budget-'));
let redisServer: PrivateServer;
let shim: PrivateServer;
let h: EdgeUnderTest;
let redis: RedisClient;

beforeAll(async () => {
  redisServer = await privateRedis(dir, await freePort());
  shim = await privateShim(dir, await freePort(), redisServer.url, TOKEN);
  h = await startEdgeUnderTest({ env: { UPSTASH_REDIS_REST_URL: shim.url, UPSTASH_REDIS_REST_TOKEN: TOKEN } });
  redis = createRedisClient(redisServer.url);
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await h?.stop().catch(() => {});
  await shim?.stop();
  await redisServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Commands the edge's Redis ran for `work` (INFO counts itself once between the two reads). */
async function billed(work: () => Promise<unknown>): Promise<number> {
  const read = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
  const before = await read();
  await work();
  return (await read()) - before - 1;
}

const ok = async (reply: Promise<{ status: number }>) => expect((await reply).status).toBeLessThan(300);

describe('Upstash commands per request', () => {
  let c: Candidate;

  it('a start is one script: at most 6 commands, the policies read included', async () => {
    c = await candidate(h.edge.url);
    expect(await billed(() => ok(c.call('/sessions/start')))).toBeLessThanOrEqual(6);
    // A resume, the policies cached in the isolate: the script alone.
    expect(await billed(() => ok(c.call('/sessions/start')))).toBeLessThanOrEqual(4);
  });

  it('a heartbeat costs none', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await billed(() => ok(c.call('/sessions/heartbeat', { sessionId: c.sessionId })))).toBe(0);
    }
  });

  it('a batch of new events costs four: one script (an HMGET and an HSET inside) and one HSET of its done marks', async () => {
    const events = () => [noFaceEvent(), noFaceEvent(), noFaceEvent()];
    // The first batch of the isolate leases a block of the tenant's tokens (one more script, amortized over blocks).
    expect(
      await billed(() => ok(c.call('/events/batch', { sessionId: c.sessionId, events: events() }))),
    ).toBeLessThanOrEqual(9);
    for (let i = 0; i < 5; i++) {
      expect(await billed(() => ok(c.call('/events/batch', { sessionId: c.sessionId, events: events() })))).toBe(4);
    }
    // All duplicates: nothing to produce, so no done marks: the script alone.
    const repeat = events();
    await ok(c.call('/events/batch', { sessionId: c.sessionId, events: repeat }));
    expect(await billed(() => ok(c.call('/events/batch', { sessionId: c.sessionId, events: repeat })))).toBe(3);
  });

  it('an end is one script: at most 7 commands', async () => {
    expect(await billed(() => ok(c.call('/sessions/end', { sessionId: c.sessionId })))).toBeLessThanOrEqual(7);
  });
});
