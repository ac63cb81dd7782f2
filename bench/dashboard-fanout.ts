// The dashboard's fan-out: N live simulated candidates on one schedule (the cohort generator through raw workerd,
// Kafka, the processor, a private Redis, MariaDB), one proctor's page in Chromium, and 1, 10 and 100 more proctor SSE
// streams on the same schedule, read by a process of their own (bench/lib/sseClients.ts). A controlled experiment:
// the input is held the same in every step, the streams being the only thing that changes. The alerting candidates'
// incidents are evenly paced (the cohort's incidentPace 'even') over one window that holds every step, at
// BENCH_FANOUT_ALERTS_PER_SECOND, and the steps wait for the window to begin; the stream counts are interleaved
// (1, 10, 100, then 100, 10, 1) so that what the box and the processor drift through (load, batching, so the change
// notices) falls on each count alike. Each step prints its input as measured (alerts stored a second, the
// processor's change notices a second) beside the dashboard's cost: MySQL queries/s (by statement: list reads, alert
// reads, other) and Redis commands/s, each client's commands counted by a proxy in front of it (dashboard,
// processor; Redis's INFO commandstats less the dashboard's for the edge and processor), and per alert; CPU of the
// dashboard server, of the SSE readers and of this process (the generator and the page's driver), apart; and event →
// screen in the page (the batch carrying an alert's last evidence event → its toast), split at the alert's creation
// in the processor. Then per stream count (its steps summed) and the last count against the first. Printed, not
// asserted (a shared 2-core box). The run stops itself at its deadline.
//   node bench/dashboard-fanout.ts
//   env: BENCH_FANOUT_CANDIDATES (2000), BENCH_FANOUT_STREAMS (1,10,100), BENCH_FANOUT_ROUNDS (4: up, down, up, down),
//   BENCH_FANOUT_STEP_SECONDS (20), BENCH_FANOUT_DEADLINE_SECONDS (720), BENCH_FANOUT_ALERTS_PER_SECOND (2)
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, startCohort } from '@proctor/cohort';
import { DEV_DASHBOARD_AUDIENCE, DEV_ISSUER, mintDevProctorToken, mintDevToken } from '@proctor/testkit';
import { launchChromium } from '@proctor/testkit/browser';
import { startCohortDashboard, startCohortStack, withTimeout } from './lib/cohort-stack.ts';
import { mysqlCommands, mysqlQueriesBy, redisCommands, startCountingProxy } from './lib/counting-proxy.ts';
import { cpuMs } from './lib/edge-workerd.ts';
import { launchFromPlatform } from './lib/platformLaunch.ts';

const CANDIDATES = Number(process.env.BENCH_FANOUT_CANDIDATES ?? 2000);
const STREAMS = (process.env.BENCH_FANOUT_STREAMS ?? '1,10,100').split(',').map(Number);
const STEP_MS = Number(process.env.BENCH_FANOUT_STEP_SECONDS ?? 20) * 1000;
/**
 * Rounds over the stream counts, every other one backwards (1, 10, 100, 100, 10, 1): each count is measured early
 * and late alike, so what drifts through a run (the box's load, the processor's batching and so its notices) falls on
 * every count the same. A count's figures are the sum of its steps.
 */
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 4);
const ORDER = Array.from({ length: ROUNDS }, (_, r) => (r % 2 ? [...STREAMS].reverse() : STREAMS)).flat();
const DEADLINE_MS = Number(process.env.BENCH_FANOUT_DEADLINE_SECONDS ?? 720) * 1000;
/** Joins per second the ramp aims at (as bench/cohort-dashboard.ts: a loaded box answered 503s to 50 a second). */
const RAMP_MS = Math.min(90, Math.max(15, Math.round(CANDIDATES / 22))) * 1000;
/**
 * After new streams open, before a step's counters start: opening a stream takes its lease and checks its schedule
 * (a connect's cost, not watching's). Until every stream has its list, then this long.
 */
