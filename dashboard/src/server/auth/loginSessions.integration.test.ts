// A proctor's sign-in sessions against a real Redis: beyond the cap the oldest end, in the order they were opened,
// even when several open in the same millisecond.
import { createRedisClient } from '@proctor/contracts/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanRedis, rand } from '../../../test/testDashboard.ts';
import { createSession, readSession } from './loginSessions.ts';

const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `test-login-${rand()}`;

afterAll(async () => {
  await cleanRedis(redis, prefix);
  redis.disconnect();
});

describe('login sessions', () => {
  it('keeps the newest sessions beyond the cap, in sign-in order, when they open in one millisecond', async () => {
    const now = Date.now();
    const who = {
      tenantId: 't1',
      sub: `proctor-${rand()}`,
      role: 'proctor' as const,
      exp: Math.floor(now / 1000) + 600,
    };
    const ids: string[] = [];
    // One millisecond for all ten: a tie that Redis would otherwise order by the (random) session keys.
    for (let i = 0; i < 10; i++) ids.push((await createSession(redis, prefix, who, 2, now))!.id);
    const alive = await Promise.all(ids.map(async (id) => Boolean(await readSession(redis, prefix, id))));
    expect(alive).toEqual([...Array(8).fill(false), true, true]);
  });
});
