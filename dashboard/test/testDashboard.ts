// The dashboard under test against the real local stack: a throwaway MySQL database with the real
// migrations, a random Redis prefix, an RS256 issuer made here, and the built site run as a standalone server.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  deriveAlertId,
  deriveSessionId,
  type Evidence,
  EXAM_CONFIG_DEFAULTS,
  livenessKey,
  livenessShard,
  type ProctorRecord,
  thumbnailKey,
} from '@proctor/contracts';
import { createRedisClient, publishLiveChanges, type RedisClient } from '@proctor/contracts/redis';
import { stackConfig } from '@proctor/infra/stack/config';
import { stackObjectStore } from '@proctor/infra/stack/health';
import {
  buildDashboardSite,
  createIssuer,
  dropPrefix,
  freePort,
  freshDatabase,
  type Issuer,
  type RunningDashboard,
  startDashboard,
  TEST_DASHBOARD_AUDIENCE,
  TEST_ISSUER,
  type TestDb,
} from '@proctor/testkit';
import type { TestEnv } from '@proctor/testkit/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the browser tests put their screenshots. */
export const SHOTS = join(DASHBOARD_DIR, '..', 'test-output', 'dashboard');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const rand = (n = 6) => randomBytes(n).toString('hex');

export type { TestDb } from '@proctor/testkit';

/** A throwaway migrated database (the testkit's), DECIMALs as numbers as the dashboard reads them. */
export const createTestDb = () => freshDatabase({ prefix: 'proctor_dash', connectionLimit: 4, decimalNumbers: true });

/** Builds the site into its own folder under dist/ (so parallel test files never share one); serialised by flock. */
export function buildDashboard(): string {
  const outDir = join(DASHBOARD_DIR, 'dist', `test-${rand(4)}`);
  buildDashboardSite(outDir, 170_000);
  return outDir;
}

/** The tests' exam platform: its pages are served by the browser itself (page.route); dashboards trust its origin. */
export const TEST_PLATFORM = 'http://platform.test';

/** The server's env for a test: real MySQL database, real Redis with a random prefix, the test issuer's key. */
export function dashboardEnv(db: TestDb, issuer: Issuer, redisPrefix: string): Record<string, string> {
  return {
    JWT_PUBLIC_KEY: issuer.publicKeyPem,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_DASHBOARD_AUDIENCE,
    MYSQL_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    COOKIE_SECRET: rand(32),
    PLATFORM_ORIGINS: TEST_PLATFORM,
    // Test files sign one proctor in many times a minute; signIn.integration.test.ts tests the real budgets.
    MAX_SESSIONS_PER_PROCTOR: '50',
    SIGNIN_PER_MINUTE_PER_PROCTOR: '1000',
    SIGNIN_PER_MINUTE_PER_ADDRESS: '10000',
    S3_ENDPOINT: s3.url,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_REGION: 'us-east-1',
  };
}

const { s3 } = stackConfig();
/** The stack's thumbnails bucket (S3Proxy), as the edge writes to it. */
export const testObjects = stackObjectStore(stackConfig());

/** A tiny valid JPEG (SOI, a 1×1 frame header, EOI): what the edge would have stored for one event. */
export const TINY_JPEG = new Uint8Array([
  0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9,
]);

export async function seedThumbnail(tenantId: string, sessionId: string, eventId: string): Promise<void> {
  await testObjects.put(thumbnailKey(tenantId, sessionId, eventId), TINY_JPEG, 'image/jpeg');
}

function testRedis(): RedisClient {
  return createRedisClient(REDIS_URL);
}

/** Deletes every key under a test's prefix (the testkit's one copy). */
export const cleanRedis = dropPrefix;

// ——— seeding, the way the processor writes ———

export interface SeedSession {
  tenantId: string;
  scheduleId: string;
  userId: string;
  risk?: number;
  status?: 'active' | 'ended';
  startedAt?: number;
}