const STEP_SETTLE_MS = 10_000;
/** From the ramp's end to the first step: the page is opened meanwhile. */
const PAGE_SETTLE_MS = 20_000;
const SCHEDULE = 'exam-1-1';
const ALERTS_PER_SECOND = Number(process.env.BENCH_FANOUT_ALERTS_PER_SECOND ?? 2);
/** Slack in the incident window per step (opening the streams) and once (the page, a slow ramp). */
const WINDOW_SLACK_PER_STEP_MS = 15_000;
const WINDOW_SLACK_MS = 60_000;
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
// Stopped by hand: the same teardown (the children, the database, the topics), not orphans on a shared box.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.log(`\nstopped by ${signal} at ${elapsed()}`);
    await withTimeout('cleanup', cleanup(), 20_000).catch(() => {});
    process.exit(130);
  });
}

console.log(
  `dashboard fan-out bench: ${CANDIDATES} candidates on ${SCHEDULE}, streams ${ORDER.join(' → ')} (+ one page), ${STEP_MS / 1000} s a step; load average ${load()}`,
);
/**
 * The dashboard's queries by statement (its SQL in dashboard/src/server): the alerts a notice named (liveAlerts.ts),
 * the ranked list (sessions.ts), a new stream's schedule check; the rest (pings, session settings, pages) as other.
 */
const dashboardQueries = new Map<string, number>();
const dashboardQueryKind = (sql: string) =>
  sql.includes('FROM alerts a JOIN sessions s')
    ? 'alerts'
    : sql.includes('ORDER BY s.risk_score')
      ? 'list'
      : sql.startsWith('SELECT 1 FROM sessions')
        ? 'check'
        : 'other';
const mysqlDashboard = await startCountingProxy(MYSQL_PORT, mysqlQueriesBy(dashboardQueryKind, dashboardQueries));
const mysqlProcessor = await startCountingProxy(MYSQL_PORT, mysqlCommands);
const stack = await startCohortStack(12, { processorMysqlUrl: (url) => viaPort(url, mysqlProcessor.port) });
const redisDashboard = await startCountingProxy(Number(new URL(stack.redisUrl).port), redisCommands);
const dashboard = await startCohortDashboard(stack, 'tenant-1', {
  MYSQL_URL: viaPort(stack.mysqlUrl, mysqlDashboard.port),
  REDIS_URL: `redis://127.0.0.1:${redisDashboard.port}`,
  MAX_STREAMS_PER_PROCTOR: '100',
});
console.log(`stack and dashboard up after ${elapsed()}`);

const steps = ORDER.length * (STEP_SETTLE_MS + STEP_MS);
// One window of evenly paced incidents holds every step, with slack for the page and the streams' opening; its
// candidates raise one alert each (no network drops: their alerts wait for a reconnect 20–60 s later, a burst).
const incidentFrom = RAMP_MS + PAGE_SETTLE_MS;
const incidentMs = steps + ORDER.length * WINDOW_SLACK_PER_STEP_MS + WINDOW_SLACK_MS;
const alerting = Math.min(CANDIDATES, Math.round((ALERTS_PER_SECOND * incidentMs) / 1000));
const cohortStart = Date.now();
const windowStart = cohortStart + incidentFrom;
const windowEnd = windowStart + incidentMs;
console.log(
  `input: ${alerting} alerting candidates (lookAway, secondPerson, cameraBlocked) paced over ${incidentMs / 1000} s from ${incidentFrom / 1000} s into the cohort: ${((alerting * 1000) / incidentMs).toFixed(2)} alerts/s`,
);
const cohort = startCohort({
  candidates: CANDIDATES,
  seed: 5,
  runId: stack.prefix,
  examMs: 6 * 3600_000,
  planHorizonMs: DEADLINE_MS + 60_000,
  tenants: 1,
  schedulesPerTenant: 1,
  joinSpreadMs: RAMP_MS,
  mix: {
    honest: CANDIDATES - alerting,
    lookAway: alerting / 3,
    secondPerson: alerting / 3,
    cameraBlocked: alerting / 3,
  },
  incidentWindowMs: [incidentFrom, incidentFrom + incidentMs],
  incidentWindowFromStart: true,
  incidentPace: 'even',
  mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
  mysqlUrl: stack.mysqlUrl,
  edgeUrl: stack.edge.url,
});
interface SseStats {
  streams: number;
  withList: number;
  sessions: number;
  alerts: number;
  bytes: number;
  errors: number;
  failures: Record<string, number>;
  cpuMs: number;
}
// The proctors' streams (one proctor, up to its cap of 100) in their own process: their reading is not the server's
// CPU, nor this process's, whose timers send the candidates' events and stamp their send times.
const sse = fork(join(import.meta.dirname, 'lib', 'sseClients.ts'), [], {
  env: { ...process.env, SSE_URL: `${dashboard.url}/api/schedules/${SCHEDULE}/stream`, SSE_TOKEN: dashboard.token },
});
// A question asked while a stop tears the readers down goes unanswered (its timeout says so), never an unhandled error.
sse.on('error', () => {});
/** One question to the readers' process at a time: each answer is the next message. */
const askReaders = <T>(what: string, msg: object) =>
  withTimeout(
    what,
    new Promise<T>((resolve) => {
      sse.once('message', (m) => resolve(m as T));
      sse.send(msg);
    }),
    30_000,
  );
