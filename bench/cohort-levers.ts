// Capacity levers, each as a ratio against the baseline in one run: the same N simulated candidates (the cohort
// generator against raw workerd, the bridge, Kafka, the processor, a private Redis and its shim) run once per arm on
// one stack, one arm after the other. Each arm ramps its candidates in, waits until their sessions are live, then
// holds: the hold's server CPU by process, edge requests and Redis commands, divided by the candidate-hours held, are
// the steady-state cost of a candidate-hour (no joins, no incidents: an exam's long quiet middle).
//   BENCH_LEVERS_CANDIDATES (500), BENCH_LEVERS_HOLD (60 s per arm), BENCH_LEVERS (arms, comma-separated):
//     baseline     the defaults (heartbeat every 15 s, connection lost after 3; low-severity events flushed every 5 s)
//     hb60         heartbeat every 60 s, connection lost after 2 (2 min), signed into the token's proctoring claim
//     hb60-flush15 hb60 and low-severity events flushed every 15 s
// The 2 cores are shared with other engineers' work: read the ratios, not the absolutes. MariaDB is the machine's
// shared server, so its CPU is shown but left out of the ratios.
import { readFileSync } from 'node:fs';
import { createMetrics, startCohort } from '@proctor/cohort';
import type { ExamConfigOverrides } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import { cpuMeter, startCohortStack, withTimeout } from './lib/cohort-stack.ts';

interface Arm {
  name: string;
  examConfig?: ExamConfigOverrides;
  flushIntervalMs?: number;
}
const HB60: ExamConfigOverrides = { heartbeatIntervalSeconds: 60, connectionLostAfterIntervals: 2 };
const ARMS: Record<string, Arm> = {
  baseline: { name: 'baseline' },
  hb60: { name: 'hb60', examConfig: HB60 },
  'hb60-flush15': { name: 'hb60-flush15', examConfig: HB60, flushIntervalMs: 15_000 },
};
const arms = (process.env.BENCH_LEVERS ?? 'baseline,hb60,hb60-flush15').split(',').map((n) => {
  const arm = ARMS[n.trim()];
  if (!arm) throw new Error(`BENCH_LEVERS: unknown arm "${n}" (known: ${Object.keys(ARMS).join(', ')})`);
  return arm;
});
const CANDIDATES = Number(process.env.BENCH_LEVERS_CANDIDATES ?? 500);
const HOLD_MS = Number(process.env.BENCH_LEVERS_HOLD ?? 60) * 1000;
const JOIN_MS = Math.max(10_000, Math.round(CANDIDATES / 25) * 1000);
const SHARED = 'mariadb (shared)';

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAvg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const stack = await startCohortStack();
const redisCommands = async () =>
  Number(/total_commands_processed:(\d+)/.exec(await stack.redis.info('stats'))?.[1] ?? 0);
console.log(
  `cohort levers: ${CANDIDATES} candidates per arm, joins over ${JOIN_MS / 1000} s, hold ${HOLD_MS / 1000} s; arms ${arms.map((a) => a.name).join(', ')}; load average ${loadAvg()}`,
);

