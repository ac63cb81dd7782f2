// The dashboard under load: one exam schedule with N live simulated candidates (the cohort generator against raw
// workerd, Kafka, the processor, a private Redis, MariaDB), a proctor's live page opened in Chromium. Candidates are
// ramped in, the bench waits until their sessions are live, then opens the page and measures:
//   page load (login POST → schedule page loaded) and time to live (→ its SSE stream connected), twice (cold, warm);
//   event → screen: from the batch carrying an alert's last evidence event to its toast appearing in the page (a
//   MutationObserver's clock; same host), p50/p99; the SSE stream's ranked-list pushes and bytes per minute and the
//   page's re-renders and long tasks; candidates live; 503s from the edge (its upstream timeout).
// Latencies are printed, not asserted (a shared 2-core box). The run stops itself at its deadline.
//   node bench/cohort-dashboard.ts [--candidates 2000] [--heartbeat 15/3]
//   env: BENCH_DASHBOARD_CANDIDATES (2000), BENCH_DASHBOARD_RAMP_SECONDS (candidates / 22, 15–90),
//   BENCH_DASHBOARD_WATCH_SECONDS (75), BENCH_DASHBOARD_DEADLINE_SECONDS (360), BENCH_DASHBOARD_HEARTBEAT (e.g. 60/2:
//   heartbeat interval / connection lost after, signed into the exam token's proctoring claim as a platform would).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { percentile, startCohort, summary } from '@proctor/cohort';
import type { ExamConfigOverrides } from '@proctor/contracts';
import { sleep } from '@proctor/contracts';
import { RANKED_LIMIT } from '@proctor/dashboard/server/queries/sessions';
import { mintDevToken } from '@proctor/testkit';
import { launchChromium } from '@proctor/testkit/browser';
import { startCohortDashboard, startCohortStack, watchStream, withTimeout } from './lib/cohort-stack.ts';
import { launchFromPlatform } from './lib/platformLaunch.ts';

const { values: args } = parseArgs({
  options: { candidates: { type: 'string' }, heartbeat: { type: 'string' } },
});
const CANDIDATES = Number(args.candidates ?? process.env.BENCH_DASHBOARD_CANDIDATES ?? 2000);
/** Joins per second the ramp aims at: a loaded box answered 503s to 50 a second (2,000 in 40 s). */
const RAMP_MS =
  Number(process.env.BENCH_DASHBOARD_RAMP_SECONDS ?? Math.min(90, Math.max(15, Math.round(CANDIDATES / 22)))) * 1000;
const WATCH_MS = Number(process.env.BENCH_DASHBOARD_WATCH_SECONDS ?? 75) * 1000;
const DEADLINE_MS = Number(process.env.BENCH_DASHBOARD_DEADLINE_SECONDS ?? 360) * 1000;
/** The page and its stream get this long after the ramp before incidents start. */
const SETTLE_MS = 25_000;
const heartbeat = (args.heartbeat ?? process.env.BENCH_DASHBOARD_HEARTBEAT)?.split('/').map(Number);
const examConfig: ExamConfigOverrides | undefined = heartbeat
  ? { heartbeatIntervalSeconds: heartbeat[0]!, connectionLostAfterIntervals: heartbeat[1] ?? 2 }
  : undefined;
if (!(CANDIDATES >= 1 && Number.isInteger(CANDIDATES))) throw new Error('--candidates: a whole number ≥ 1');

const f = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(0));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const report: string[] = [];
const say = (line: string) => {
  report.push(line);
  console.log(line);
};

