// The shared live feed against real MySQL and Redis: one poller per tenant+schedule however many connections
// watch it, a new alert reaches subscribers within 2 s, other tenants' alerts never do, and the last
// unsubscribe stops the poller.
import { createRedisClient } from '@proctor/contracts/redis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanRedis,
  createTestDb,
  markLive,
  rand,
  seedAlert,
  seedSession,
  type TestDb,
} from '../../../test/harness.ts';
import { createLiveFeed, type LiveEvent, type LiveFeed } from './liveFeed.ts';

let db: TestDb;
let pool: mysql.Pool;
let feed: LiveFeed;
const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `test-live-${rand()}`;

beforeAll(async () => {
  db = await createTestDb();
  pool = mysql.createPool({ uri: db.url, connectionLimit: 4, timezone: 'Z', decimalNumbers: true });
  feed = createLiveFeed({ db: pool, redis, redisPrefix: prefix, pollMs: 200, refreshMs: 60_000 });
});

afterAll(async () => {
  feed?.close();
  await pool?.end();
  await db?.drop();
  await cleanRedis(redis, prefix);
  redis.disconnect();
});

function collect() {
  const events: LiveEvent[] = [];
  const waitFor = async (pred: (e: LiveEvent) => boolean, timeoutMs = 2_000) => {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      const found = events.find(pred);
      if (found) return { event: found, ms: Date.now() - start };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(',')}`);
  };
  return { events, listener: (e: LiveEvent) => events.push(e), waitFor };
}

describe('live feed', () => {
  it('pushes the ranked list at once, then a new alert within 2 s, to every subscriber of the schedule', async () => {
    const s1 = await seedSession(db, { tenantId: 'ta', scheduleId: 'x1', userId: 'u1', risk: 40 });
    await seedSession(db, { tenantId: 'ta', scheduleId: 'x1', userId: 'u2', risk: 90 });
    await markLive(redis, prefix, s1);
    const one = collect();
    const two = collect();
    const offOne = feed.subscribe('ta', 'x1', {}, one.listener);
    const offTwo = feed.subscribe('ta', 'x1', { status: 'active' }, two.listener);
    expect(feed.stats().channels).toBe(1);

    const first = await one.waitFor((e) => e.type === 'sessions');
    if (first.event.type !== 'sessions') throw new Error('unreachable');
    expect(first.event.data.sessions.map((s) => s.userId)).toEqual(['u2', 'u1']);
    expect(first.event.data.sessions.find((s) => s.userId === 'u1')?.presence).toBe('online');

    await new Promise((r) => setTimeout(r, 500)); // let the poller prime
    const alertId = await seedAlert(db, { tenantId: 'ta', sessionId: s1, rule: 'multi_person' });
    const seen = await Promise.all([
      one.waitFor((e) => e.type === 'alert' && e.data.alertId === alertId),
      two.waitFor((e) => e.type === 'alert' && e.data.alertId === alertId),
    ]);
    for (const s of seen) expect(s.ms).toBeLessThan(2_000);
    await one.waitFor(
      (e) =>
        e.type === 'sessions' && e.data.sessions.some((s) => s.sessionId === s1 && s.rules.includes('multi_person')),
    );
    offOne();
    offTwo();
    expect(feed.stats().channels).toBe(0);
  });

  it('never sends another tenant’s or another schedule’s alerts', async () => {
    const mine = await seedSession(db, { tenantId: 'tb', scheduleId: 'shared-name', userId: 'u1' });
    const otherTenant = await seedSession(db, { tenantId: 'tc', scheduleId: 'shared-name', userId: 'u1' });
    const otherSchedule = await seedSession(db, { tenantId: 'tb', scheduleId: 'other', userId: 'u9' });
    const sub = collect();
    const off = feed.subscribe('tb', 'shared-name', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await new Promise((r) => setTimeout(r, 500));
    await seedAlert(db, { tenantId: 'tc', sessionId: otherTenant });
    await seedAlert(db, { tenantId: 'tb', sessionId: otherSchedule });
    const ownId = await seedAlert(db, { tenantId: 'tb', sessionId: mine });
    await sub.waitFor((e) => e.type === 'alert' && e.data.alertId === ownId);
    await new Promise((r) => setTimeout(r, 500));
    const alertSessions = sub.events.flatMap((e) => (e.type === 'alert' ? [e.data.sessionId] : []));
    expect(new Set(alertSessions)).toEqual(new Set([mine]));
    for (const e of sub.events) {
      if (e.type === 'sessions') expect(e.data.sessions.map((s) => s.sessionId)).toEqual([mine]);
    }
    off();
  });
});
