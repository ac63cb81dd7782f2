// The live path with the real processor: session_started and LOOK_AWAY records go to a Kafka topic keyed by
// sessionId (the edge's ProctorRecord shape), the processor raises the alert into MySQL, and the dashboard open
// in Chromium shows it without a reload. Measured from the produce being acknowledged to the alert on screen.
// (The edge is bypassed on purpose: see the dashboard report — the REST bridge's JSON-encoded keys are
// dead-lettered by the processor as key_mismatch today.)
import { join } from 'node:path';
import { produceRecords } from '@proctor/testkit/stack';
import { expect, it } from 'vitest';
import { useProcessorDashboard } from './processorDashboard.ts';
import { launchInBrowser, lookAwayOverLimit, rand, SHOTS, startedExam } from './testDashboard.ts';

const PORT = 14404;
const identity = {
  tenant_id: `tenant-live-${rand(3)}`,
  exam_schedule_id: 'chemistry-final',
  user_id: 'cand-live',
  attempt_no: 1,
};

const live = useProcessorDashboard({ port: PORT });

it('an alert raised by the running processor appears on the open dashboard within 2 s', async () => {
  const { base, started } = await startedExam(identity);
  const { sessionId } = base;
  await produceRecords(live.stack.producer, live.stack.topic, [started]);

  const page = await (await live.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await launchInBrowser(page, live.app.url, await live.issuer.proctor(identity.tenant_id));
  // The schedule exists once the processor has written the session row from session_started.
  await expect
    .poll(async () => (await page.goto(`${live.app.url}/schedules/${identity.exam_schedule_id}`))?.status(), {
      timeout: 15_000,
    })
    .toBe(200);
  await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
  expect(await page.locator('#session-rows a.row-link').allInnerTexts()).toEqual(['cand-live']);

  const events = lookAwayOverLimit(base);
  await produceRecords(live.stack.producer, live.stack.topic, events);
  const produced = Date.now();

  const toast = page.locator('.toast').filter({ hasText: 'Looking away' });
  await toast.waitFor({ timeout: 10_000 });
  const onScreenMs = Date.now() - produced;
  const [[alert]] = (await live.stack.db.pool.query('SELECT explanation FROM alerts WHERE session_id = ?', [
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