let cleanup: () => Promise<void> = async () => {};
// The deadline: whatever happens, the run ends by itself and says how far it got.
const deadline = setTimeout(async () => {
  console.log(`\nFAILED: deadline of ${DEADLINE_MS / 1000} s reached at ${elapsed()}; measured so far:`);
  for (const line of report) console.log(`  ${line}`);
  await withTimeout('cleanup', cleanup(), 20_000).catch(() => {});
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

console.log(
  `dashboard bench: ${CANDIDATES} candidates on exam-1-1, ramp ${RAMP_MS / 1000} s, watch ${WATCH_MS / 1000} s, heartbeat ${examConfig ? `${examConfig.heartbeatIntervalSeconds} s / lost after ${examConfig.connectionLostAfterIntervals}` : 'default'}; deadline ${DEADLINE_MS / 1000} s; load average ${load()}`,
);
const stack = await startCohortStack();
cleanup = () => stack.stop();
const dashboard = await startCohortDashboard(stack, 'tenant-1');
cleanup = async () => {
  await dashboard.stop();
  await stack.stop();
};
say(`stack and dashboard up after ${elapsed()}`);

const cohortT0 = Date.now();
const cohort = startCohort({
  candidates: CANDIDATES,
  seed: 3,
  runId: stack.prefix,
  examMs: 6 * 3600_000,
  planHorizonMs: DEADLINE_MS + 60_000,
  tenants: 1,
  schedulesPerTenant: 1,
  joinSpreadMs: RAMP_MS,
  // Every incident after the ramp, once the page is open (measured from the cohort's start, not each join).
  incidentWindowMs: [RAMP_MS + SETTLE_MS, RAMP_MS + WATCH_MS - 8000],
  incidentWindowFromStart: true,
  mintToken: (claims, expSeconds) =>
    mintDevToken(examConfig ? { ...claims, proctoring: { examConfig } } : claims, { expSeconds }),
  mysqlUrl: stack.mysqlUrl,
  edgeUrl: stack.edge.url,
});
cleanup = async () => {
  await withTimeout('stopping the cohort', cohort.stop(), 30_000).catch(() => {});
  await dashboard.stop();
  await stack.stop();
};

// Wait until the sessions are live (a 201 to sessions/start), not merely joined; a starved box gets a minute more.
const liveTarget = Math.ceil(CANDIDATES * 0.98);
const liveBy = cohortT0 + RAMP_MS + 60_000;
let lastLine = 0;
while (cohort.metrics.sessionsLive < liveTarget && Date.now() < liveBy) {
  if (Date.now() - lastLine >= 10_000) {
    lastLine = Date.now();
    console.log(
      `  ${elapsed()}: ${cohort.metrics.sessionsLive} live of ${cohort.metrics.live} joined, 503s ${cohort.metrics.byStatus.get(503) ?? 0}`,
    );
  }
  await sleep(250);
}
const timeToLive = Date.now() - cohortT0;
const ramp503 = cohort.metrics.byStatus.get(503) ?? 0;
say(
  `candidates live: ${cohort.metrics.sessionsLive} of ${CANDIDATES} after ${(timeToLive / 1000).toFixed(1)} s (ramp ${RAMP_MS / 1000} s)${cohort.metrics.sessionsLive < liveTarget ? ` — FEWER than ${liveTarget}` : ''}; 503s during the ramp: ${ramp503}`,
);

const stream = watchStream(dashboard, 'exam-1-1');
const browser = await launchChromium();
const prevCleanup = cleanup;
cleanup = async () => {
  await browser.close().catch(() => {});
  await stream.stop();
  await prevCleanup();
};
const page = await browser.newPage();
page.setDefaultTimeout(60_000); // a starved shared box: slow, not wrong; the deadline bounds the whole run
const loads: { loaded: number; live: number }[] = [];
for (let i = 0; i < 2; i++) {
  const t = Date.now();
  await launchFromPlatform(page, dashboard.url, dashboard.token, '/schedules/exam-1-1');
  const loaded = Date.now() - t;
  await page.waitForSelector('#live[data-state="live"]');
  loads.push({ loaded, live: Date.now() - t });
}
const rows = await page.locator('#session-rows tr').count();
const rankedOf = (await page.locator('#ranked-of').count())
  ? ((await page.locator('#ranked-of').textContent()) ?? '').replace(/\s+/g, ' ')
  : '';
say(
  `page load (login POST → schedule page loaded): ${loads.map((l) => `${l.loaded} ms`).join(', ')}; time to live (→ SSE connected): ${loads.map((l) => `${l.live} ms`).join(', ')} (cold, warm)`,
);
say(
  `page rows: ${rows} (the ranked list shows the top ${RANKED_LIMIT} of ${CANDIDATES} sessions); the page says: ${rankedOf || '(nothing about the rest)'}`,
);

await page.evaluate(() => {
  const w = window as unknown as { __bench: { toasts: Record<string, number>; renders: number; longTaskMs: number } };
  const bench = { toasts: {} as Record<string, number>, renders: 0, longTaskMs: 0 };
  w.__bench = bench;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll<HTMLElement>('#toasts [data-alert-id]'))
      bench.toasts[el.dataset.alertId!] ??= Date.now();
  }).observe(document.getElementById('toasts')!, { childList: true, subtree: true });
  // One callback per pushed list: the live script replaces the table body's rows in one assignment.
  new MutationObserver(() => bench.renders++).observe(document.getElementById('session-rows')!, { childList: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTaskMs += e.duration;
  }).observe({ type: 'longtask' });
});
stream.resetCounts();
const watch503 = () => (cohort.metrics.byStatus.get(503) ?? 0) - ramp503;
const watchFrom = Date.now();
const watchUntil = cohortT0 + RAMP_MS + WATCH_MS;
while (Date.now() < Math.max(watchUntil, watchFrom + 30_000)) await sleep(1000);
const watchMinutes = (Date.now() - watchFrom) / 60_000;
const bench = await page.evaluate(
  () =>
    (window as unknown as { __bench: { toasts: Record<string, number>; renders: number; longTaskMs: number } }).__bench,
);
const liveAtEnd = cohort.metrics.sessionsLive;
await browser.close();
await stream.stop();
await withTimeout('stopping the cohort', cohort.stop(), 30_000).catch((err: Error) => console.log(`  ${err.message}`));