export async function seedSession(db: TestDb, s: SeedSession): Promise<string> {
  const sessionId = await deriveSessionId({
    tenant_id: s.tenantId,
    exam_schedule_id: s.scheduleId,
    user_id: s.userId,
    attempt_no: 1,
  });
  const started = new Date(s.startedAt ?? Date.now() - 20 * 60_000);
  await db.pool.query(
    `INSERT INTO sessions (session_id, tenant_id, exam_schedule_id, user_id, attempt_no, status, exam_config,
       started_at, ended_at, last_seen_at, risk_score)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE status = VALUES(status), risk_score = VALUES(risk_score)`,
    [
      sessionId,
      s.tenantId,
      s.scheduleId,
      s.userId,
      s.status ?? 'active',
      JSON.stringify({ maxLookAwaySeconds: 5, maxLookAwayWindowSeconds: 30 }),
      started,
      s.status === 'ended' ? new Date() : null,
      new Date(),
      s.risk ?? 0,
    ],
  );
  return sessionId;
}

export interface SeedAlert {
  tenantId: string;
  sessionId: string;
  rule?: 'look_away' | 'multi_person' | 'no_face' | 'camera_blocked' | 'camera_lost' | 'connection_lost';
  severity?: 'low' | 'medium' | 'high' | 'critical';
  windowStart?: number;
  confidence?: number;
  explanation?: string;
  evidence?: Evidence[];
}

/** An alert upserted by its deterministic id, as the processor does (INSERT … ON DUPLICATE KEY UPDATE). */
export async function seedAlert(db: TestDb, a: SeedAlert): Promise<string> {
  const rule = a.rule ?? 'look_away';
  const windowStart = a.windowStart ?? Date.now() - 30_000;
  const alertId = await deriveAlertId(a.sessionId, rule, Math.floor(windowStart / 30_000));
  const evidence = a.evidence ?? [
    { eventId: crypto.randomUUID(), timestamp: windowStart + 2_000, confidence: 0.91, durationMillis: 4_000 },
    { eventId: crypto.randomUUID(), timestamp: windowStart + 12_000, confidence: 0.87, durationMillis: 3_500 },
  ];
  await db.pool.query(
    `INSERT INTO alerts (alert_id, tenant_id, session_id, rule, severity, window_start, window_end, evidence,
       confidence, explanation, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
     ON DUPLICATE KEY UPDATE evidence = VALUES(evidence), confidence = VALUES(confidence),
       window_end = VALUES(window_end), explanation = VALUES(explanation), severity = VALUES(severity)`,
    [
      alertId,
      a.tenantId,
      a.sessionId,
      rule,
      a.severity ?? 'high',
      new Date(windowStart),
      new Date(windowStart + 30_000),
      JSON.stringify(evidence),
      a.confidence ?? 0.89,
      a.explanation ?? '7.5 s looking away within 30 s (limit 5 s)',
    ],
  );
  return alertId;
}

async function seedSnapshots(db: TestDb, tenantId: string, sessionId: string, scores: number[]): Promise<void> {
  const start = Date.now() - scores.length * 10_000;
  for (const [i, score] of scores.entries()) {
    await db.pool.query(
      `INSERT INTO risk_snapshots (session_id, bucket_start, tenant_id, score, contributions) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE score = VALUES(score), contributions = VALUES(contributions)`,
      [
        sessionId,
        new Date(start + i * 10_000),
        tenantId,
        score,
        JSON.stringify([{ rule: 'look_away', points: score }]),
      ],
    );
  }
}

/**
 * The change notice the processor sends after its commit, for rows seeded here: the session's schedule is read back
 * from its row, as the processor's publisher does. Returns the notice's sequence number.
 */
export async function announce(
  db: TestDb,
  redis: RedisClient,
  prefix: string,
  change: { sessionId: string; alertIds?: string[] },
): Promise<string> {
  const [found] = await db.pool.query('SELECT tenant_id, exam_schedule_id FROM sessions WHERE session_id = ?', [
    change.sessionId,
  ]);
  const row = (found as { tenant_id: string; exam_schedule_id: string }[])[0];
  if (!row) throw new Error(`announce: no session ${change.sessionId}`);
  const seq = await publishLiveChanges(redis, prefix, [
    {
      tenantId: row.tenant_id,
      scheduleId: row.exam_schedule_id,
      sessionIds: [change.sessionId],
      alertIds: change.alertIds ?? [],
    },
  ]);
  return seq as string;
}