interface Result {
  arm: Arm;
  candidateHours: number;
  requests: number;
  byPath: Map<string, number>;
  redisCommands: number;
  cpu: Record<string, number>;
  live: number;
  fivexx: number;
  load: string;
}
const results: Result[] = [];
for (const [k, arm] of arms.entries()) {
  const metrics = createMetrics();
  const cohort = startCohort({
    candidates: CANDIDATES,
    seed: 11 + k,
    runId: `${stack.prefix}a${k}`,
    examMs: 6 * 3600_000,
    tenants: 2,
    schedulesPerTenant: 2,
    joinSpreadMs: JOIN_MS,
    metrics,
    ...(arm.flushIntervalMs ? { flushIntervalMs: arm.flushIntervalMs } : {}),
    mintToken: (claims, expSeconds) =>
      mintDevToken(arm.examConfig ? { ...claims, proctoring: { examConfig: arm.examConfig } } : claims, {
        expSeconds,
      }),
    edgeUrl: stack.edge.url,
  });
  const liveBy = Date.now() + JOIN_MS + 60_000;
  while (metrics.sessionsLive < CANDIDATES * 0.98 && Date.now() < liveBy) await sleep(250);
  await sleep(2000); // the last starts' session_started records through the processor
  const meter = cpuMeter(stack.pids);
  const requests0 = metrics.requests;
  const paths0 = new Map(metrics.byPath);
  const commands0 = await redisCommands();
  const fivexx0 = metrics.status5xx;
  let candidateMs = 0;
  const h0 = Date.now();
  let last = h0;
  while (Date.now() - h0 < HOLD_MS) {
    await sleep(500);
    const now = Date.now();
    candidateMs += metrics.sessionsLive * (now - last);
    last = now;
  }
  const cpu = meter();
  const result: Result = {
    arm,
    candidateHours: candidateMs / 3_600_000,
    requests: metrics.requests - requests0,
    byPath: new Map([...metrics.byPath].map(([p, n]) => [p, n - (paths0.get(p) ?? 0)])),
    redisCommands: (await redisCommands()) - commands0,
    cpu,
    live: metrics.sessionsLive,
    fivexx: metrics.status5xx - fivexx0,
    load: loadAvg(),
  };
  results.push(result);
  await withTimeout(`stopping arm ${arm.name}`, cohort.stop(), 30_000).catch((e: Error) => console.log(e.message));
  const ch = result.candidateHours;
  console.log(
    `  ${arm.name}: ${result.live} live, ${f(result.requests / ch)} requests per candidate-hour (${[...result.byPath]
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${p} ${f(n / ch)}`)
      .join(', ')}), 5xx ${result.fivexx}, load ${result.load}`,
  );
  await sleep(5000); // the processor drains; the next arm starts on a quiet pipeline
}

const systemMs = (r: Result) =>
  Object.entries(r.cpu)
    .filter(([n]) => n !== SHARED && !n.startsWith('generator'))
    .reduce((a, [, v]) => a + v, 0);
const base = results[0]!;
const perCh = (r: Result, v: number) => v / r.candidateHours;
console.log('\nper candidate-hour, steady state (hold only):');
const names = Object.keys(base.cpu).filter((n) => !n.startsWith('generator'));
console.log(
  `  ${'arm'.padEnd(14)} ${'requests'.padStart(9)} ${'Redis cmds'.padStart(10)} ${'server CPU-ms'.padStart(13)}  ${names.map((n) => n.padStart(8)).join(' ')}  per core`,
);
for (const r of results) {
  const sys = perCh(r, systemMs(r));
  console.log(
    `  ${r.arm.name.padEnd(14)} ${f(perCh(r, r.requests)).padStart(9)} ${f(perCh(r, r.redisCommands)).padStart(10)} ${f(sys).padStart(13)}  ${names.map((n) => f(perCh(r, r.cpu[n] ?? Number.NaN)).padStart(8)).join(' ')}  ${f(3_600_000 / sys)}`,
  );
}
console.log(`\nratios against ${base.arm.name} (lower is cheaper; server CPU leaves out the shared MariaDB):`);
for (const r of results.slice(1)) {
  const ratio = (a: number, b: number) => f(a / b, 2);
  console.log(
    `  ${r.arm.name}: requests ×${ratio(perCh(r, r.requests), perCh(base, base.requests))}, Redis commands ×${ratio(perCh(r, r.redisCommands), perCh(base, base.redisCommands))}, server CPU ×${ratio(perCh(r, systemMs(r)), perCh(base, systemMs(base)))}, workerd CPU ×${ratio(perCh(r, r.cpu.workerd!), perCh(base, base.cpu.workerd!))} → ${f(3_600_000 / perCh(r, systemMs(r)))} candidates per core by CPU (baseline ${f(3_600_000 / perCh(base, systemMs(base)))})`,
  );
}
await stack.stop();
process.exit(results.every((r) => r.fivexx === 0) ? 0 : 1);