const latencies: number[] = [];
const ids = Object.keys(bench.toasts);
if (ids.length) {
  const [alertRows] = await stack.db.pool.query('SELECT alert_id, evidence FROM alerts WHERE alert_id IN (?)', [ids]);
  for (const r of alertRows as { alert_id: string; evidence: string | { eventId: string }[] }[]) {
    const ev = (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as { eventId: string }[];
    const sent = ev.map((e) => cohort.metrics.sentAt.get(e.eventId)).filter((t): t is number => t !== undefined);
    if (sent.length) latencies.push(bench.toasts[r.alert_id]! - Math.max(...sent));
  }
}
const m = cohort.metrics;
console.log(`\n${summary(m, CANDIDATES, Date.now() - cohortT0)}`);
console.log(`\ndashboard under load (${CANDIDATES} candidates on one schedule), load average ${load()}:`);
for (const line of report) console.log(`  ${line}`);
console.log(
  `  candidates live during the watch: ${liveAtEnd} (at its end); 503s during the watch: ${watch503()}; all 5xx: ${m.status5xx}`,
);
console.log(
  `  event → screen (toast in Chromium, the SSE alert path): ${latencies.length} alerts, p50 ${f(percentile(latencies, 50))} ms, p99 ${f(percentile(latencies, 99))} ms, max ${f(latencies.length ? Math.max(...latencies) : undefined)} ms`,
);
console.log(
  `  event → alert row (MySQL): p50 ${f(percentile(m.alertLatencies, 50))} ms, p99 ${f(percentile(m.alertLatencies, 99))} ms`,
);
console.log(
  `  SSE stream (a second proctor, Node): ${f(stream.counts.sessionsPushes / watchMinutes)} ranked-list pushes/min, ${f(stream.counts.bytes / 1024 / watchMinutes)} KiB/min, ${stream.counts.alertEvents} alert events; what changed between pushes: ${
    [...stream.causes]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') || '–'
  }`,
);
console.log(
  `  page: ${f(bench.renders / watchMinutes)} list re-renders/min, ${f(bench.longTaskMs / watchMinutes)} ms of long tasks/min`,
);
const ok =
  rows === Math.min(CANDIDATES, RANKED_LIMIT) &&
  latencies.length > 0 &&
  (CANDIDATES <= RANKED_LIMIT || rankedOf.includes(CANDIDATES.toLocaleString('en')));
if (!ok) console.log('  FAILED: the page did not show the sessions or no alert reached the screen');
await dashboard.stop();
await stack.stop();
process.exit(ok ? 0 : 1);
