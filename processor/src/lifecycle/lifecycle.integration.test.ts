// Retention and erasure on real MariaDB and Redis: what is past the tenant's limit goes with all its rows, what is
// inside stays, every query reads through an index (EXPLAIN), and an erased candidate leaves no row and no key.
import { createHash } from 'node:crypto';
import {
  livenessKey,
  livenessShard,
  SESSION_TOMBSTONE_MAX_TTL_SECONDS,
  sessionStateKey,
  sessionTombstoneKey,
  shardList,
  thumbnailKey,
  thumbnailSessionPrefix,
  thumbnailSlotsKey,
  thumbnailTenantPrefix,
} from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { stackConfig } from '@proctor/infra/stack/config';
import { stackObjectStore } from '@proctor/infra/stack/health';
import { dropPrefix, freshDatabase } from '@proctor/testkit';
import { newRedis, randomName } from '@proctor/testkit/stack';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateKey } from '../state/sessionCheckpoints.ts';
import { childDeleteSql, SESSION_CHILD_TABLES } from './deleteSessions.ts';
import { candidateSessionsSql, runPendingErasures } from './erasure.ts';
import { expiredSessionsSql, RETENTION_BATCH, runRetention } from './retention.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1, 12);
let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: Pool;
let redis: RedisClient;
const prefix = randomName('lifecycle');

const sid = (s: string) => createHash('sha256').update(s).digest('hex');

/** Inserts sessions, each with 2 alerts, 2 snapshots and 1 audit entry, in multi-row statements. */
async function seed(tenant: string, user: (i: number) => string, count: number, ageDays: number, tag: string) {
  const ids = Array.from({ length: count }, (_, i) => sid(`${tenant}/${tag}/${i}`));
  const started = new Date(NOW - ageDays * DAY);
  for (let at = 0; at < ids.length; at += 500) {
    const chunk = ids.slice(at, at + 500);
    await pool.query(
      'INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, exam_config, started_at) VALUES ?',
      [chunk.map((id, i) => [id, tenant, 'exam-1', user(at + i), 1, '{}', started])],
    );
    await pool.query(
      `INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence, confidence)
       VALUES ?`,
      [
        chunk.flatMap((id) =>
          [1, 2].map((n) => [sid(`${id}/a${n}`), tenant, id, 'no_face', 'low', started, started, '[]', 0.9]),
        ),
      ],
    );
    await pool.query(
      'INSERT INTO risk_snapshots (session_id, bucket_start, tenant_id, score, contributions) VALUES ?',
      [chunk.flatMap((id) => [0, 1].map((n) => [id, new Date(started.getTime() + n * 60_000), tenant, 10, '[]']))],
    );
    await pool.query('INSERT INTO audit_log (tenant_id, session_id, actor, action, note) VALUES ?', [
      chunk.map((id) => [tenant, id, 'proctor-1', 'acknowledge', 'looked fine']),
    ]);
  }
  return ids;
}

async function count(table: string, where: string, params: unknown[]): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0]?.n);
}

let aOld: string[];
let aRecent: string[];
let bInside: string[];
let bOld: string[];

beforeAll(async () => {
  db = await freshDatabase();
  pool = db.pool;
  redis = newRedis();
  // t-a keeps 7 days (its policy), t-b has no policy (the default 30).
  await pool.query(
    "INSERT INTO policies (tenant_id, exam_schedule_id, version, policy, updated_by) VALUES (?, '', 1, ?, 'admin')",
    ['t-a', JSON.stringify({ retentionDays: 7 })],
  );
  aOld = await seed('t-a', (i) => `ua-${i % 50}`, RETENTION_BATCH * 2 + 37, 10, 'old');
  aRecent = await seed('t-a', (i) => `ua-${i % 50}`, 300, 3, 'recent');
  bInside = await seed('t-b', (i) => `ub-${i}`, 200, 10, 'inside');
  bOld = await seed('t-b', (i) => `ub-${i}`, 100, 40, 'old');
  // A production-like proportion: the batch is a small part of each table, as it is with millions of rows.
  await seed('t-big', (i) => `ubig-${i}`, 8000, 1, 'big');
  await pool.query('ANALYZE TABLE sessions, alerts, risk_snapshots, audit_log');
}, 120_000);

afterAll(async () => {
  await dropPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
});

interface ExplainRow {
  table: string | null;
  type: string | null;
  key: string | null;
}

async function fullScans(sql: string, params: unknown[]): Promise<ExplainRow[]> {
  const [plan] = await pool.query<RowDataPacket[]>(`EXPLAIN ${sql}`, params);
  expect(plan.length).toBeGreaterThan(0);
  return (plan as ExplainRow[]).filter((r) => r.table !== null && (r.type === 'ALL' || r.type === 'index' || !r.key));
}

