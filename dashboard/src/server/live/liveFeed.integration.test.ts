// The shared live feed against real MySQL and Redis: one channel per tenant+schedule however many connections watch
// it, its alerts read once per burst of change notices and its list at most once per LIST_MS; an announced alert
// reaches subscribers within 2 s, other tenants' alerts never do, a new stream is sent the channel's last list and a
// reconnect the alerts it missed without a read of its own, and the last unsubscribe closes the channel.
import { LIVE_CHANGES_FIELD, liveChangesKey, MYSQL_UTC_OPTIONS, pinUtc, sleep } from '@proctor/contracts';
import { createRedisClient } from '@proctor/contracts/redis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  announce,
  cleanRedis,
  createTestDb,
  markLive,
  rand,
  seedAlert,
  seedSession,
  type TestDb,
} from '../../../test/testDashboard.ts';
import { FOLLOW_MIN_MS } from './followChanges.ts';
import { ALERTS_PER_READ } from './liveAlerts.ts';
import { compareSeq, createLiveFeed, type LiveEvent, type LiveFeed } from './liveFeed.ts';

let db: TestDb;
let pool: mysql.Pool;
let feed: LiveFeed;
const redis = createRedisClient(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `test-live-${rand()}`;
/** The test feed's least time between two list reads of a busy channel. */
const LIST_MS = 250;

beforeAll(async () => {
  db = await createTestDb();
  pool = pinUtc(mysql.createPool({ uri: db.url, connectionLimit: 4, ...MYSQL_UTC_OPTIONS, decimalNumbers: true }));
  feed = createLiveFeed({ db: pool, redis, redisPrefix: prefix, refreshMs: 60_000, listMs: LIST_MS });
});

afterAll(async () => {
  feed?.close();
  await pool?.end();
  await db?.drop();
  await cleanRedis(redis, prefix);
  redis.disconnect();
});

/** An alert written and announced, as the processor commits and then notifies. */
async function announcedAlert(a: Parameters<typeof seedAlert>[1]): Promise<string> {
  const alertId = await seedAlert(db, a);
  await announce(db, redis, prefix, { sessionId: a.sessionId, alertIds: [alertId] });
  return alertId;
}

/** Lets the feed's channel start (its follower's start point and first list read). */
const settle = () => sleep(300);

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

    await settle();
    const alertId = await announcedAlert({ tenantId: 'ta', sessionId: s1, rule: 'multi_person' });
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

  it('sends a new alert before the ranked-list push of the same re-read', async () => {
    const s1 = await seedSession(db, { tenantId: 'tf', scheduleId: 'order', userId: 'u1', risk: 10 });
    const sub = collect();
    const off = feed.subscribe('tf', 'order', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await settle();
    const from = sub.events.length;
    // One notice read both ways: a fresh alert and a changed row (its rule is listed on the row).
    const alertId = await announcedAlert({ tenantId: 'tf', sessionId: s1, rule: 'multi_person' });
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
    await settle();
    const pushes = () => sub.events.filter((e) => e.type === 'sessions').length;
    const before = pushes();
    // A batch from a listed candidate: last_seen_at (and so the schedule's updated_at stamp) moves and the stored
    // score re-decays by a fraction of a point; nothing shown changes.
    for (let i = 1; i <= 3; i++) {
      await pool.query(
        'UPDATE sessions SET last_seen_at = NOW(3) + INTERVAL ? SECOND, risk_score = ? WHERE session_id = ?',
        [i, 10 - i * 0.1, s1],
      );
      await announce(db, redis, prefix, { sessionId: s1 });
      await sleep(400);
    }
    expect(pushes()).toBe(before);
    await pool.query('UPDATE sessions SET risk_score = 55 WHERE session_id = ?', [s1]);
    await announce(db, redis, prefix, { sessionId: s1 });
    const pushed = await sub.waitFor(
      (e) => e.type === 'sessions' && e.data.sessions[0]?.sessionId === s1 && e.data.sessions[0]?.riskScore === 55,
    );
    expect(pushed.ms).toBeLessThan(2_000);
    off();
  });

  it('delivers a burst of more alerts than one read takes, and keeps going after it', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => seedSession(db, { tenantId: 'te', scheduleId: 'venue', userId: `u${i}` })),
    );
    const sub = collect();
    const off = feed.subscribe('te', 'venue', {}, sub.listener);
    await sub.waitFor((e) => e.type === 'sessions');
    await settle();
    // A venue's network drop: 40 alerts per session in one commit, more than one read of ALERTS_PER_READ takes.
    const burst = ALERTS_PER_READ + 300;
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
    await announce(db, redis, prefix, { sessionId: sessions[0]!, alertIds: values.map((v) => v[0] as string) });
    const alerts = () => new Set(sub.events.flatMap((e) => (e.type === 'alert' ? [e.data.alertId] : [])));
    const deadline = Date.now() + 5_000;
    while (alerts().size < burst && Date.now() < deadline) await sleep(50);
    expect(alerts().size).toBe(burst);
    // And the feed is not stuck behind the burst: the next alert still arrives.
    const next = await announcedAlert({ tenantId: 'te', sessionId: sessions[0]!, rule: 'multi_person' });
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
    await settle();
    await announcedAlert({ tenantId: 'tc', sessionId: otherTenant });
    await announcedAlert({ tenantId: 'tb', sessionId: otherSchedule });
    const ownId = await announcedAlert({ tenantId: 'tb', sessionId: mine });
    await sub.waitFor((e) => e.type === 'alert' && e.data.alertId === ownId);
    await sleep(500);
    const alertSessions = sub.events.flatMap((e) => (e.type === 'alert' ? [e.data.sessionId] : []));
    expect(new Set(alertSessions)).toEqual(new Set([mine]));
    for (const e of sub.events) {
      if (e.type === 'sessions') expect(e.data.sessions.map((s) => s.sessionId)).toEqual([mine]);
    }
    off();
  });

  it('re-reads a schedule once per burst of notices, however many streams watch it', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => seedSession(db, { tenantId: 'tg', scheduleId: 'many', userId: `u${i}` })),
    );
    const streams = Array.from({ length: 20 }, () => collect());
    const offs = streams.map((s, i) => feed.subscribe('tg', 'many', i % 2 ? { status: 'active' } : {}, s.listener));
    await Promise.all(streams.map((s) => s.waitFor((e) => e.type === 'sessions')));
    await settle();
    const before = feed.stats();
    // 30 commits' notices at once (one MULTI: Redis wakes the feed's XREAD once, after all of them).
    const alertIds = await Promise.all(
      sessions.flatMap((sessionId) =>
        (['look_away', 'no_face', 'multi_person'] as const).map((rule) =>
          seedAlert(db, { tenantId: 'tg', sessionId, rule }),
        ),
      ),
    );
    const multi = redis.multi();
    alertIds.forEach((alertId, i) => {
      const change = { tenantId: 'tg', scheduleId: 'many', sessionIds: [sessions[i % 10]], alertIds: [alertId] };
      multi.xadd(liveChangesKey(prefix), '*', LIVE_CHANGES_FIELD, JSON.stringify([change]));
    });
    await multi.exec();
    for (const s of streams) {
      const deadline = Date.now() + 3_000;
      const got = () => new Set(s.events.flatMap((e) => (e.type === 'alert' ? [e.data.alertId] : [])));
      while (got().size < alertIds.length && Date.now() < deadline) await sleep(20);
      expect(got().size).toBe(alertIds.length);
    }
    await sleep(LIST_MS + 300);
    const after = feed.stats();
    expect(after.rereads - before.rereads).toBe(1);
    expect(after.alertReads - before.alertReads).toBe(1);
    // One list read per distinct filter (two here), not one per stream.
    expect(after.listReads - before.listReads).toBe(2);
    for (const off of offs) off();
  });

  it('catches a reconnecting stream up from its last sequence number, and only then', async () => {
    const s1 = await seedSession(db, { tenantId: 'th', scheduleId: 'again', userId: 'u1' });
    const first = collect();
    const offFirst = feed.subscribe('th', 'again', {}, first.listener);
    await first.waitFor((e) => e.type === 'sessions');
    await settle();
    const seen = await announcedAlert({ tenantId: 'th', sessionId: s1, rule: 'look_away' });
    const { event: last } = await first.waitFor((e) => e.type === 'alert' && e.data.alertId === seen);
    offFirst();
    // Written while the stream is away; a second stream keeps the channel open meanwhile, as other proctors do.
    const other = collect();
    const offOther = feed.subscribe('th', 'again', {}, other.listener);
    const missed = [
      await announcedAlert({ tenantId: 'th', sessionId: s1, rule: 'no_face' }),
      await announcedAlert({ tenantId: 'th', sessionId: s1, rule: 'multi_person' }),
    ];
    await other.waitFor((e) => e.type === 'alert' && e.data.alertId === missed[1]);

    const fresh = collect();
    const offFresh = feed.subscribe('th', 'again', {}, fresh.listener);
    const resumed = collect();
    const offResumed = feed.subscribe('th', 'again', {}, resumed.listener, last.seq);
    const { event: list } = await resumed.waitFor((e) => e.type === 'sessions');
    const before = resumed.events.slice(0, resumed.events.indexOf(list));
    const caughtUp = before.flatMap((e) => (e.type === 'alert' ? [e.data.alertId] : []));
    expect(caughtUp).toEqual(expect.arrayContaining(missed));
    for (const e of before) expect(compareSeq(e.seq, list.seq)).toBeLessThanOrEqual(0);
    // A stream opened without a sequence number starts from now: it is sent none of them.
    await fresh.waitFor((e) => e.type === 'sessions');
    expect(fresh.events.filter((e) => e.type === 'alert')).toEqual([]);
    for (const off of [offOther, offFresh, offResumed]) off();
  });

  it('sends a new stream the list its channel last read, and reads a busy schedule’s list at most once per LIST_MS', async () => {
    const s1 = await seedSession(db, { tenantId: 'ti', scheduleId: 'cheap', userId: 'u1', risk: 10 });
    const first = collect();
    const offs = [feed.subscribe('ti', 'cheap', {}, first.listener)];
    await first.waitFor((e) => e.type === 'sessions');
    await settle();
    const opened = feed.stats();
    const late = Array.from({ length: 20 }, () => collect());
    for (const l of late) offs.push(feed.subscribe('ti', 'cheap', {}, l.listener));
    await Promise.all(late.map((l) => l.waitFor((e) => e.type === 'sessions')));
    expect(feed.stats().listReads - opened.listReads).toBe(0);

    // Two seconds of a notice every 50 ms naming a listed session: the list is read on the feed's clock, not per
    // notice, and the change stream at most once per FOLLOW_MIN_MS.
    const busy = feed.stats();
    const startedAt = Date.now();
    while (Date.now() - startedAt < 2_000) {
      await announce(db, redis, prefix, { sessionId: s1 });
      await sleep(50);
    }
    const ms = Date.now() - startedAt + LIST_MS;
    await sleep(LIST_MS);
    const after = feed.stats();
    expect(after.listReads - busy.listReads).toBeGreaterThanOrEqual(2);
    expect(after.listReads - busy.listReads).toBeLessThanOrEqual(Math.ceil(ms / LIST_MS) + 1);
    expect(after.followReads - busy.followReads).toBeLessThanOrEqual(Math.ceil(ms / FOLLOW_MIN_MS) + 2);
    for (const off of offs) off();
  });

  it('catches reconnects up from the channel’s log, and a burst of older ones with one shared read', async () => {
    const s1 = await seedSession(db, { tenantId: 'tj', scheduleId: 'back', userId: 'u1' });
    // Named before any stream watched the schedule: older than the channel's log.
    const a0 = await seedAlert(db, { tenantId: 'tj', sessionId: s1, rule: 'multi_person' });
    const old = await announce(db, redis, prefix, { sessionId: s1, alertIds: [a0] });
    const keeper = collect();
    const offKeeper = feed.subscribe('tj', 'back', {}, keeper.listener);
    await keeper.waitFor((e) => e.type === 'sessions');
    await settle();
    const a1 = await announcedAlert({ tenantId: 'tj', sessionId: s1, rule: 'look_away' });
    const { event: seen } = await keeper.waitFor((e) => e.type === 'alert' && e.data.alertId === a1);
    const a2 = await announcedAlert({ tenantId: 'tj', sessionId: s1, rule: 'no_face' });
    await keeper.waitFor((e) => e.type === 'alert' && e.data.alertId === a2);
    const alertIds = (c: ReturnType<typeof collect>) =>
      c.events.flatMap((e) => (e.type === 'alert' ? [e.data.alertId] : []));

    const before = feed.stats();
    const recent = Array.from({ length: 10 }, () => collect());
    const offs = recent.map((r) => feed.subscribe('tj', 'back', {}, r.listener, seen.seq));
    for (const r of recent) {
      await r.waitFor((e) => e.type === 'sessions');
      expect(alertIds(r)).toEqual([a1, a2]);
    }
    const fromLog = feed.stats();
    expect(fromLog.alertReads - before.alertReads).toBe(0);
    expect(fromLog.catchUpReads - before.catchUpReads).toBe(0);
    expect(fromLog.listReads - before.listReads).toBe(0);

    const older = Array.from({ length: 10 }, () => collect());
    offs.push(...older.map((r) => feed.subscribe('tj', 'back', {}, r.listener, old)));
    for (const r of older) {
      await r.waitFor((e) => e.type === 'sessions');
      expect(alertIds(r)).toEqual(expect.arrayContaining([a0, a1, a2]));
    }
    const shared = feed.stats();
    expect(shared.catchUpReads - fromLog.catchUpReads).toBe(1);
    expect(shared.alertReads - fromLog.alertReads).toBe(1);
    for (const off of [offKeeper, ...offs]) off();
  });
});
