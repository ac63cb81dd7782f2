// The live path with the real processor: session_started and LOOK_AWAY records go to a Kafka topic keyed by
// sessionId (the edge's ProctorRecord shape), the processor raises the alert into MySQL, and the dashboard open
// in Chromium shows it without a reload. Measured from the produce being acknowledged to the alert on screen.
// (The edge is bypassed on purpose: see the dashboard report — the REST bridge's JSON-encoded keys are
// dead-lettered by the processor as key_mismatch today.)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSessionId, EXAM_CONFIG_DEFAULTS, type ProctorRecord } from '@proctor/contracts';
import { createIssuer, type Issuer, type ProcessorChild, startProcessor } from '@proctor/testkit';
import { produceRecords, type TestEnv, testEnv } from '@proctor/testkit/stack';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DASHBOARD_DIR,
  launchChromium,
  launchInBrowser,
  type RunningDashboard,
  rand,
  startStackDashboard,
} from './harness.ts';

const PORT = 14404;
const SHOTS = join(DASHBOARD_DIR, '..', 'test-output', 'dashboard');
const identity = {
  tenant_id: `tenant-live-${rand(3)}`,
  exam_schedule_id: 'chemistry-final',
  user_id: 'cand-live',
  attempt_no: 1,
};

let stack: TestEnv;
let processor: ProcessorChild;
let app: RunningDashboard;
let issuer: Issuer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await testEnv(3);
  issuer = await createIssuer();
  [app, processor] = await Promise.all([startStackDashboard(stack, issuer, PORT), startProcessor(stack.env)]);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await processor?.stop('SIGTERM');
  await stack?.cleanup();
});

it('an alert raised by the running processor appears on the open dashboard within 2 s', async () => {
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
      attemptNo: 1,
      examConfig: { ...EXAM_CONFIG_DEFAULTS },
      startedAt,
    },
  };
  await produceRecords(stack.producer, stack.topic, [started]);

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await launchInBrowser(page, app.url, await issuer.proctor(identity.tenant_id));
  // The schedule exists once the processor has written the session row from session_started.
  await expect
    .poll(async () => (await page.goto(`${app.url}/schedules/${identity.exam_schedule_id}`))?.status(), {
      timeout: 15_000,
    })
    .toBe(200);
  await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
  expect(await page.locator('#session-rows a.row-link').allInnerTexts()).toEqual(['cand-live']);

  // 9 s of looking away inside 30 s: over the default 5 s limit.
  const now = Date.now();
  const events: ProctorRecord[] = [-20_000, -12_000, -4_000].map((offset) => ({
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
  await produceRecords(stack.producer, stack.topic, events);
  const produced = Date.now();

  const toast = page.locator('.toast').filter({ hasText: 'Looking away' });
  await toast.waitFor({ timeout: 10_000 });
  const onScreenMs = Date.now() - produced;
  const [[alert]] = (await stack.db.pool.query('SELECT explanation FROM alerts WHERE session_id = ?', [
    sessionId,
  ])) as unknown as [{ explanation: string }[]];
  console.log(`Kafka → processor → MySQL → dashboard: alert on screen ${onScreenMs} ms after the produce was acked`);
  expect(alert?.explanation).toMatch(/looking away/);
  expect(await toast.innerText()).toContain(alert?.explanation);
  await expect
    .poll(() => page.locator('#session-rows tr').first().innerText(), { timeout: 3_000 })
    .toContain('Looking away');
  await page.screenshot({ path: join(SHOTS, '7-processor-alert-live.png'), fullPage: true });
  expect(onScreenMs).toBeLessThan(2_000);
});
