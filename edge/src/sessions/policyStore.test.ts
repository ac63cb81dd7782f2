// Pure logic of the isolate's policy cache, over a stand-in for the one MGET it issues (the route's behaviour against
// real workerd and Redis is in the routes' integration tests).
import { describe, expect, it } from 'vitest';
import { readPolicies } from './policyStore.ts';

/** An MGET whose answers the test releases one by one, counting the calls. */
function slowMget() {
  const pending: ((v: unknown[]) => void)[] = [];
  return {
    calls: 0,
    mget<T>(..._keys: string[]): Promise<T> {
      this.calls++;
      return new Promise<T>((resolve) => pending.push(resolve as (v: unknown[]) => void));
    },
    release() {
      for (const r of pending.splice(0)) r([null, null]);
    },
  };
}

describe('readPolicies', () => {
  it('never hands a call the read another call has in flight, and serves a settled read from the cache', async () => {
    const redis = slowMget();
    const tenant = `t-${crypto.randomUUID()}`;
    const first = readPolicies(redis as never, 'p', tenant, 's', 1000, 30_000);
    const second = readPolicies(redis as never, 'p', tenant, 's', 1001, 30_000);
    // In workerd the second would be a different request: it must wait on its own read, not the first one's.
    expect(redis.calls).toBe(2);
    redis.release();
    expect(await first).toEqual({ tenant: null, schedule: null });
    expect(await second).toEqual({ tenant: null, schedule: null });
    // Settled: the next call within the cache age reads nothing, one after it reads again.
    await readPolicies(redis as never, 'p', tenant, 's', 2000, 30_000);
    expect(redis.calls).toBe(2);
    const late = readPolicies(redis as never, 'p', tenant, 's', 1001 + 30_000, 30_000);
    expect(redis.calls).toBe(3);
    redis.release();
    await late;
  });
});
