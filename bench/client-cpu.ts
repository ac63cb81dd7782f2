// CPU of the whole Chromium process tree (from /proc) with the exam page proctoring at 2 fps on WASM, identity on,
// compared with the same page idle (consent screen, camera off) in the same run, for the fixed rate (every frame at
// 2 fps, full-range on every 3rd) against the default pace that follows the scene (detector/scenePace.ts: one
// still candidate, as here, is analysed at 1 fps). One page load each, interleaved over ROUNDS rounds so that load
// drifting on a shared box hits both alike. Goal: ≤ 10% of one core above idle. CPU time from /proc, so other
// processes slow it less than wall-clock timing would; the ratio between the two is what counts.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { acceptAndStart, examUrl } from '@proctor/client/test/examFlow';
import { buildExamSite, serveExamSite } from '@proctor/client/test/examSite';
import { fakeExamToken, startFakeEdge } from '@proctor/client/test/fakeEdge';
import { launchChromium } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';
import { cpuPercentOver } from './lib/procCpu.ts';

const WINDOW_MS = Number(process.env.WINDOW_MS ?? 30_000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
/** IDENTITY_OFF=1 adds a window with identity off (its cost, ~0.7 points, is in docs/decisions.md). */
const IDENTITY_OFF = process.env.IDENTITY_OFF === '1';
const edge = await startFakeEdge();
const site = await serveExamSite(buildExamSite('client-site-bench'), 14_394, {
  edgeOrigins: [new URL(edge.url).origin],
});
const video = writeFakeCamera(join(import.meta.dirname, '..', 'test-output', 'client'), 'bench-single', [
  ['single', 5],
]);
const chromium = await launchChromium({ profile: true, fakeVideo: video });
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
  // Identity on in both; #adaptive=0 is a bench knob of the exam page (every frame at fps, however steady).
  const schedules = [
    ['fixed 2 fps, full-range every 3rd frame', '&fullEvery=3&adaptive=0'],
    ['paced by the scene (default)', '&fullEvery=3'],
  ] as const;
  const results = schedules.map(([name]) => ({ name, cpu: [] as number[], engine: [] as string[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, fragment]] of schedules.entries()) {
      results[i]!.cpu.push(await proctor(fragment));
      results[i]!.engine.push((await page.textContent('#st-backend')) ?? '');
    }
  }
  const withoutIdentity = IDENTITY_OFF ? await proctor('&identity=0&fullEvery=3&adaptive=0') : undefined;

  console.log(
    `${ROUNDS} round(s), window ${WINDOW_MS / 1000} s each, 2 fps, identity on; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`chromium tree CPU idle (consent screen): ${idle.toFixed(1)}% of one core`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fixed = mean(results[0]!.cpu) - idle;
  for (const r of results) {
    const cost = mean(r.cpu) - idle;
    const rounds = r.cpu.map((c) => (c - idle).toFixed(1)).join(', ');
    console.log(
      `${r.name}: ${cost.toFixed(1)}% of one core above idle (goal <= 10%; rounds ${rounds}), ${(cost / fixed).toFixed(2)}x fixed; engine ${r.engine.join(' | ')}`,
    );
  }
  if (withoutIdentity !== undefined)
    console.log(`identity off (fixed rate): ${(withoutIdentity - idle).toFixed(1)}% above idle`);
} finally {
  await chromium.close();
  await edge.close();
  await site.stop();
}
