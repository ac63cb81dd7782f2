// Tenant policy end to end in real Chromium: an admin edits a schedule's thresholds and a candidate's accommodation
// in the dashboard; the candidate then starts at the real edge (workerd), which reads the published policy; the real
// processor stores the session; a proctor sees the accommodation and its reason but cannot edit the policy.
import { join } from 'node:path';
import { candidate } from '@proctor/testkit/edge';
import { waitFor } from '@proctor/testkit/stack';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useProcessorDashboard } from './processorDashboard.ts';
import { launchInBrowser, rand, SHOTS } from './testDashboard.ts';

const TENANT = `tenant-pol-${rand(3)}`;
const SCHEDULE = 'physics-final';
const USER = 'cand-acc';
const REASON = 'Extra look-away time: dyslexia';

const live = useProcessorDashboard({ withEdge: true });

async function signIn(role: 'proctor' | 'admin'): Promise<Page> {
  const context = await live.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  await launchInBrowser(page, live.app.url, await live.issuer.proctor(TENANT, `${role}-1`, role));
  return page;
}

describe('policy in Chromium', () => {
  let sessionId = '';

  it("an admin edits a schedule's thresholds and a candidate's accommodation", async () => {
    const page = await signIn('admin');
    // The schedule has no session yet: the admin names it on the tenant policy page.
    await page.goto(`${live.app.url}/admin/policy`);
    await page.fill('input[name="schedule"]', SCHEDULE);
    await page.click('text=Edit its policy');
    await page.waitForURL(`**/admin/schedules/${SCHEDULE}`);
    await page.fill('input[name="t.maxLookAwaySeconds"]', '4');
    await page.fill('input[name="t.noFaceMaxSeconds"]', '8');
    await page.fill('input[name="acc.0.userId"]', USER);
    await page.fill('input[name="acc.0.reason"]', REASON);
    await page.fill('input[name="acc.0.maxLookAwaySeconds"]', '12');
    await Promise.all([page.waitForNavigation(), page.click('text=Save policy')]);
    expect(await page.locator('#policy-saved').count(), `${page.url()}\n${await page.content()}`).toBe(1);
    expect(await page.textContent('#policy-saved')).toContain('version 1');
    // The saved values come back in the form, and the audit shows who changed what.
    expect(await page.inputValue('input[name="t.maxLookAwaySeconds"]')).toBe('4');
    expect(await page.inputValue('input[name="acc.0.reason"]')).toBe(REASON);
    await page.screenshot({ path: join(SHOTS, 'policy-admin-schedule.png'), fullPage: true });
    await page.goto(`${live.app.url}/admin/audit`);
    const row = await page.textContent('#policy-audit tbody tr');
    expect(row).toContain('admin-1');
    expect(row).toContain(`schedule ${SCHEDULE} policy v1`);
    expect(row).toContain(REASON);
    await page.context().close();
  });

  it('the candidate starts at the edge with that policy, and the processor stores the accommodation', async () => {
    const c = await candidate(live.edge!.url, {
      tenant_id: TENANT,
      exam_schedule_id: SCHEDULE,
      user_id: USER,
      attempt_no: 1,
    });
    const loosened = await c.callRetrying('/sessions/start', { examConfig: { noFaceMaxSeconds: 30 } });
    expect(loosened.status).toBe(403);
    expect(loosened.json.error.details.field).toBe('examConfig.noFaceMaxSeconds');
    const started = await c.callRetrying('/sessions/start', {});
    expect(started.status).toBe(201);
    expect(started.json.session.examConfig).toMatchObject({ maxLookAwaySeconds: 12, noFaceMaxSeconds: 8 });
    expect(started.json.config.accommodation).toMatchObject({ source: 'schedule', reason: REASON });
    sessionId = c.sessionId;
    await waitFor('the processor to store the session', async () => {
      const [rows] = await live.stack.db.pool.query('SELECT accommodation FROM sessions WHERE session_id = ?', [
        sessionId,
      ]);
      return (rows as unknown[]).length > 0;
    });
  });

  it('a proctor sees the accommodation and its reason on the session, but cannot edit it', async () => {
    const page = await signIn('proctor');
    await page.goto(`${live.app.url}/sessions/${sessionId}`);
    await page.waitForSelector('#accommodation');
    expect(await page.textContent('[data-role="accommodation-reason"]')).toBe(REASON);
    expect(await page.textContent('#accommodation')).toContain('maxLookAwaySeconds = 12');
    expect(await page.locator('#accommodation input, #accommodation form').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'policy-proctor-session.png'), fullPage: true });

    const editor = await page.goto(`${live.app.url}/admin/schedules/${SCHEDULE}`);
    expect(editor?.status()).toBe(403);
    expect(await page.locator('input[name="acc.0.reason"]').count()).toBe(0);
    // Not through the API from the proctor's own signed-in page either (same origin, cookie session).
    const status = await page.evaluate(async (schedule) => {
      const res = await fetch(`/api/admin/schedules/${schedule}/policy`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ policy: {}, expectedVersion: 1 }),
      });
      return res.status;
    }, SCHEDULE);
    expect(status).toBe(403);
    const [rows] = await live.stack.db.pool.query('SELECT version FROM policies WHERE exam_schedule_id = ?', [
      SCHEDULE,
    ]);
    expect(rows).toEqual([{ version: 1 }]);
    await page.context().close();
  });
});
