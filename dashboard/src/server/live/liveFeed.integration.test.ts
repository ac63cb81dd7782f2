// The shared live feed against real MySQL and Redis: one poller per tenant+schedule however many connections
// watch it, a new alert reaches subscribers within 2 s, other tenants' alerts never do, and the last
// unsubscribe stops the poller.
import { sleep } from '@proctor/contracts';
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
} from '../../../test/testDashboard.ts';
import { CHANGED_ALERTS_PAGE, createLiveFeed, type LiveEvent, type LiveFeed } from './liveFeed.ts';

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
      await sleep(20);
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

    await sleep(500); // let the poller prime
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

  it('sends a new alert before the ranked-list push of the same tick', async () => {
    const s1 = await seedSession(db, { tenantId: 'tf', scheduleId: 'order', userId: 'u1', risk: 10 });
    const sub = collect();
    const off = feed.subscribe('tf', 'order', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await sleep(500); // primed
    const from = sub.events.length;
    // One write the next tick sees both ways: a fresh alert and a changed row (its rule is listed on the row).
    const alertId = await seedAlert(db, { tenantId: 'tf', sessionId: s1, rule: 'multi_person' });
    await sub.waitFor((e) => e.type === 'sessions' && e.data.sessions.some((s) => s.rules.includes('multi_person')));
    const after = sub.events.slice(from);
    expect(after[0]).toMatchObject({ type: 'alert', data: { alertId } });
    off();
  });

  it('pushes the list when a row changes for the eye, not when only the last contact or a fraction of a point moved', async () => {
    const s1 = await seedSession(db, { tenantId: 'td', scheduleId: 'busy', userId: 'u1', risk: 10 });
    await seedSession(db, { tenantId: 'td', scheduleId: 'busy', userId: 'u2', risk: 20 });
    const sub = collect();
    const off = feed.subscribe('td', 'busy', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await sleep(500); // primed
    const pushes = () => sub.events.filter((e) => e.type === 'sessions').length;
    const before = pushes();
    // A batch from a listed candidate: last_seen_at (and so the schedule's updated_at stamp) moves and the stored
    // score re-decays by a fraction of a point; nothing shown changes.
    for (let i = 1; i <= 3; i++) {
      await pool.query(
        'UPDATE sessions SET last_seen_at = NOW(3) + INTERVAL ? SECOND, risk_score = ? WHERE session_id = ?',
        [i, 10 - i * 0.1, s1],
      );
      await sleep(400);
    }
    expect(pushes()).toBe(before);
    await pool.query('UPDATE sessions SET risk_score = 55 WHERE session_id = ?', [s1]);
    const pushed = await sub.waitFor(
      (e) => e.type === 'sessions' && e.data.sessions[0]?.sessionId === s1 && e.data.sessions[0]?.riskScore === 55,
    );
    expect(pushed.ms).toBeLessThan(2_000);
    off();
  });

  it('delivers a burst of more alerts than one page inside the re-read overlap, and keeps going after it', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => seedSession(db, { tenantId: 'te', scheduleId: 'venue', userId: `u${i}` })),
    );
    const sub = collect();
    const off = feed.subscribe('te', 'venue', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await sleep(500); // primed
    // A venue's network drop: 40 alerts per session, all committed inside a second (more than a page of 500).
    const burst = CHANGED_ALERTS_PAGE + 300;
    const values = Array.from({ length: burst }, (_, i) => {
      const sessionId = sessions[i % sessions.length]!;
      const windowStart = new Date(Date.now() - (i + 1) * 30_000);
      return [
        `${rand(26)}${String(i).padStart(12, '0')}`,
        'te',
        sessionId,
        'connection_lost',
        'high',
        windowStart,
        windowStart,
        '[]',
        0.9,
        'no heartbeat',
        'open',
      ];
    });
    await pool.query(
      `INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence,
         confidence, explanation, status) VALUES ?`,
      [values],
    );
    const alerts = () => new Set(sub.events.flatMap((e) => (e.type === 'alert' ? [e.data.alertId] : [])));
    const deadline = Date.now() + 5_000;
    while (alerts().size < burst && Date.now() < deadline) await sleep(50);
    expect(alerts().size).toBe(burst);
    // And the feed is not stuck behind the burst: the next alert still arrives.
    const next = await seedAlert(db, { tenantId: 'te', sessionId: sessions[0]!, rule: 'multi_person' });
    await sub.waitFor((e) => e.type === 'alert' && e.data.alertId === next);
    off();
  });

  it('never sends another tenant’s or another schedule’s alerts', async () => {
    const mine = await seedSession(db, { tenantId: 'tb', scheduleId: 'shared-name', userId: 'u1' });
    const otherTenant = await seedSession(db, { tenantId: 'tc', scheduleId: 'shared-name', userId: 'u1' });
    const otherSchedule = await seedSession(db, { tenantId: 'tb', scheduleId: 'other', userId: 'u9' });
    const sub = collect();
    const off = feed.subscribe('tb', 'shared-name', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await sleep(500);
    await seedAlert(db, { tenantId: 'tc', sessionId: otherTenant });
    await seedAlert(db, { tenantId: 'tb', sessionId: otherSchedule });
    const ownId = await seedAlert(db, { tenantId: 'tb', sessionId: mine });
    await sub.waitFor((e) => e.type === 'alert' && e.data.alertId === ownId);
    await sleep(500);
    const alertSessions = sub.events.flatMap((e) => (e.type === 'alert' ? [e.data.sessionId] : []));
    expect(new Set(alertSessions)).toEqual(new Set([mine]));
    for (const e of sub.events) {
      if (e.type === 'sessions') expect(e.data.sessions.map((s) => s.sessionId)).toEqual([mine]);
    }
    off();
  });
});
