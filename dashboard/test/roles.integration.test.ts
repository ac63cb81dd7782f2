// Role matrix over EVERY page of the built dashboard (proctor vs admin, enforced on the server; the API's routes are
// in test/api/routes.security.integration.test.ts's table), and
// the admin's policy flow on real MariaDB and Redis: saved, audited with before/after, published for the edge.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PublishedPolicy, tenantPolicyKey } from '@proctor/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DIR, rand, useTestDashboard } from './testDashboard.ts';

const T = `tenant-r-${rand(3)}`;
const ids = { schedule: 'exam-r', session: '', alert: '' };

const dash = useTestDashboard('roles');

type Role = 'proctor' | 'admin';
const token = (role: Role) => dash.issuer.proctor(T, `${role}-1`, role);

async function call(role: Role | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = role ? { authorization: `Bearer ${await token(role)}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const controller = new AbortController();
  const res = await fetch(`${dash.app.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: controller.signal,
  });
  const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? '' : await res.text();
  controller.abort();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** Every page file, with a URL and whether it needs admin; a new page without an entry fails the coverage test. */
const PAGES: Record<string, { url: () => string; admin: boolean } | 'public'> = {
  'index.astro': { url: () => '/', admin: false },
  'schedules/[scheduleId].astro': { url: () => `/schedules/${ids.schedule}`, admin: false },
  'sessions/[sessionId].astro': { url: () => `/sessions/${ids.session}`, admin: false },
  'admin/policy.astro': { url: () => '/admin/policy', admin: true },
  'admin/schedules/[scheduleId].astro': { url: () => `/admin/schedules/${ids.schedule}`, admin: true },
  'admin/audit.astro': { url: () => '/admin/audit', admin: true },
  'login.astro': 'public',
  'logout.ts': 'public',
  'exam.astro': 'public',
  '404.astro': 'public',
};

beforeAll(async () => {
  ids.session = await dash.seedSession({ tenantId: T, scheduleId: ids.schedule, userId: 'cand-1', risk: 40 });
  // The alert illustrated by a thumbnail, so the thumbnail route has something to serve to an allowed role.
  ids.alert = await dash.seedThumbnailAlert({ tenantId: T, sessionId: ids.session, eventId: 'evt-roles-1' });
}, 180_000);

describe('role matrix: every page', () => {
  it('covers every page file', () => {
    const root = join(DASHBOARD_DIR, 'src', 'pages');
    const files = (readdirSync(root, { recursive: true }) as string[])
      .map((f) => relative(root, join(root, f)))
      .filter((f) => /\.(astro|ts)$/.test(f) && !f.startsWith('api/') && !f.startsWith('api\\'));
    expect(files.sort()).toEqual(Object.keys(PAGES).sort());
  });

  const pages = Object.entries(PAGES).filter(([, p]) => p !== 'public') as [
    string,
    { url: () => string; admin: boolean },
  ][];
  it.each(pages)('%s: admin 200; proctor %s', async (_file, page) => {
    expect((await call('admin', 'GET', page.url())).status).toBe(200);
    const asProctor = await call('proctor', 'GET', page.url());
    expect(asProctor.status).toBe(page.admin ? 403 : 200);
    if (page.admin) expect(asProctor.text).not.toContain('Save policy');
  });
});

describe('the admin edits policy', () => {
  it('saves, audits who/when/before/after, and publishes a versioned value for the edge', async () => {
    const before = (await call('admin', 'GET', '/api/admin/policy')).json();
    const policy = { thresholds: { maxLookAwaySeconds: 4 }, retentionDays: 14, thumbnails: { enabled: true } };
    const saved = await call('admin', 'POST', '/api/admin/policy', { policy, expectedVersion: before.version });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json()).toEqual({ version: before.version + 1, published: true });

    const published = PublishedPolicy.parse(
      JSON.parse((await dash.redis.get(tenantPolicyKey(T, dash.prefix))) ?? 'null'),
    );
    expect(published.version).toBe(before.version + 1);
    expect(published.policy).toMatchObject({ retentionDays: 14, thumbnails: { enabled: true, maxPerHour: 6 } });

    const audit = (await call('admin', 'GET', '/api/admin/audit')).json();
    const entry = audit.entries.find((e: { version: number }) => e.version === before.version + 1);
    expect(entry).toMatchObject({ actor: 'admin-1', action: 'policy_saved', after: { retentionDays: 14 } });
    expect(entry.before).toEqual(before.version ? before.policy : null);
    expect(Math.abs(entry.createdAt - Date.now())).toBeLessThan(60_000);

    // A second edit from the old version is a conflict, not a silent overwrite.
    const stale = await call('admin', 'POST', '/api/admin/policy', { policy: {}, expectedVersion: before.version });
    expect(stale.status).toBe(409);
    expect(stale.json().error.code).toBe('POLICY_VERSION_CONFLICT');
  });

  it('refuses what cannot be saved, with a message naming the field', async () => {
    const path = `/api/admin/schedules/${ids.schedule}/policy`;
    const version = (await call('admin', 'GET', path)).json().version;
    const retention = await call('admin', 'POST', path, { policy: { retentionDays: 5 }, expectedVersion: version });
    expect(retention.status).toBe(400);
    expect(retention.json().error.message).toMatch(/retentionDays/);
    const clash = await call('admin', 'POST', path, {
      policy: { thresholds: { maxLookAwaySeconds: 100, maxLookAwayWindowSeconds: 50 } },
      expectedVersion: version,
    });
    expect(clash.status).toBe(400);
    expect(clash.json().error.message).toMatch(/maxLookAwaySeconds/);
  });

  it('a proctor cannot save: nothing changes in MySQL or Redis', async () => {
    const path = `/api/admin/schedules/proctor-try/policy`;
    const res = await call('proctor', 'POST', path, {
      policy: { thresholds: { maxLookAwaySeconds: 600 } },
      expectedVersion: 0,
    });
    expect(res.status).toBe(403);
    const [rows] = await dash.db.pool.query("SELECT * FROM policies WHERE exam_schedule_id = 'proctor-try'");
    expect(rows).toEqual([]);
    expect(await dash.redis.exists(`${dash.prefix}:{policy:${T}}:v1:schedule:proctor-try`)).toBe(0);
  });

  it('records an erasure request with a tombstone that does not name the candidate', async () => {
    const res = await call('admin', 'POST', '/api/admin/erasure', { userId: 'cand-erase-me' });
    expect(res.status).toBe(202);
    const { requestId } = res.json();
    const audit = (await call('admin', 'GET', '/api/admin/audit')).json();
    const tombstone = audit.entries.find(
      (e: { action: string; after: { requestId?: number } }) =>
        e.action === 'erasure_requested' && e.after?.requestId === requestId,
    );
    expect(tombstone).toMatchObject({ actor: 'admin-1' });
    expect(JSON.stringify(audit.entries)).not.toContain('cand-erase-me');
    expect(audit.erasures.find((e: { requestId: number }) => e.requestId === requestId)).toMatchObject({
      completedAt: null,
    });
  });
});
