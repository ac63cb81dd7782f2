/// <reference lib="dom" />
// CPU of the whole Chromium process tree (from /proc) with the exam page proctoring at 2 fps on WASM, compared
// with the same page idle (consent screen, camera off) in the same run, and with identity continuity off vs on
// (two page loads). Goal: ≤ 15% of one core for proctoring with identity on. CPU time from /proc, so other
// processes on a shared box slow it less than wall-clock timing would; repeat runs to see the noise.
import { join } from 'node:path';
import { launchChromium } from '@proctor/testkit/browser';
import { acceptAndStart, examUrl } from '../client/test/examFlow.ts';
import { buildExamSite, serveExamSite } from '../client/test/examSite.ts';
import { writeFakeCamera } from '../client/test/fakeCamera.ts';
import { fakeExamToken, startFakeEdge } from '../client/test/fakeEdge.ts';
import { cpuPercentOver } from '../client/test/procCpu.ts';

const WINDOW_MS = Number(process.env.WINDOW_MS ?? 30_000);
const site = await serveExamSite(buildExamSite('client-site-bench'), 14_394);
const edge = await startFakeEdge();
const video = writeFakeCamera(join(import.meta.dirname, '..', 'test-output', 'client'), 'bench-single', [
  ['single', 5],
]);
const chromium = await launchChromium({ fakeVideo: video });
try {
  const page = await chromium.context.newPage();
  const token = fakeExamToken({
    tenant_id: 't1',
    exam_schedule_id: 's1',
    user_id: `bench-${Date.now()}`,
    attempt_no: 1,
  });
  const proctor = async (fragment: string) => {
    await page.goto('about:blank'); // a fresh document: a fragment-only change would not reload the page
    await page.goto(`${examUrl(site.origin, token, edge.url)}${fragment}`);
    await acceptAndStart(page);
    await page.waitForSelector('body[data-phase="running"]', { timeout: 90_000 });
    await page.waitForTimeout(5000); // past model warm-up
    return cpuPercentOver(chromium.userDataDir, WINDOW_MS);
  };
  await page.goto(examUrl(site.origin, token, edge.url));
  await page.waitForSelector('#consent-accept');
  await page.waitForTimeout(2000);
  const idle = await cpuPercentOver(chromium.userDataDir, WINDOW_MS);
  const withoutIdentity = await proctor('&identity=0');
  const running = await proctor('');
  const status = await page.evaluate(() => ({
    ...document.body.dataset,
    engine: document.getElementById('st-backend')?.textContent,
  }));

  console.log(`window ${WINDOW_MS / 1000} s, engine: ${status.engine}, models short+full, 2 fps`);
  console.log(`chromium tree CPU idle (consent screen): ${idle.toFixed(1)}% of one core`);
  console.log(`chromium tree CPU proctoring (camera + detector): ${running.toFixed(1)}% of one core`);
  console.log(`chromium tree CPU proctoring, identity off: ${withoutIdentity.toFixed(1)}% of one core`);
  console.log(`proctoring cost (running - idle): ${(running - idle).toFixed(1)}% of one core (goal <= 15%)`);
  console.log(
    `identity continuity adds: ${(running - withoutIdentity).toFixed(1)}% of one core (on/off ${(running / Math.max(withoutIdentity, 0.1)).toFixed(2)})`,
  );
  console.log(`ratio running/idle: ${(running / Math.max(idle, 0.1)).toFixed(1)}`);
} finally {
  await chromium.close();
  await edge.close();
  await site.stop();
}