/** Marks a session live in Redis the way the edge does: its deadline in the liveness shard. */
export async function markLive(redis: RedisClient, prefix: string, sessionId: string, deadline = Date.now() + 60_000) {
  await redis.zadd(livenessKey(livenessShard(sessionId), prefix), deadline, sessionId);
}

/**
 * Signs in the way a platform launch does: a form POST of the token to /login (from the platform's origin, or
 * `origin`). Returns the response and the `name=value` of the session cookie it set ('' when none).
 */
export async function signIn(
  appUrl: string,
  token: string,
  next?: string,
  origin = TEST_PLATFORM,
): Promise<{ res: Response; cookie: string }> {
  const res = await fetch(`${appUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ token, ...(next === undefined ? {} : { next }) }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /^__Host-proctor_session=[^;]+/.exec(setCookie)?.[0] ?? '';
  return { res, cookie };
}

/** A platform's launch page: a form that POSTs the token (and `next`) to the dashboard's /login when submitted. */
function launchPageHtml(appUrl: string, token: string, next = '/', autoSubmit = false): string {
  const attr = (v: string) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  return (
    `<!doctype html><form method="post" action="${attr(appUrl)}/login">` +
    `<input type="hidden" name="token" value="${attr(token)}"><input type="hidden" name="next" value="${attr(next)}">` +
    `</form>${autoSubmit ? '<script>document.forms[0].submit()</script>' : ''}`
  );
}

/**
 * The built site over a testEnv's database and Redis prefix (the ones its processor and edge use), so what they
 * write shows on the dashboard. Builds first, then starts on `port` (a free one unless given).
 */
export async function startStackDashboard(stack: TestEnv, issuer: Issuer, port?: number): Promise<RunningDashboard> {
  const outDir = buildDashboard();
  return startDashboard({
    outDir,
    port: port ?? (await freePort()),
    env: dashboardEnv(stack.db, issuer, stack.prefix),
  });
}

/** One test file's dashboard: its own database, issuer, Redis prefix and built site on a free port. */
interface TestDashboard {
  app: RunningDashboard;
  db: TestDb;
  issuer: Issuer;
  redis: RedisClient;
  prefix: string;
  /** The environment the dashboard was started with. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface TestDashboardOptions {
  port?: number;
  env?: Record<string, string>;
}

/** Starts a TestDashboard; `name` goes into the Redis prefix, `env` is laid over the usual environment. */
async function startTestDashboard(name: string, options: TestDashboardOptions = {}): Promise<TestDashboard> {
  const prefix = `test-${name}-${rand()}`;
  const redis = testRedis();
  const [db, issuer] = await Promise.all([createTestDb(), createIssuer()]);
  const env = { ...dashboardEnv(db, issuer, prefix), ...options.env };
  try {
    const app = await startDashboard({ outDir: buildDashboard(), port: options.port ?? (await freePort()), env });
    return { app, db, issuer, redis, prefix, env, stop: () => stopAll({ app, db, redis, prefix }) };
  } catch (err) {
    // The file's afterAll sees none of this: clean up here what a failed start leaves behind.
    await stopAll({ db, redis, prefix });
    throw err;
  }
}

/** Stops what a dashboard test file started and removes its data. */
async function stopAll(t: { app?: RunningDashboard; db?: TestDb; redis?: RedisClient; prefix?: string }) {
  await t.app?.stop();
  await t.db?.drop();
  if (t.redis && t.prefix) await cleanRedis(t.redis, t.prefix);
  t.redis?.disconnect();
}

/** The same launch in a browser: the platform's launch page submits a form with the token to /login. */
export async function launchInBrowser(page: Page, appUrl: string, token: string, next = '/'): Promise<void> {
  const launchUrl = `${TEST_PLATFORM}/launch`;
  await page.route(launchUrl, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: launchPageHtml(appUrl, token, next, true) }),
  );
  try {
    await page.goto(launchUrl);
    await page.waitForURL((u) => u.href.startsWith(appUrl));
  } finally {
    await page.unroute(launchUrl);
  }
}

/**
 * A test file's one dashboard, with the seeding bound to its database and Redis prefix. Seeded sessions and alerts
 * are announced on the change stream as the processor's writes are, so open live streams see them.
 */
export interface DashboardFixture extends Omit<TestDashboard, 'stop'> {
  seedSession(s: SeedSession): Promise<string>;
  seedAlert(a: SeedAlert): Promise<string>;
  seedSnapshots(tenantId: string, sessionId: string, scores: number[]): Promise<void>;
  markLive(sessionId: string, deadline?: number): Promise<void>;
  /** A multi-person alert of a minute ago whose one evidence event has a stored thumbnail; returns its id. */
  seedThumbnailAlert(t: { tenantId: string; sessionId: string; eventId: string }): Promise<string>;
}

/**
 * The file's TestDashboard, started in a beforeAll registered here (so before the file's own, which may seed it) and
 * stopped in an afterAll (after the file's own). Its fields are there once that beforeAll has run.
 */
export function useTestDashboard(name: string, options: TestDashboardOptions = {}): DashboardFixture {
  let started: TestDashboard | undefined;
  beforeAll(async () => {
    started = await startTestDashboard(name, options);
  }, 180_000);
  afterAll(() => started?.stop());
  const the = (): TestDashboard => {
    if (!started) throw new Error(`the ${name} dashboard is read before its beforeAll started it`);
    return started;
  };
  const announcedAlert = async (a: SeedAlert) => {
    const alertId = await seedAlert(the().db, a);
    await announce(the().db, the().redis, the().prefix, { sessionId: a.sessionId, alertIds: [alertId] });
    return alertId;
  };
  const fixture = {
    async seedSession(s: SeedSession) {
      const sessionId = await seedSession(the().db, s);
      await announce(the().db, the().redis, the().prefix, { sessionId });
      return sessionId;
    },
    seedAlert: announcedAlert,
    seedSnapshots: (tenantId: string, sessionId: string, scores: number[]) =>
      seedSnapshots(the().db, tenantId, sessionId, scores),
    markLive: (sessionId: string, deadline?: number) => markLive(the().redis, the().prefix, sessionId, deadline),
    async seedThumbnailAlert({
      tenantId,
      sessionId,
      eventId,
    }: {
      tenantId: string;
      sessionId: string;
      eventId: string;
    }) {
      const at = Date.now() - 60_000;
      const evidence = [{ eventId, timestamp: at + 1000, confidence: 0.93 }];
      const alertId = await announcedAlert({
        tenantId,
        sessionId,
        rule: 'multi_person',
        windowStart: at,
        evidence,
      });
      await seedThumbnail(tenantId, sessionId, eventId);
      return alertId;
    },
  } as DashboardFixture;
  for (const key of ['app', 'db', 'issuer', 'redis', 'prefix', 'env'] as const) {
    Object.defineProperty(fixture, key, { get: () => the()[key], enumerable: true });
  }
  return fixture;
}

/**
 * A candidate's exam as the processor would receive it from the edge: the record fields every record of the session
 * shares, and its session_started a minute ago with the default exam config.
 */
export async function startedExam(identity: {
  tenant_id: string;
  exam_schedule_id: string;
  user_id: string;
  attempt_no: number;
}): Promise<{ base: { schemaVersion: 1; tenantId: string; sessionId: string }; started: ProctorRecord }> {
  const sessionId = await deriveSessionId(identity);
  const base = { schemaVersion: 1 as const, tenantId: identity.tenant_id, sessionId };
  const startedAt = Date.now() - 60_000;
  const started: ProctorRecord = {
    ...base,
    kind: 'session_started',
    receivedAt: startedAt,
    session: {
      examScheduleId: identity.exam_schedule_id,
      userId: identity.user_id,
      attemptNo: identity.attempt_no,
      examConfig: { ...EXAM_CONFIG_DEFAULTS },
      startedAt,
    },
  };
  return { base, started };
}

/** Three 3 s LOOK_AWAY events inside 30 s (9 s in all, over the default 5 s limit): one look-away alert's worth. */
export function lookAwayOverLimit(
  base: { schemaVersion: 1; tenantId: string; sessionId: string },
  now = Date.now(),
): ProctorRecord[] {
  return [-20_000, -12_000, -4_000].map((offset) => ({
    ...base,
    kind: 'event',
    receivedAt: now,
    event: {
      eventId: crypto.randomUUID(),
      type: 'LOOK_AWAY',
      timestamp: now + offset,
      confidence: 0.9,
      details: { durationMillis: 3_000, direction: 'LEFT' },
    },
  }));
}
