// The dashboard's fan-out: N live simulated candidates on one schedule (the cohort generator through raw workerd,
// Kafka, the processor, a private Redis, MariaDB), one proctor's page in Chromium, and 1, 10 and 100 more proctor SSE
// streams on the same schedule. Per step: MySQL queries/s and Redis commands/s by source, each client's commands
// counted by a proxy in front of it (dashboard, processor; Redis's INFO commandstats less the dashboard's for the
// edge and processor), and event → screen in the page (the batch carrying an alert's last evidence event → its
// toast). Printed, not asserted (a shared 2-core box). The run stops itself at its deadline.
//   node bench/dashboard-fanout.ts
//   env: BENCH_FANOUT_CANDIDATES (2000), BENCH_FANOUT_STREAMS (1,10,100), BENCH_FANOUT_STEP_SECONDS (60),
//   BENCH_FANOUT_DEADLINE_SECONDS (600)
import { readFileSync } from 'node:fs';
import { percentile, startCohort } from '@proctor/cohort';
import { DEV_DASHBOARD_AUDIENCE, DEV_ISSUER, mintDevProctorToken, mintDevToken } from '@proctor/testkit';
import { launchChromium } from '@proctor/testkit/browser';
import { startCohortDashboard, startCohortStack, watchStream, withTimeout } from './lib/cohort-stack.ts';
import { mysqlCommands, redisCommands, startCountingProxy } from './lib/counting-proxy.ts';
import { launchFromPlatform } from './lib/platformLaunch.ts';

const CANDIDATES = Number(process.env.BENCH_FANOUT_CANDIDATES ?? 2000);
const STREAMS = (process.env.BENCH_FANOUT_STREAMS ?? '1,10,100').split(',').map(Number);
const STEP_MS = Number(process.env.BENCH_FANOUT_STEP_SECONDS ?? 60) * 1000;
const DEADLINE_MS = Number(process.env.BENCH_FANOUT_DEADLINE_SECONDS ?? 600) * 1000;
/** Joins per second the ramp aims at (as bench/cohort-dashboard.ts: a loaded box answered 503s to 50 a second). */
const RAMP_MS = Math.min(90, Math.max(15, Math.round(CANDIDATES / 22))) * 1000;
/**
 * After new streams open, before a step's counters start: each new stream is sent the list once (a list read each),
 * which is the cost of a connect, not of watching. Until every stream has its list, then this long.
 */
const STEP_SETTLE_MS = 10_000;
/** From the ramp's end to the first step: the page is opened meanwhile. */
const PAGE_SETTLE_MS = 20_000;
const SCHEDULE = 'exam-1-1';
const MYSQL_PORT = Number(new URL(process.env.MYSQL_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/').port || 3306);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const f = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(0));
const viaPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

let cleanup: () => Promise<void> = async () => {};
const deadline = setTimeout(async () => {
  console.log(`\nFAILED: deadline of ${DEADLINE_MS / 1000} s reached at ${elapsed()}`);
  await withTimeout('cleanup', cleanup(), 20_000).catch(() => {});
  process.exit(2);
}, DEADLINE_MS);
deadline.unref();

console.log(
  `dashboard fan-out bench: ${CANDIDATES} candidates on ${SCHEDULE}, streams ${STREAMS.join(' → ')} (+ one page), ${STEP_MS / 1000} s a step; load average ${load()}`,
);
const mysqlDashboard = await startCountingProxy(MYSQL_PORT, mysqlCommands);
const mysqlProcessor = await startCountingProxy(MYSQL_PORT, mysqlCommands);
const stack = await startCohortStack(12, { processorMysqlUrl: (url) => viaPort(url, mysqlProcessor.port) });
const redisDashboard = await startCountingProxy(Number(new URL(stack.redisUrl).port), redisCommands);
const dashboard = await startCohortDashboard(stack, 'tenant-1', {
  MYSQL_URL: viaPort(stack.mysqlUrl, mysqlDashboard.port),
  REDIS_URL: `redis://127.0.0.1:${redisDashboard.port}`,
  MAX_STREAMS_PER_PROCTOR: '100',
});
console.log(`stack and dashboard up after ${elapsed()}`);

const steps = STREAMS.length * (STEP_SETTLE_MS + STEP_MS);
const cohort = startCohort({
  candidates: CANDIDATES,
  seed: 5,
  runId: stack.prefix,
  examMs: 6 * 3600_000,
  tenants: 1,
  schedulesPerTenant: 1,
  joinSpreadMs: RAMP_MS,
  incidentWindowMs: [RAMP_MS + PAGE_SETTLE_MS, RAMP_MS + PAGE_SETTLE_MS + steps],
  incidentWindowFromStart: true,
  mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
  mysqlUrl: stack.mysqlUrl,
  edgeUrl: stack.edge.url,
});
const streams: ReturnType<typeof watchStream>[] = [];
const browser = await launchChromium();
cleanup = async () => {
  await browser.close().catch(() => {});
  await Promise.all(streams.map((s) => s.stop()));
  await withTimeout('stopping the cohort', cohort.stop(), 30_000).catch(() => {});
  dashboard.stop();
  await stack.stop();
  await Promise.all([mysqlDashboard, mysqlProcessor, redisDashboard].map((p) => p.close()));
};

const liveBy = t0 + RAMP_MS + 120_000;
while (cohort.metrics.sessionsLive < Math.ceil(CANDIDATES * 0.98) && Date.now() < liveBy) await sleep(500);
console.log(`candidates live: ${cohort.metrics.sessionsLive} of ${CANDIDATES} after ${elapsed()}`);

// The page signs in as another proctor than the streams (each proctor has its own stream cap).
const page = await browser.newPage();
page.setDefaultTimeout(60_000);
const pageToken = await mintDevProctorToken('tenant-1', 'proctor', {
  issuer: DEV_ISSUER,
  audience: DEV_DASHBOARD_AUDIENCE,
});
await launchFromPlatform(page, dashboard.url, pageToken, `/schedules/${SCHEDULE}`);
await page.waitForSelector('#live[data-state="live"]');
await page.evaluate(() => {
  const toasts: Record<string, number> = {};
  (window as unknown as { __toasts: Record<string, number> }).__toasts = toasts;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll<HTMLElement>('#toasts [data-alert-id]'))
      toasts[el.dataset.alertId!] ??= Date.now();
  }).observe(document.getElementById('toasts')!, { childList: true, subtree: true });
});

