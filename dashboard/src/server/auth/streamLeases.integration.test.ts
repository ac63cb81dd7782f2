// A process's stream leases against a real Redis: every open stream renewed in one round trip per interval (the
// commands per interval do not grow with the streams), the proctor's cap, a stream ended within one interval of its
// session's logout, and a crashed process's places freed once its leases lapse.
import { sleep } from '@proctor/contracts';
import { createRedisClient } from '@proctor/contracts/redis';
import { watchCommands } from '@proctor/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanRedis, rand } from '../../../test/testDashboard.ts';
import { createSession, deleteSession } from './loginSessions.ts';
import { createStreamLeases, type StreamLease, type StreamLeases } from './streamLeases.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = createRedisClient(url);
const prefix = `test-leases-${rand()}`;
const INTERVAL_MS = 200;
const opened: StreamLeases[] = [];

function leases(cap = 100, leaseMs = INTERVAL_MS * 3) {
  const l = createStreamLeases(redis, prefix, { cap, intervalMs: INTERVAL_MS, leaseMs });
  opened.push(l);
  return l;
}

async function openOk(l: StreamLeases, owner: Parameters<StreamLeases['open']>[0]): Promise<StreamLease> {
  const r = await l.open(owner);
  if (r.status !== 'ok') throw new Error(`lease ${r.status}`);
  return r.lease;
}

async function signedIn(sub: string): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const created = await createSession(redis, prefix, { tenantId: 't1', sub, role: 'proctor', exp }, 5);
  if (!created) throw new Error('no session');
  return created.id;
}

afterEach(() => {
  for (const l of opened.splice(0)) l.close();
});
afterAll(async () => {
  await cleanRedis(redis, prefix);
  redis.disconnect();
});

describe('stream leases', () => {
  it('renews all of a process’s open streams with the same commands per interval, whether 1 or 40 are open', async () => {
    const watch = await watchCommands(url, prefix);
    try {
      const sessionId = await signedIn('proctor-count');
      const owner = { tenantId: 't1', sub: 'proctor-count', sessionId };
      const l = leases();
      const renewals = async () => {
        await sleep(100);
        watch.take();
        await sleep(INTERVAL_MS * 5);
        return watch.take().length;
      };
      await openOk(l, owner);
      const one = await renewals();
      for (let i = 0; i < 39; i++) await openOk(l, owner);
      const forty = await renewals();
      // Five intervals, each one lease script and one session check; a timer per stream would send 40 times as many.
      expect(one).toBeGreaterThanOrEqual(4 * 2);
      expect(one).toBeLessThanOrEqual(6 * 2);
      expect(forty).toBeLessThanOrEqual(6 * 2);
    } finally {
      watch.stop();
    }
  });

  it('caps a proctor’s open streams, and frees a place when one is released', async () => {
    const l = leases(2);
    const owner = { tenantId: 't1', sub: 'proctor-cap' };
    const first = await openOk(l, owner);
    await openOk(l, owner);
    expect((await l.open(owner)).status).toBe('full');
    await sleep(INTERVAL_MS * 4);
    expect((await l.open(owner)).status).toBe('full');
    expect((await l.open({ tenantId: 't1', sub: 'another proctor' })).status).toBe('ok');
    await first.release();
    expect((await l.open(owner)).status).toBe('ok');
  });

  it('ends every stream of a logged-out session within one interval, and keeps the others', async () => {
    const l = leases();
    const out = await signedIn('proctor-logout');
    const stays = await signedIn('proctor-logout');
    const ended: string[] = [];
    for (const [name, sessionId] of [
      ['a', out],
      ['b', out],
      ['c', stays],
    ] as const) {
      (await openOk(l, { tenantId: 't1', sub: 'proctor-logout', sessionId })).onEnded(() => ended.push(name));
    }
    await deleteSession(redis, prefix, out);
    const start = Date.now();
    while (ended.length < 2 && Date.now() - start < INTERVAL_MS * 3) await sleep(20);
    expect(Date.now() - start).toBeLessThan(INTERVAL_MS * 2);
    await sleep(INTERVAL_MS * 2);
    expect(ended.sort()).toEqual(['a', 'b']);
    expect((await l.open({ tenantId: 't1', sub: 'proctor-logout', sessionId: out })).status).toBe('ended');
  });

  it('frees a crashed process’s places once its leases lapse, never while it renews them', async () => {
    const owner = { tenantId: 't1', sub: 'proctor-crash' };
    const crashed = leases(1);
    await openOk(crashed, owner);
    const other = leases(1);
    await sleep(INTERVAL_MS * 4);
    expect((await other.open(owner)).status).toBe('full');
    crashed.close();
    await sleep(INTERVAL_MS * 4);
    expect((await other.open(owner)).status).toBe('ok');
  });
});
