// Alert thumbnails in the built dashboard against S3Proxy and MariaDB: served to the tenant's proctors only, every
// view audited before the bytes leave, never cached, absent after erasure; another tenant gets the same 404 as none.
import { randomUUID } from 'node:crypto';
import { eraseSessionThumbnails } from '@proctor/contracts/objects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rand, TINY_JPEG, testObjects, useTestDashboard } from './testDashboard.ts';

const A = `tenant-a-${rand(3)}`;
const B = `tenant-b-${rand(3)}`;
const a = { session: '', withThumb: '', without: '', eventId: randomUUID() };
const b = { session: '', alert: '' };

const dash = useTestDashboard('thumb');

beforeAll(async () => {
  a.session = await dash.seedSession({ tenantId: A, scheduleId: 'exam-a', userId: 'cand-1', risk: 70 });
  a.withThumb = await dash.seedThumbnailAlert({ tenantId: A, sessionId: a.session, eventId: a.eventId });
  const at = Date.now() - 60_000;
  a.without = await dash.seedAlert({ tenantId: A, sessionId: a.session, rule: 'look_away', windowStart: at });
  // Tenant B has a session and a thumbnail of its own under the same event id: ids must never be enough.
  b.session = await dash.seedSession({ tenantId: B, scheduleId: 'exam-b', userId: 'cand-1' });
  b.alert = await dash.seedAlert({
    tenantId: B,
    sessionId: b.session,
    rule: 'multi_person',
    evidence: [{ eventId: a.eventId, timestamp: at + 1000, confidence: 0.9 }],
  });
  await testObjects.put(`thumbnails/${B}/${b.session}/${a.eventId}`, new Uint8Array([...TINY_JPEG, 0]), 'image/jpeg');
}, 180_000);

afterAll(async () => {
  await eraseSessionThumbnails(testObjects, A, a.session).catch(() => 0);
  await eraseSessionThumbnails(testObjects, B, b.session).catch(() => 0);
});

const get = async (path: string, tenant: string, sub = `proctor-${tenant}`) =>
  fetch(`${dash.app.url}${path}`, { headers: { authorization: `Bearer ${await dash.issuer.proctor(tenant, sub)}` } });

async function views(tenant: string): Promise<{ actor: string; alert_id: string; note: string }[]> {
  const [rows] = await dash.db.pool.query(
    "SELECT actor, alert_id, note FROM audit_log WHERE tenant_id = ? AND action = 'view_thumbnail' ORDER BY id",
    [tenant],
  );
  return rows as { actor: string; alert_id: string; note: string }[];
}

describe('alert thumbnails in the dashboard', () => {
  it("serves the alert's thumbnail to its tenant's proctor, uncached, and audits each view (who, when, which)", async () => {
    const res = await get(`/api/alerts/${a.withThumb}/thumbnail`, A, 'alice');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toMatch(/\bno-store\b/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(TINY_JPEG);
    expect((await get(`/api/alerts/${a.withThumb}/thumbnail`, A, 'bob')).status).toBe(200);
    expect(await views(A)).toEqual([
      { actor: 'alice', alert_id: a.withThumb, note: `event ${a.eventId}` },
      { actor: 'bob', alert_id: a.withThumb, note: `event ${a.eventId}` },
    ]);
    const audit = await (await get(`/api/sessions/${a.session}/audit`, A)).json();
    expect(audit.entries ?? audit).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'view_thumbnail', actor: 'bob' })]),
    );
  });

  it('lists which evidence has a thumbnail on the session and shows the reveal only on that alert card', async () => {
    const detail = await (await get(`/api/sessions/${a.session}`, A)).json();
    expect(detail.thumbnailEventIds).toEqual([a.eventId]);
    const page = await (await get(`/sessions/${a.session}`, A)).text();
    expect(page).toContain(`data-thumbnail-src="/api/alerts/${a.withThumb}/thumbnail"`);
    expect(page).not.toContain(`/api/alerts/${a.without}/thumbnail`);
    // The page itself never embeds or fetches the image: only opening the reveal does.
    expect(page).not.toMatch(/<img[^>]+src=/);
  });

  it('answers 404 for an alert without a thumbnail, and audits nothing', async () => {
    const before = (await views(A)).length;
    const res = await get(`/api/alerts/${a.without}/thumbnail`, A);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
    expect((await views(A)).length).toBe(before);
  });

  it("gives another tenant's proctor the same 404 as a missing alert, and serves B only B's own image", async () => {
    const foreign = await get(`/api/alerts/${a.withThumb}/thumbnail`, B);
    const missing = await get(`/api/alerts/${'e'.repeat(64)}/thumbnail`, B);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = async (r: Response) => ({ ...(await r.json()).error, requestId: '' });
    expect(await strip(foreign)).toEqual(await strip(missing));
    expect(await views(B)).toEqual([]);
    const own = await get(`/api/alerts/${b.alert}/thumbnail`, B);
    expect(new Uint8Array(await own.arrayBuffer())).toEqual(new Uint8Array([...TINY_JPEG, 0]));
    expect((await get(`/api/sessions/${a.session}`, B)).status).toBe(404);
  });

  it('after erasure the thumbnail is gone from the card and the route', async () => {
    expect(await eraseSessionThumbnails(testObjects, A, a.session)).toBe(1);
    expect((await get(`/api/alerts/${a.withThumb}/thumbnail`, A)).status).toBe(404);
    expect((await (await get(`/api/sessions/${a.session}`, A)).json()).thumbnailEventIds).toEqual([]);
  });
});
