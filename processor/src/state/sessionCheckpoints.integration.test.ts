// The Redis state layer against real Redis: guarded saves, TTLs, the three-part layout, and the NOSCRIPT fallback.
import { randomUUID } from 'node:crypto';
import { SESSION_STATE_TTL_SECONDS } from '@proctor/contracts';
import { redisScript, runScript, runScriptPipeline } from '@proctor/contracts/redis/scripts';
import { dropPrefix } from '@proctor/testkit';
import { newRedis, randomName } from '@proctor/testkit/stack';
import { afterAll, describe, expect, it } from 'vitest';
import { eventRecord, lookAway, startedRecord } from '../../test/events.ts';
import { randomSessionId } from '../../test/workload.ts';
import { applyRecord } from '../session/applyRecord.ts';
import { encodeState } from './codec.ts';
import { createCheckpointStore, ENDED_STATE_TTL_SECONDS, stateKey } from './sessionCheckpoints.ts';

const redis = newRedis();
const prefix = randomName('pstore');
const store = createCheckpointStore(redis, prefix);
afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

describe('session checkpoints', () => {
  it('never lets an older position of the same partition overwrite newer state', async () => {
    const id = randomSessionId();
    const s1 = applyRecord(undefined, startedRecord()).state;
    const s2 = applyRecord(s1, eventRecord(lookAway(1, 2), id)).state;
    await store.save([{ sessionId: id, state: s2, position: { partition: 3, offset: 10 } }]);
    await store.save([{ sessionId: id, state: s1, position: { partition: 3, offset: 5 } }]);
    let got = (await store.load([id])).get(id)!;
    expect(got.position).toEqual({ partition: 3, offset: 10 });
    expect(got.state!.rules.lookAway.entries).toHaveLength(1);
    // Another partition (the topic was repartitioned) is not comparable: the newer write wins.
    await store.save([{ sessionId: id, state: s1, position: { partition: 4, offset: 1 } }]);
    got = (await store.load([id])).get(id)!;
    expect(got.position).toEqual({ partition: 4, offset: 1 });
    expect(await redis.ttl(stateKey(id, prefix))).toBeGreaterThan(SESSION_STATE_TTL_SECONDS - 10);
  });

  it('reads and guards the layout that still had a deadline list, and shortens the TTL once the session ended', async () => {
    const id = randomSessionId();
    const s = applyRecord(undefined, startedRecord()).state;
    await redis.set(stateKey(id, prefix), `0:1|1767225700000|${encodeState(s)}`);
    expect((await store.load([id])).get(id)).toMatchObject({ position: { partition: 0, offset: 1 }, corrupt: false });
    await store.save([{ sessionId: id, state: s, position: { partition: 0, offset: 1 } }]); // not newer: skipped
    expect(await redis.get(stateKey(id, prefix))).toContain('|1767225700000|');
    await store.save([
      { sessionId: id, state: { ...s, endedAt: 1_767_225_800_000 }, position: { partition: 0, offset: 2 } },
    ]);
    expect(await redis.get(stateKey(id, prefix))).toBe(`0:2|${encodeState({ ...s, endedAt: 1_767_225_800_000 })}`);
    const got = (await store.load([id])).get(id)!;
    expect(got.state!.endedAt).toBe(1_767_225_800_000);
    expect(await redis.ttl(stateKey(id, prefix))).toBeLessThanOrEqual(ENDED_STATE_TTL_SECONDS);
  });

  it('reports an unknown session as empty and a corrupt one as corrupt', async () => {
    const [fresh, bad] = [randomSessionId(), randomSessionId()];
    await redis.set(stateKey(bad, prefix), '0:1|[99]');
    const got = await store.load([fresh, bad]);
    expect(got.get(fresh)).toMatchObject({ state: undefined, corrupt: false });
    expect(got.get(bad)).toMatchObject({ state: undefined, corrupt: true });
  });

  it('falls back from EVALSHA to EVAL (and to SCRIPT LOAD in a pipeline) when Redis answers NOSCRIPT', async () => {
    // A script body Redis has never seen: EVALSHA must fail with NOSCRIPT first.
    const script = redisScript(`-- ${randomUUID()}\nreturn ARGV[1]`);
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await runScript(redis, script, [], ['one'])).toBe('one');
    const fresh = redisScript(`-- ${randomUUID()}\nreturn ARGV[1]`);
    const out = await runScriptPipeline(
      redis,
      [fresh],
      [
        ['evalsha', fresh.sha, 0, 'a'],
        ['evalsha', fresh.sha, 0, 'b'],
      ],
    );
    expect(out).toEqual(['a', 'b']);
  });
});