const sseStats = async () => (await askReaders<{ stats: SseStats }>('the SSE readers’ counts', { stats: true })).stats;
/** When the first SSE reader first saw each of `ids` (epoch ms; absent: not seen). */
const sseArrivals = async (ids: string[]) =>
  (await askReaders<{ arrivals: Record<string, number> }>('the SSE readers’ arrivals', { arrivals: ids })).arrivals;
const browser = await launchChromium();
cleanup = async () => {
  await browser.close().catch(() => {});
  if (sse.connected) sse.send({ stop: true });
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

/**
 * Redis calls in all, of the commands only the dashboard sends (XREAD: the follower; ZMSCORE: presence), and XADD:
 * the processor's change notices, one per commit, which drive the dashboard's reads.
 */
async function redisCalls() {
  const info = await stack.redis.info('commandstats');
  const of = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return {
    all: [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0),
    xread: of('xread'),
    zmscore: of('zmscore'),
    xadd: of('xadd'),
  };
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const dashboardPid = dashboard.child.pid as number;
/** Alerts stored so far (one schedule: all of them), by the processor's commit time. */
const alertsStored = async () => {
  const [rows] = await stack.db.pool.query('SELECT COUNT(*) AS n FROM alerts');
  return Number((rows as { n: number }[])[0]!.n);
};
const counters = async () => {
  const readers = await sseStats();
  const calls = await redisCalls();
  return {
    at: Date.now(),
    alerts: await alertsStored(),
    dashboardMysql: mysqlDashboard.count(),
    alertReads: dashboardQueries.get('alerts') ?? 0,
    listReads: dashboardQueries.get('list') ?? 0,
    otherQueries: (dashboardQueries.get('check') ?? 0) + (dashboardQueries.get('other') ?? 0),
    processorMysql: mysqlProcessor.count(),
    dashboardRedis: redisDashboard.count(),
    redis: calls.all,
    xread: calls.xread,
    zmscore: calls.zmscore,
    xadd: calls.xadd,
    dashboardCpu: cpuMs(dashboardPid),
    readersCpu: readers.cpuMs,
    benchCpu: selfCpuMs(),
    readerBytes: readers.bytes,
    readerSessions: readers.sessions,
    readerAlerts: readers.alerts,
  };
};

/**
 * For alerts toasted in [from, to): toast − the send of the alert's last evidence event (event → screen), split at
 * the alert's creation in the processor (its rule fired) and at its row's write in MySQL (updated_at, stamped by the
 * server in the processor's transaction): event → alert, alert → row, row → screen (the notice, the dashboard, the
 * browser); and row → the first SSE reader (the same without the browser).
 */
async function eventToScreen(from: number, to: number) {
  const toasts = await page.evaluate(() => (window as unknown as { __toasts: Record<string, number> }).__toasts);
  const ids = Object.keys(toasts).filter((id) => toasts[id]! >= from && toasts[id]! < to);
  const out = {
    total: [] as number[],
    toAlert: [] as number[],
    toRow: [] as number[],
    toScreen: [] as number[],
    toReader: [] as number[],
  };
  if (!ids.length) return out;
  const reader = await sseArrivals(ids);
  const [rows] = await stack.db.pool.query(
    `SELECT alert_id, evidence, FLOOR(UNIX_TIMESTAMP(created_at) * 1000) AS created_ms,
       FLOOR(UNIX_TIMESTAMP(updated_at) * 1000) AS written_ms FROM alerts WHERE alert_id IN (?)`,
    [ids],
  );
  type Row = { alert_id: string; evidence: string | { eventId: string }[]; created_ms: number; written_ms: number };
  for (const r of rows as Row[]) {
    const ev = (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as { eventId: string }[];
    const sent = ev.map((e) => cohort.metrics.sentAt.get(e.eventId)).filter((t): t is number => t !== undefined);
    if (!sent.length) continue;
    const toast = toasts[r.alert_id]!;
    out.total.push(toast - Math.max(...sent));
    out.toAlert.push(Number(r.created_ms) - Math.max(...sent));
    out.toRow.push(Number(r.written_ms) - Number(r.created_ms));
    out.toScreen.push(toast - Number(r.written_ms));
    const arrived = reader[r.alert_id];
    if (arrived !== undefined) out.toReader.push(arrived - Number(r.written_ms));
  }
  return out;
}

type Counters = Awaited<ReturnType<typeof counters>>;
type Latency = Awaited<ReturnType<typeof eventToScreen>>;
/** Per stream count: its sub-steps' seconds, counter deltas and latencies, summed. */
const sums = new Map<number, { seconds: number; d: Partial<Record<keyof Counters, number>>; lat: Latency }>();
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const pp = (xs: number[]) => `${f(percentile(xs, 50))} / ${f(percentile(xs, 99))}`;
function stepOf(n: number, seconds: number, d: Partial<Record<keyof Counters, number>>, lat: Latency) {
  const rate = (k: keyof Counters) => (d[k] ?? 0) / seconds;
  const step = {
    mysql: rate('dashboardMysql'),
    redis: rate('dashboardRedis'),
    alerts: rate('alerts'),
    notices: rate('xadd'),
  };
  const row = `| ${n} | ${f2(step.alerts)} | ${f1(step.notices)} | ${f1(step.mysql)} | ${f1(step.redis)} | ${f1(rate('listReads'))} / ${f1(rate('alertReads'))} / ${f1(rate('otherQueries'))} | ${f2(step.mysql / step.alerts)} | ${f1(step.redis / step.alerts)} | ${f(rate('processorMysql'))} | ${f(rate('redis') - rate('dashboardRedis'))} | ${f1(rate('xread'))} / ${f1(rate('zmscore'))} | ${f(rate('dashboardCpu'))} | ${f(rate('readersCpu'))} | ${f(rate('benchCpu'))} | ${f(rate('readerBytes') / 1024)} | ${lat.total.length} | ${pp(lat.total)} | ${pp(lat.toAlert)} | ${pp(lat.toRow)} | ${pp(lat.toScreen)} | ${pp(lat.toReader)} |`;
  const extra = `list pushes ${f1(rate('readerSessions') / n)}/s and alerts ${f1(rate('readerAlerts') / n)}/s a stream`;
  return { step, row, extra };
}
// The first step starts inside the window, once its pace has begun (the first alerts' own latency: a look-away's
// second event, the processor's batch).
const paceBy = windowStart + 15_000;
if (Date.now() < paceBy) {
  console.log(`waiting ${((paceBy - Date.now()) / 1000).toFixed(0)} s for the incident window`);
  await sleep(paceBy - Date.now());
}
for (const n of ORDER) {
  sse.send({ open: n });
  const connectedBy = Date.now() + 60_000;
  let readers = await sseStats();
  while ((readers.withList < n || readers.streams > n) && Date.now() < connectedBy) {
    await sleep(250);
    readers = await sseStats();
  }
  if (readers.withList < n)
    console.log(`  only ${readers.withList} of ${n} streams had a list (failed: ${JSON.stringify(readers.failures)})`);
  await sleep(STEP_SETTLE_MS);
  const a = await counters();
  await sleep(STEP_MS);
  const b = await counters();
  const seconds = (b.at - a.at) / 1000;
  const d = Object.fromEntries(Object.keys(a).map((k) => [k, b[k as keyof Counters] - a[k as keyof Counters]]));
  const lat = await eventToScreen(a.at, b.at);
  const { row, extra } = stepOf(n, seconds, d, lat);
  console.log(`  ${elapsed()}: ${row} (live ${cohort.metrics.sessionsLive}, ${extra}, load ${load()})`);
  if (b.at > windowEnd)
    console.log(
      `  this step ended ${((b.at - windowEnd) / 1000).toFixed(0)} s after the incident window: its input is not the others'`,
    );
  const sum = sums.get(n) ?? {
    seconds: 0,
    d: {},
    lat: { total: [], toAlert: [], toRow: [], toScreen: [], toReader: [] },
  };
  sum.seconds += seconds;
  for (const [k, v] of Object.entries(d)) sum.d[k as keyof Counters] = (sum.d[k as keyof Counters] ?? 0) + v;
  for (const k of Object.keys(lat) as (keyof Latency)[]) sum.lat[k].push(...lat[k]);
  sums.set(n, sum);
}
const table: string[] = [];
const perStep: { mysql: number; redis: number; alerts: number; notices: number }[] = [];
for (const n of STREAMS) {
  const sum = sums.get(n);
  if (!sum) continue;
  const { step, row } = stepOf(n, sum.seconds, sum.d, sum.lat);
  perStep.push(step);
  table.push(row);
}

console.log(
  `\ndashboard fan-out, ${CANDIDATES} candidates on one schedule, ${STEP_MS / 1000} s a step, load average ${load()}:`,
);
console.log(
  '| SSE streams (+ 1 page) | input: alerts/s | input: change notices/s | dashboard MySQL queries/s | dashboard Redis commands/s | dashboard MySQL list / alert / other reads /s | dashboard MySQL queries per alert | dashboard Redis commands per alert | processor MySQL queries/s | edge + processor Redis commands/s | dashboard XREAD / ZMSCORE /s | dashboard CPU ms/s | SSE readers CPU ms/s | generator + page driver CPU ms/s | SSE KB/s (all streams) | alerts on screen | event → screen p50 / p99 ms | event → alert p50 / p99 ms | alert → row p50 / p99 ms | row → screen p50 / p99 ms | row → SSE reader p50 / p99 ms |',
);
console.log(`|${'---|'.repeat(21)}`);
for (const row of table) console.log(row);
const [first, last] = [perStep[0], perStep.at(-1)];
if (first && last && perStep.length > 1) {
  type K = keyof (typeof perStep)[number];
  const mean = (k: K) => perStep.reduce((sum, p) => sum + p[k], 0) / perStep.length;
  const spread = (k: K) => Math.max(...perStep.map((p) => Math.abs(p[k] / mean(k) - 1) * 100)).toFixed(0);
  const x = (k: K) => `×${(last[k] / first[k]).toFixed(2)}`;
  console.log(
    `\n${STREAMS.at(-1)} vs ${STREAMS[0]} streams: input alerts ${x('alerts')}, change notices ${x('notices')}; dashboard MySQL ${x('mysql')}, dashboard Redis ${x('redis')}; MySQL queries per alert ×${(last.mysql / last.alerts / (first.mysql / first.alerts)).toFixed(2)}; widest step from the mean: alerts ±${spread('alerts')} %, notices ±${spread('notices')} %, MySQL ±${spread('mysql')} %, Redis ±${spread('redis')} %`,
  );
}
await cleanup();
process.exit(0);
