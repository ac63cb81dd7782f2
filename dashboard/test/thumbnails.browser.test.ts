// The alert card's thumbnail in Chromium: the session page loads no image until the proctor opens the reveal; then
// the image renders from the authenticated route and that one view is in the audit log.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { thumbnailKey } from '@proctor/contracts';
import { eraseSessionThumbnails } from '@proctor/contracts/objects';
import { launchChromium } from '@proctor/testkit/browser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchInBrowser, rand, SHOTS, testObjects, useTestDashboard } from './testDashboard.ts';

const JPEG = new Uint8Array(
  readFileSync(join(import.meta.dirname, '..', '..', 'edge', 'src', 'thumbnails', 'fixtures', 'ok-96.jpg')),
);
const tenant = `tenant-${rand(3)}`;
const dash = useTestDashboard('thumb-ui');
let browser: Browser;
let sessionId = '';
let alertId = '';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  sessionId = await dash.seedSession({ tenantId: tenant, scheduleId: 'exam-t', userId: 'cand-1', risk: 60 });
  const eventId = randomUUID();
  const at = Date.now() - 60_000;
  alertId = await dash.seedAlert({
    tenantId: tenant,
    sessionId,
    rule: 'multi_person',
    windowStart: at,
    explanation: '2 faces at 93% for 3 s',
    evidence: [{ eventId, timestamp: at + 1000, confidence: 0.93 }],
  });
  await testObjects.put(thumbnailKey(tenant, sessionId, eventId), JPEG, 'image/jpeg');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await eraseSessionThumbnails(testObjects, tenant, sessionId).catch(() => 0);
});

it('loads the thumbnail only when the proctor opens it, and audits that view', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const thumbnailRequests: string[] = [];
  page.on('request', (r) => r.url().includes('/thumbnail') && thumbnailRequests.push(r.url()));
  await launchInBrowser(page, dash.app.url, await dash.issuer.proctor(tenant, 'alice'), `/sessions/${sessionId}`);
  await page.waitForSelector(`#alert-${alertId} details.thumbnail`);
  await page.waitForTimeout(500);
  expect(thumbnailRequests).toEqual([]);

  await page.click(`#alert-${alertId} details.thumbnail summary`);
  const width = await page.waitForFunction(
    (id) => {
      const img = document.querySelector<HTMLImageElement>(`#alert-${id} details.thumbnail img`);
      return img?.complete && img.naturalWidth > 0 ? img.naturalWidth : 0;
    },
    alertId,
    { timeout: 10_000 },
  );
  expect(await width.jsonValue()).toBe(96);
  expect(thumbnailRequests).toEqual([`${dash.app.url}/api/alerts/${alertId}/thumbnail`]);
  await page.locator(`#alert-${alertId}`).screenshot({ path: join(SHOTS, 'alert-thumbnail.png') });
  const [rows] = await dash.db.pool.query(
    "SELECT actor, alert_id FROM audit_log WHERE tenant_id = ? AND action = 'view_thumbnail'",
    [tenant],
  );
  expect(rows).toEqual([{ actor: 'alice', alert_id: alertId }]);
  await page.close();
});
