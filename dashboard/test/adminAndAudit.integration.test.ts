// Admin pages and the review audit, against the built dashboard with real MariaDB and Redis: a notice is shown only
// when the server recorded what it says (a one-time flash, not the query string); a repeated review is one audit
// row; the whole audit pages back by keyset; a tenant policy save that would break a schedule's policy is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { rand, signIn, useTestDashboard } from './harness.ts';

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
    const [{ n }] = (
      await dash.db.pool.query('SELECT MAX(id) AS n FROM erasure_requests WHERE tenant_id = ?', [T])
    )[0] as { n: number }[];
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