async function redisCalls(): Promise<number> {
  const info = await stack.redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}
const counters = async () => ({
  at: Date.now(),
  dashboardMysql: mysqlDashboard.count(),
  processorMysql: mysqlProcessor.count(),
  dashboardRedis: redisDashboard.count(),
  redis: await redisCalls(),
});

/** Toast time − the send of the alert's last evidence event, for alerts toasted in [from, to). */
async function eventToScreen(from: number, to: number): Promise<number[]> {
  const toasts = await page.evaluate(() => (window as unknown as { __toasts: Record<string, number> }).__toasts);
  const ids = Object.keys(toasts).filter((id) => toasts[id]! >= from && toasts[id]! < to);
  if (!ids.length) return [];
  const [rows] = await stack.db.pool.query('SELECT alert_id, evidence FROM alerts WHERE alert_id IN (?)', [ids]);
  const out: number[] = [];
  for (const r of rows as { alert_id: string; evidence: string | { eventId: string }[] }[]) {
    const ev = (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as { eventId: string }[];
    const sent = ev.map((e) => cohort.metrics.sentAt.get(e.eventId)).filter((t): t is number => t !== undefined);
    if (sent.length) out.push(toasts[r.alert_id]! - Math.max(...sent));
  }
  return out;
}

const table: string[] = [];
for (const n of STREAMS) {
  while (streams.length < n) streams.push(watchStream(dashboard, SCHEDULE));
  const connectedBy = Date.now() + 60_000;
  while (streams.some((s) => s.counts.sessionsPushes === 0) && Date.now() < connectedBy) await sleep(250);
  await sleep(STEP_SETTLE_MS);
  const a = await counters();
  await sleep(STEP_MS);
  const b = await counters();
  const s = (b.at - a.at) / 1000;
  const rate = (k: keyof typeof a) => (b[k] - a[k]) / s;
  const latencies = await eventToScreen(a.at, b.at);
  const row = `| ${n} | ${f(rate('dashboardMysql'))} | ${f(rate('dashboardRedis'))} | ${f(rate('processorMysql'))} | ${f(rate('redis') - rate('dashboardRedis'))} | ${latencies.length} | ${f(percentile(latencies, 50))} | ${f(percentile(latencies, 99))} |`;
  table.push(row);
  console.log(`  ${elapsed()}: ${row} (live ${cohort.metrics.sessionsLive}, load ${load()})`);
}

console.log(
  `\ndashboard fan-out, ${CANDIDATES} candidates on one schedule, ${STEP_MS / 1000} s a step, load average ${load()}:`,
);
console.log(
  '| SSE streams (+ 1 page) | dashboard MySQL queries/s | dashboard Redis commands/s | processor MySQL queries/s | edge + processor Redis commands/s | alerts on screen | event → screen p50 ms | p99 ms |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of table) console.log(row);
await cleanup();
process.exit(0);
