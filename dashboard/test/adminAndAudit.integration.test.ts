// Admin pages and the review audit, against the built dashboard with real MariaDB and Redis: a notice is shown only
// when the server recorded what it says (a one-time flash, not the query string); a repeated review is one audit
// row; the whole audit pages back by keyset; a tenant policy save that would break a schedule's policy is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_PAGE } from '../src/server/queries/history.ts';
import { rand, signIn, useTestDashboard } from './testDashboard.ts';

const T = `tenant-aa-${rand(3)}`;
const SCHEDULE = 'exam-aa';

const dash = useTestDashboard('dash-admin');
let admin = '';
let sessionId = '';

beforeAll(async () => {
  sessionId = await dash.seedSession({ tenantId: T, scheduleId: SCHEDULE, userId: 'cand-aa' });
  admin = (await signIn(dash.app.url, await dash.issuer.proctor(T, 'admin-aa', 'admin'))).cookie;
}, 180_000);

const page = (path: string, cookie = admin) =>
  fetch(`${dash.app.url}${path}`, { headers: { cookie } }).then(async (r) => ({
    status: r.status,
    html: await r.text(),
  }));

/** A form POST from the dashboard's own page, as the browser sends it. */
const postForm = (path: string, fields: Record<string, string>) =>
  fetch(`${dash.app.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: admin, origin: dash.app.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

const api = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`${dash.app.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
};

describe('admin notices', () => {
  it('announce nothing a query string says: ?erasure=, ?saved=, ?error=', async () => {
    const audit = await page('/admin/audit?erasure=424242&error=Forged%20notice');
    expect(audit.status).toBe(200);
    expect(audit.html).not.toContain('424242');
    expect(audit.html).not.toContain('Forged notice');
    expect(audit.html).not.toContain('erasure-requested');
    const policy = await page('/admin/policy?saved=77&error=Forged%20notice');
    expect(policy.html).not.toContain('policy-saved');
    expect(policy.html).not.toContain('Forged notice');
    expect(policy.html).not.toContain('version 77');
  });

  it('announce an erasure the server recorded, once, on the page it was made from', async () => {
    const res = await postForm('/api/admin/erasure', { userId: 'cand-erased' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/audit');
    const [rows] = await dash.db.pool.query('SELECT MAX(id) AS n FROM erasure_requests WHERE tenant_id = ?', [T]);
    const n = (rows as { n: number }[])[0]?.n;
    const first = await page('/admin/audit');
    expect(first.html).toMatch(new RegExp(`id="erasure-requested"[^>]*>Erasure request ${n} recorded`));
    expect((await page('/admin/audit')).html).not.toContain('erasure-requested');
  });

  it('announce a refused erasure and a saved policy from what the server stored', async () => {
    await postForm('/api/admin/erasure', { userId: '' });
    expect((await page('/admin/audit')).html).toMatch(/class="state error" role="alert"[^>]*>userId/);
    const version = (await api('GET', '/api/admin/policy', await dash.issuer.proctor(T, 'admin-aa', 'admin'))).json
      .version as number;
    const saved = await postForm('/api/admin/policy', { version: String(version), retentionDays: '30' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/admin/policy');
    expect((await page('/admin/policy')).html).toContain(`Saved as version ${version + 1}.`);
    expect((await page('/admin/policy')).html).not.toContain('policy-saved');
  });
});

describe('the review audit', () => {
  it('a repeated review of one alert by one proctor with one outcome is one row', async () => {
    const alertId = await dash.seedAlert({ tenantId: T, sessionId, rule: 'no_face', windowStart: Date.now() - 90_000 });
    const alice = await dash.issuer.proctor(T, 'alice');
    const review = (token: string, action: string, note: string) =>
      api('POST', `/api/alerts/${alertId}/review`, token, { action, note });
    const first = await review(alice, 'dismiss', 'reflection on glasses');
    const again = await review(alice, 'dismiss', 'reflection on glasses');
    const reworded = await review(alice, 'dismiss', 'still a reflection');
    expect(first.status).toBe(200);
    expect(again.json.audit.id).toBe(first.json.audit.id);
    expect(reworded.json.audit.id).toBe(first.json.audit.id);
    // Another proctor, or another outcome, is another row.
    const bob = await review(await dash.issuer.proctor(T, 'bob'), 'dismiss', 'agree: reflection');
    const reopened = await review(alice, 'acknowledge', '');
    const rows = (await api('GET', `/api/sessions/${sessionId}/audit`, alice)).json.entries as { alertId: string }[];
    expect(rows.filter((r) => r.alertId === alertId)).toHaveLength(3);
    expect(new Set([first, bob, reopened].map((r) => r.json.audit.id)).size).toBe(3);
  });

  it('pages back through the whole audit, not only the newest page', async () => {
    const other = await dash.seedSession({ tenantId: T, scheduleId: SCHEDULE, userId: 'cand-many' });
    const total = AUDIT_PAGE * 2 + 7;
    // Rows sharing one millisecond too: the keyset is (created_at, id), so none is skipped or repeated.
    const at = new Date(Date.now() - 60_000);
    const values = Array.from({ length: total }, (_, i) => [T, other, null, `p-${i}`, 'note', `n${i}`, at]);
    await dash.db.pool.query(
      'INSERT INTO audit_log (tenant_id, session_id, alert_id, actor, action, note, created_at) VALUES ?',
      [values],
    );
    const token = await dash.issuer.proctor(T, 'pager');
    const seen: number[] = [];
    let before: string | null = '';
    for (let pages = 0; before !== null; pages++) {
      expect(pages).toBeLessThan(4);
      const q: string = before ? `?before=${encodeURIComponent(before)}` : '';
      const res = await api('GET', `/api/sessions/${other}/audit${q}`, token);
      expect(res.status).toBe(200);
      seen.push(...(res.json.entries as { id: number }[]).map((e) => e.id));
      before = res.json.next as string | null;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    // The session page links its older entries, down to the oldest row.
    const first = await page(`/sessions/${other}`);
    const older = /id="audit-older" href="([^"]+)"/.exec(first.html)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toBeTruthy();
    const second = await page(older!);
    expect(second.html).toContain(`data-audit-id="${seen[AUDIT_PAGE]}"`);
    expect((await api('GET', `/api/sessions/${other}/audit?before=nonsense`, token)).status).toBe(400);
  });
});

describe('tenant policy saves', () => {
  it('refuse one that a schedule policy would no longer combine with, naming the schedule', async () => {
    const token = await dash.issuer.proctor(T, 'admin-aa', 'admin');
    const schedulePath = `/api/admin/schedules/${SCHEDULE}/policy`;
    const scheduleVersion = (await api('GET', schedulePath, token)).json.version as number;
    const schedule = await api('POST', schedulePath, token, {
      policy: { thresholds: { maxLookAwaySeconds: 20 } },
      expectedVersion: scheduleVersion,
    });
    expect(schedule.status).toBe(200);
    const tenantVersion = (await api('GET', '/api/admin/policy', token)).json.version as number;
    const breaking = await api('POST', '/api/admin/policy', token, {
      policy: { thresholds: { maxLookAwayWindowSeconds: 15 } },
      expectedVersion: tenantVersion,
    });
    expect(breaking.status).toBe(409);
    expect(breaking.json.error.code).toBe('SCHEDULE_POLICY_CONFLICT');
    expect(breaking.json.error.message).toContain(`schedule ${SCHEDULE}`);
    expect(breaking.json.error.message).toMatch(/maxLookAwaySeconds/);
    expect((await api('GET', '/api/admin/policy', token)).json.version).toBe(tenantVersion);
    // A tenant window the schedule still fits in is saved.
    const fine = await api('POST', '/api/admin/policy', token, {
      policy: { thresholds: { maxLookAwayWindowSeconds: 25 } },
      expectedVersion: tenantVersion,
    });
    expect(fine.status).toBe(200);
  });
});
