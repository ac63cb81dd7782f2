// The dashboard when a dependency is down: without Redis it still serves history and says live state is
// unavailable; without MySQL the API answers 503 in the error envelope and pages show an error, not a crash.

import { createIssuer, type Issuer, type RunningDashboard, startDashboard } from '@proctor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, createTestDb, dashboardEnv, rand, seedSession, signIn, type TestDb } from './testDashboard.ts';

// Nothing listens on port 1: connections are refused at once.
const CLOSED = '127.0.0.1:1';
let db: TestDb;
let issuer: Issuer;
let noRedis: RunningDashboard;
let noMysql: RunningDashboard;
const tenant = `tenant-d-${rand(3)}`;

beforeAll(async () => {
  [db, issuer] = await Promise.all([createTestDb(), createIssuer()]);
  await seedSession(db, { tenantId: tenant, scheduleId: 'exam-d', userId: 'cand-d', risk: 30 });
  const env = dashboardEnv(db, issuer, `test-deg-${rand()}`);
  noRedis = await startDashboard({
    outDir: buildDashboard(),
    port: 14405,
    env: { ...env, REDIS_URL: `redis://${CLOSED}` },
  });
  noMysql = await startDashboard({
    outDir: buildDashboard(),
    port: 14406,
    env: { ...env, MYSQL_URL: `mysql://root@${CLOSED}/proctor` },
  });
}, 180_000);

afterAll(async () => {
  await noRedis?.stop();
  await noMysql?.stop();
  await db?.drop();
});

const auth = async () => ({ authorization: `Bearer ${await issuer.proctor(tenant)}` });

describe('Redis down', () => {
  it('serves sessions from MySQL, flags live state as degraded and presence as unknown', async () => {
    const started = Date.now();
    const res = await fetch(`${noRedis.url}/api/schedules/exam-d/sessions`, { headers: await auth() });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.liveStateDegraded).toBe(true);
    expect(body.sessions.map((s: { userId: string; presence: string }) => [s.userId, s.presence])).toEqual([
      ['cand-d', 'unknown'],
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('says so on the page (a bearer token: browser sessions live in Redis)', async () => {
    const page = await fetch(`${noRedis.url}/schedules/exam-d`, { headers: await auth() });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Live connection state is unavailable right now');
  });

  it('sign-in answers 503 with a message, not a crash, and sets no cookie', async () => {
    const { res, cookie } = await signIn(noRedis.url, await issuer.proctor(tenant));
    expect(res.status).toBe(503);
    expect(cookie).toBe('');
    expect(await res.text()).toContain('Sign-in is unavailable right now');
  });
});

describe('MySQL down', () => {
  it('the API answers 503 SERVICE_UNAVAILABLE in the envelope', async () => {
    const res = await fetch(`${noMysql.url}/api/schedules`, { headers: await auth() });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('the overview page shows an error state with a reference instead of crashing', async () => {
    const { cookie } = await signIn(noMysql.url, await issuer.proctor(tenant));
    const page = await fetch(`${noMysql.url}/`, { headers: { cookie } });
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain('The exam list could not be loaded');
    expect(html).toContain(page.headers.get('x-request-id') as string);
  });
});
