// The dashboard's Redis reads on a real Redis Cluster (3 masters): presence of sessions in every liveness shard in
// one batch, a process's stream leases (one slot per script, the session checks beside them in one batch), and the cap on a
// proctor's sign-in sessions (its index is one slot, each session key another).
import { randomBytes } from 'node:crypto';
import { livenessKey, livenessShard, shardList } from '@proctor/contracts';
import { type SmokeCluster, startSmokeCluster } from '@proctor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, deleteSession, readSession } from '../auth/loginSessions.ts';
import { createStreamLeases } from '../auth/streamLeases.ts';
import type { SessionBase } from '../queries/sessions.ts';
import { withPresence } from './presence.ts';

const prefix = `dash-cluster-${randomBytes(4).toString('hex')}`;
let smoke: SmokeCluster;

beforeAll(async () => {
  smoke = await startSmokeCluster(3, 1);
});
afterAll(() => smoke?.stop());

describe('dashboard reads on a Redis Cluster', () => {
  it('reads the presence of sessions in every shard in one batch', async () => {
    const now = Date.now();
    const sessions = Array.from({ length: 64 }, (_, i) => ({
      sessionId: randomBytes(32).toString('hex'),
      status: 'active',
      i,
    }));
    for (const s of sessions) {
      if (s.i % 2 === 0)
        await smoke.redis.zadd(livenessKey(livenessShard(s.sessionId), prefix), now + 60_000, s.sessionId);
    }
    const { sessions: out, degraded } = await withPresence(
      shardList([smoke.redis]),
      sessions as unknown as SessionBase[],
      prefix,
      now,
    );
    expect(degraded).toBe(false);
    expect(out.map((s) => s.presence)).toEqual(sessions.map((s) => (s.i % 2 === 0 ? 'online' : 'unknown')));
  });

  it('leases streams under a proctor and ends them with the sign-in session', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const created = await createSession(
      smoke.redis,
      prefix,
      { tenantId: 't1', sub: 'proctor-1', role: 'proctor', exp },
      5,
    );
    const id = created?.id;
    expect(id).toBeTruthy();
    const leases = createStreamLeases(smoke.redis, prefix, { cap: 1, intervalMs: 200, leaseMs: 10_000 });
    try {
      const opened = await leases.open({ tenantId: 't1', sub: 'proctor-1', sessionId: id! });
      if (opened.status !== 'ok') throw new Error(`lease ${opened.status}`);
      const ended = new Promise<void>((resolve) => opened.lease.onEnded(resolve));
      expect((await leases.open({ tenantId: 't1', sub: 'proctor-1' })).status).toBe('full');
      await deleteSession(smoke.redis, prefix, id!);
      await ended;
      await opened.lease.release();
      expect((await leases.open({ tenantId: 't1', sub: 'proctor-1' })).status).toBe('ok');
    } finally {
      leases.close();
    }
  });

  it('ends a proctor’s oldest sign-in session beyond the cap, each session key in its own slot', async () => {
    const who = {
      tenantId: 't1',
      sub: 'proctor-cap',
      role: 'proctor' as const,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createSession(smoke.redis, prefix, who, 2))!.id);
    const alive = await Promise.all(ids.map((id) => readSession(smoke.redis, prefix, id)));
    expect(alive.map(Boolean)).toEqual([false, true, true]);
  });
});