describe('the lifecycle queries use indexes (EXPLAIN)', () => {
  const ids = () => aOld.slice(0, RETENTION_BATCH);
  it.each([
    ['expired sessions of a tenant', () => expiredSessionsSql('t-a', new Date(NOW - 7 * DAY))],
    ['a candidate’s sessions', () => candidateSessionsSql('t-a', 'ua-1')],
    ...SESSION_CHILD_TABLES.map((t) => [`delete ${t} of a batch`, () => childDeleteSql(t, 't-a', ids())] as const),
    [
      'delete the batch’s sessions',
      () => ({ sql: 'DELETE FROM sessions WHERE tenant_id = ? AND session_id IN (?)', params: ['t-a', ids()] }),
    ],
    ['tenants with sessions', () => ({ sql: 'SELECT DISTINCT tenant_id FROM sessions', params: [] })],
  ] as const)('%s', async (_name, build) => {
    const { sql, params } = build();
    const scans = await fullScans(sql, params);
    expect(scans, JSON.stringify(scans)).toEqual([]);
  });

  it('the checker catches a full scan (negative control)', async () => {
    expect((await fullScans('SELECT session_id FROM sessions WHERE exam_config = ?', ['{}'])).length).toBeGreaterThan(
      0,
    );
  });
});

describe('retention', () => {
  it('stops after the batch budget and says there is more, then finishes', async () => {
    const first = await runRetention(pool, NOW, 1);
    expect(first.more).toBe(true);
    expect(first.sessions).toBeGreaterThanOrEqual(RETENTION_BATCH);
    const rest = await runRetention(pool, NOW);
    expect(rest.more).toBe(false);
    expect(first.sessions + rest.sessions).toBe(aOld.length + bOld.length);
    expect(first.alerts + rest.alerts).toBe(2 * (aOld.length + bOld.length));
  });

  it("deleted each tenant's expired sessions with every row that hangs off them", async () => {
    for (const [tenant, ids] of [
      ['t-a', aOld],
      ['t-b', bOld],
    ] as const) {
      expect(await count('sessions', 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(0);
      for (const table of SESSION_CHILD_TABLES) {
        expect(await count(table, 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(0);
      }
    }
  });

  it('left what is inside the limit untouched (7 days for t-a, the default 30 for t-b)', async () => {
    for (const [tenant, ids] of [
      ['t-a', aRecent],
      ['t-b', bInside],
    ] as const) {
      expect(await count('sessions', 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(ids.length);
      expect(await count('alerts', 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(2 * ids.length);
      expect(await count('risk_snapshots', 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(2 * ids.length);
      expect(await count('audit_log', 'tenant_id = ? AND session_id IN (?)', [tenant, ids])).toBe(ids.length);
    }
    expect((await runRetention(pool, NOW)).sessions).toBe(0);
  });
});

describe('erasure', () => {
  it('leaves no row and no Redis key of the candidate, and keeps everyone else', async () => {
    const victim = await seed('t-c', () => 'u-erase', 3, 1, 'victim');
    const other = await seed('t-c', () => 'u-keep', 2, 1, 'other');
    // The same user id in another tenant is another person: it must stay.
    const otherTenant = await seed('t-d', () => 'u-erase', 1, 1, 'tenant-d');
    const keysOf = (id: string) => [sessionStateKey(id, prefix), thumbnailSlotsKey(id, prefix), stateKey(id, prefix)];
    for (const id of [...victim, ...other, ...otherTenant]) {
      for (const k of keysOf(id)) await redis.set(k, 'x');
      await redis.zadd(livenessKey(livenessShard(id), prefix), NOW, id);
    }
    await pool.query(
      "INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES ('t-c', 'u-erase', 'admin-1')",
    );

    const [done] = await runPendingErasures(pool, redis, prefix);
    expect(done?.counts).toMatchObject({ sessions: 3, alerts: 6, risk_snapshots: 6, audit_log: 3, redisKeys: 9 });

    expect(await count('sessions', 'user_id = ? AND tenant_id = ?', ['u-erase', 't-c'])).toBe(0);
    for (const table of SESSION_CHILD_TABLES) {
      expect(await count(table, 'session_id IN (?)', [victim])).toBe(0);
    }
    for (const id of victim) {
      // The edge's state is an expiring marker (a batch in flight may still add its done marks to it), the rest gone.
      expect(await redis.hgetall(sessionStateKey(id, prefix))).toEqual({ status: 'erased' });
      expect(await redis.ttl(sessionStateKey(id, prefix))).toBeLessThanOrEqual(3600);
      for (const k of keysOf(id).slice(1)) expect(await redis.exists(k)).toBe(0);
      expect(await redis.zscore(livenessKey(livenessShard(id), prefix), id)).toBeNull();
      // Closed for good: the edge refuses to start it again and the consumer drops its records.
      expect(await redis.get(sessionTombstoneKey(id, prefix))).toBe('erased');
      expect(await redis.ttl(sessionTombstoneKey(id, prefix))).toBeGreaterThan(SESSION_TOMBSTONE_MAX_TTL_SECONDS - 60);
    }
    for (const id of [...other, ...otherTenant]) {
      for (const k of keysOf(id)) expect(await redis.exists(k)).toBe(1);
      expect(await redis.exists(sessionTombstoneKey(id, prefix))).toBe(0);
    }
    expect(await count('sessions', 'session_id IN (?)', [[...other, ...otherTenant]])).toBe(3);

    // The request row is the tombstone: who asked, when, counts; the candidate's id is gone from it too.
    const [rows] = await pool.query<RowDataPacket[]>('SELECT * FROM erasure_requests');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: null, requested_by: 'admin-1' });
    expect(rows[0]?.completed_at).toBeInstanceOf(Date);
    expect(JSON.stringify(rows)).not.toContain('u-erase');
    expect(await runPendingErasures(pool, redis, prefix)).toEqual([]);
  });

  it("erases the edge's keys on the edge's Redis and the processor's on its own when they are two", async () => {
    // The edge's "Upstash" as another database of the machine's Redis (db 1), with this file's prefix.
    const base = (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
    const edgeRedis = createRedisClient(`${base}/1`);
    try {
      const [victim] = await seed('t-split', () => 'u-split', 1, 1, 'victim');
      const id = victim!;
      await edgeRedis.hset(sessionStateKey(id, prefix), 'status', 'active');
      await redis.set(stateKey(id, prefix), 'x');
      await redis.zadd(livenessKey(livenessShard(id), prefix), NOW, id);
      await pool.query(
        "INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES ('t-split', 'u-split', 'admin-1')",
      );
      await runPendingErasures(pool, redis, prefix, 10, undefined, shardList([edgeRedis]));
      expect(await edgeRedis.hgetall(sessionStateKey(id, prefix))).toEqual({ status: 'erased' });
      expect(await edgeRedis.get(sessionTombstoneKey(id, prefix))).toBe('erased');
      expect(await redis.exists(stateKey(id, prefix))).toBe(0);
      expect(await redis.zscore(livenessKey(livenessShard(id), prefix), id)).toBeNull();
      expect(await redis.get(sessionTombstoneKey(id, prefix))).toBe('erased');
      // Nothing of the edge's was written on the processor's Redis.
      expect(await redis.exists(sessionStateKey(id, prefix))).toBe(0);
    } finally {
      await dropPrefix(edgeRedis, prefix);
      edgeRedis.disconnect();
    }
  });
});

describe('thumbnails in object storage (S3Proxy)', () => {
  const objects = stackObjectStore(stackConfig());
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
  const listed = async (prefix: string) => (await objects.list(prefix)).length;

  it("erasure deletes the candidate's thumbnails and slot keys, and keeps everyone else's", async () => {
    const tenant = randomName('t-thumb');
    const [victim] = await seed(tenant, () => 'u-thumb', 1, 1, 'victim');
    const [other] = await seed(tenant, () => 'u-stays', 1, 1, 'other');
    for (const id of [victim!, other!]) {
      await objects.put(thumbnailKey(tenant, id, 'evt-1'), jpeg, 'image/jpeg');
      await redis.set(thumbnailSlotsKey(id, prefix), 'x');
    }
    await pool.query('INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES (?, ?, ?)', [
      tenant,
      'u-thumb',
      'admin-1',
    ]);

    const [done] = await runPendingErasures(pool, redis, prefix, 10, objects);
    expect(done?.counts).toMatchObject({ sessions: 1, thumbnails: 1 });
    expect(await listed(thumbnailSessionPrefix(tenant, victim!))).toBe(0);
    expect(await redis.exists(thumbnailSlotsKey(victim!, prefix))).toBe(0);
    expect(await listed(thumbnailSessionPrefix(tenant, other!))).toBe(1);
    expect(await redis.exists(thumbnailSlotsKey(other!, prefix))).toBe(1);
  });

  it("retention deletes an expired session's thumbnails with it, and by age those of a session still kept", async () => {
    const tenant = randomName('t-thumb');
    const [expired] = await seed(tenant, () => 'u-1', 1, 40, 'expired');
    const [kept] = await seed(tenant, () => 'u-2', 1, 0, 'kept');
    await objects.put(thumbnailKey(tenant, expired!, 'evt-1'), jpeg, 'image/jpeg');
    await objects.put(thumbnailKey(tenant, kept!, 'evt-1'), jpeg, 'image/jpeg');

    // The 40-day-old session is past the default 30 days: its thumbnail goes with it although the object is new.
    expect((await runRetention(pool, NOW, 20, objects)).thumbnails).toBe(1);
    expect(await listed(thumbnailSessionPrefix(tenant, expired!))).toBe(0);
    expect(await listed(thumbnailSessionPrefix(tenant, kept!))).toBe(1);
    // A thumbnail never outlives the limit by its own age either: 31 days after it was stored it is gone.
    await pool.query('UPDATE sessions SET started_at = ? WHERE session_id = ?', [
      new Date(Date.now() + 30 * DAY),
      kept,
    ]);
    expect((await runRetention(pool, Date.now() + 31 * DAY, 20, objects)).thumbnails).toBeGreaterThanOrEqual(1);
    expect(await listed(thumbnailTenantPrefix(tenant))).toBe(0);
  });
});
