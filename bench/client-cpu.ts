// CPU of the whole Chromium process tree (from /proc) with the exam page proctoring at 2 fps on WASM, identity on,
// compared with the same page idle (consent screen, camera off) in the same run, for the fixed rate (every frame at
// 2 fps, full-range on every 3rd) against the default pace that follows the scene (detector/scenePace.ts: one
// still candidate, as here, is analysed at 1 fps). One page load each, interleaved over ROUNDS rounds so that load
// drifting on a shared box hits both alike. Goal: ≤ 10% of one core above idle. CPU time from /proc, so other
// processes slow it less than wall-clock timing would; the ratio between the two is what counts. Each arm also
// prints where its CPU goes (per process kind and thread, above the same thread at idle).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { acceptAndStart, examUrl } from '@proctor/client/test/examFlow';
import { buildExamSite, serveExamSite } from '@proctor/client/test/examSite';
import { fakeExamToken, startFakeEdge } from '@proctor/client/test/fakeEdge';
import { freePort } from '@proctor/testkit';
import { launchChromium } from '@proctor/testkit/browser';
import { writeFakeCamera } from '@proctor/testkit/camera';
import { cpuBreakdownOver } from './lib/procCpu.ts';

const WINDOW_MS = Number(process.env.WINDOW_MS ?? 30_000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
/** IDENTITY_OFF=1 adds a window with identity off (its cost, ~0.7 points, is in docs/decisions.md). */
const IDENTITY_OFF = process.env.IDENTITY_OFF === '1';
/**
 * ARMS=name=fragment;name=fragment replaces the arms below (e.g. to time one knob against another). An arm named
 * `base: ...` runs on BASE_SITE, another build of the exam site (e.g. of main, built by client/test/examSite.ts's
 * buildExamSite in a checkout of it), so a change is timed against what it changes in one run.
 */
const ARMS = process.env.ARMS?.split(';').map((a) => a.split('=', 2) as [string, string]);
/** Rows of the per-thread breakdown printed for each arm (its largest, percent of one core above idle). */
const BREAKDOWN_ROWS = Number(process.env.BREAKDOWN_ROWS ?? 8);
const BASE_SITE = process.env.BASE_SITE;
const edge = await startFakeEdge();
const site = await serveExamSite(buildExamSite('client-site-bench'), 14_394, {
  edgeOrigins: [new URL(edge.url).origin],
});
const base = BASE_SITE
  ? await serveExamSite(BASE_SITE, await freePort(), { edgeOrigins: [new URL(edge.url).origin] })
  : undefined;
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
  const proctor = async (fragment: string, origin = site.origin) => {
    await page.goto('about:blank'); // a fresh document: a fragment-only change would not reload the page
    await page.goto(`${examUrl(origin, token, edge.url)}${fragment}`);
    await acceptAndStart(page);
    await page.waitForSelector('body[data-phase="running"]', { timeout: 90_000 });
    await page.waitForTimeout(5000); // past model warm-up
    return cpuBreakdownOver(chromium.userDataDir, WINDOW_MS);
  };
  await page.goto(examUrl(site.origin, token, edge.url));
  await page.waitForSelector('#consent-accept');
  await page.waitForTimeout(2000);
  const idle = await cpuBreakdownOver(chromium.userDataDir, WINDOW_MS);
  // Identity on in both; #adaptive=0 is a bench knob of the exam page (every frame at fps, however steady).
  const schedules =
    ARMS ??
    (base
      ? [
          ['fixed 2 fps, full-range every 3rd frame', '&fullEvery=3&adaptive=0'],
          ['base: paced by the scene (BASE_SITE)', '&fullEvery=3'],
          ['paced by the scene (this build)', '&fullEvery=3'],
        ]
      : [
          ['fixed 2 fps, full-range every 3rd frame', '&fullEvery=3&adaptive=0'],
          ['paced by the scene, rate only (identity every 3 s as at the full rate)', '&fullEvery=3&adaptive=rate'],
          ['paced by the scene (default: identity every 12 s in a steady scene)', '&fullEvery=3'],
        ]);
  const results = schedules.map(([name]) => ({
    name,
    cpu: [] as number[],
    threads: [] as Map<string, number>[],
    engine: [] as string[],
  }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, fragment]] of schedules.entries()) {
      const b = await proctor(fragment);
      results[i]!.cpu.push(b.total);
      results[i]!.threads.push(b.threads);
      results[i]!.engine.push((await page.textContent('#st-backend')) ?? '');
    }
  }
  const withoutIdentity = IDENTITY_OFF ? (await proctor('&identity=0&fullEvery=3&adaptive=0')).total : undefined;

  console.log(
    `${ROUNDS} round(s), window ${WINDOW_MS / 1000} s each, 2 fps, identity on; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`chromium tree CPU idle (consent screen): ${idle.total.toFixed(1)}% of one core`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fixed = mean(results[0]!.cpu) - idle.total;
  for (const r of results) {
    const cost = mean(r.cpu) - idle.total;
    const rounds = r.cpu.map((c) => (c - idle.total).toFixed(1)).join(', ');
    console.log(
      `${r.name}: ${cost.toFixed(1)}% of one core above idle (goal <= 10%; rounds ${rounds}), ${(cost / fixed).toFixed(2)}x fixed; engine ${r.engine.join(' | ')}`,
    );
    // Where it goes: each process kind/thread's mean over the rounds, above the same thread at idle.
    const keys = new Set(r.threads.flatMap((m) => [...m.keys()]));
    const rows = [...keys]
      .map((k) => [k, mean(r.threads.map((m) => m.get(k) ?? 0)) - (idle.threads.get(k) ?? 0)] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, BREAKDOWN_ROWS);
    console.log(`  ${rows.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  if (withoutIdentity !== undefined)
    console.log(`identity off (fixed rate): ${(withoutIdentity - idle.total).toFixed(1)}% above idle`);
} finally {
  await chromium.close();
  await edge.close();
  await site.stop();
}
