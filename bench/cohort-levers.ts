// Capacity levers, each as a ratio against the baseline in one run: the same N simulated candidates (the cohort
// generator against raw workerd, the bridge, Kafka, the processor, a private Redis and its shim) run once per arm on
// one stack, one arm after the other. Each arm ramps its candidates in, waits until their sessions are live, then
// holds: the hold's server CPU by process, edge requests and Redis commands, divided by the candidate-hours held, are
// the steady-state cost of a candidate-hour (no joins, no incidents: an exam's long quiet middle). An idle hold with
// no candidates first gives each process's fixed rate, which is subtracted: the marginal cost is what scales. Redis
// commands are counted apart: the edge's on its own Redis behind the Upstash shim (what Upstash bills: the EVALSHA
// and every call inside it), the processor's and the dashboard's on theirs; a calibration on the idle stack gives each
// route's Upstash commands per request (bench/lib/upstashCount.ts).
//   BENCH_LEVERS_CANDIDATES (500), BENCH_LEVERS_HOLD (60 s per arm), BENCH_LEVERS (arms, comma-separated):
//     baseline     the defaults (heartbeat every 15 s, connection lost after 3; low-severity events flushed every 5 s)
//     hb60         heartbeat every 60 s, connection lost after 2 (2 min), signed into the token's proctoring claim
//     hb60-flush15 hb60 and low-severity events flushed every 15 s
//     hb25         heartbeat every 25 s, connection lost after 2 (50 s): still inside the 60 s promise, but one missed
//                  heartbeat is tolerated where the default tolerates two
// The 2 cores are shared with other engineers' work: read the ratios, not the absolutes. MariaDB is the machine's
// shared server, so its CPU is shown but left out of the ratios.

import { readFileSync } from 'node:fs';
import { createMetrics, startCohort } from '@proctor/cohort';
import type { ExamConfigOverrides } from '@proctor/contracts';
import { sleep } from '@proctor/contracts';
import { mintDevToken } from '@proctor/testkit';
import { startCohortStack, withTimeout } from './lib/cohort-stack.ts';
import { calibrateRoutes, commandsProcessed, upstashTable } from './lib/upstashCount.ts';

interface Arm {
  name: string;
  examConfig?: ExamConfigOverrides;
  flushIntervalMs?: number;
}
const HB60: ExamConfigOverrides = { heartbeatIntervalSeconds: 60, connectionLostAfterIntervals: 2 };
const ARMS: Record<string, Arm> = {
  baseline: { name: 'baseline' },
  hb60: { name: 'hb60', examConfig: HB60 },
  hb25: { name: 'hb25', examConfig: { heartbeatIntervalSeconds: 25, connectionLostAfterIntervals: 2 } },
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
/** From the last join to the hold: the last sessions/start answers and its record passes the processor. */
const LIVE_SLACK_MS = 8000;

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const loadAvg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const stack = await startCohortStack();
/** All Redis commands: the edge's Upstash and the processor's own. */
const redisCommands = async () =>
  (await commandsProcessed(stack.redis)) + (await commandsProcessed(stack.edgeRedis.all));
console.log(
  `cohort levers: ${CANDIDATES} candidates per arm, joins over ${JOIN_MS / 1000} s, hold ${HOLD_MS / 1000} s; arms ${arms.map((a) => a.name).join(', ')}; load average ${loadAvg()}`,
);

interface Result {
  arm: Arm;
  candidateHours: number;
  requests: number;
  byPath: Map<string, number>;
  redisCommands: number;
  /** The edge's commands on its Upstash (billed) and the processor's on its own Redis, over the hold. */
  upstash: number;
  ownRedis: number;
  cpu: Record<string, number>;
  wall: number;
  live: number;
  fivexx: number;
  load: string;
}
// The idle arm: the same stack with no candidates. Kafka's broker, the bridge, the processor's polls and its liveness
// sweep cost CPU (and Redis commands) whether or not anyone takes an exam; subtracting this rate leaves the marginal
// cost of a candidate-hour, which is what scales to a million.
const IDLE_MS = Number(process.env.BENCH_LEVERS_IDLE ?? 30) * 1000;
await sleep(5000);
const idleMeter = stack.cpuMeter();
const idleCommands0 = await redisCommands();
const idle0 = Date.now();
await sleep(IDLE_MS);
const idleCpu = idleMeter();
const idleWall = Date.now() - idle0;
const idleRate = Object.fromEntries(Object.entries(idleCpu).map(([n, v]) => [n, v / idleWall]));
const idleCommandRate = ((await redisCommands()) - idleCommands0) / idleWall;
console.log(
  `  idle (no candidates, ${f(idleWall / 1000)} s): ${Object.entries(idleRate)
    .filter(([n]) => !n.startsWith('generator'))
    .map(([n, r]) => `${n} ${f(r * 1000)} ms/s`)
    .join(', ')}; Redis ${f(idleCommandRate * 1000)} commands/s`,
);

const costs = await calibrateRoutes(stack.edge.url, stack.edgeRedis.all);
console.log(
  `  Upstash commands per request (one at a time, idle stack): ${Object.entries(costs)
    .map(([p, n]) => `${p} ${f(n, 2)}`)
    .join(', ')}`,
);

const results: Result[] = [];
for (const [k, arm] of arms.entries()) {
  const metrics = createMetrics();
  const cohort = startCohort({
    candidates: CANDIDATES,
    seed: 11 + k,
    runId: `${stack.prefix}a${k}`,
    // Everyone leaves after the hold and ends the session, so no arm inherits the last one's connection_lost sweep.
    examMs: JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 5000,
    // No incidents (they would fall after leaving): the hold is the glances and heartbeats of a quiet exam.
    incidentWindowMs: [JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 10_000, JOIN_MS + LIVE_SLACK_MS + HOLD_MS + 11_000],
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
  const armStart = Date.now();
  // The hold starts LIVE_SLACK_MS after the last join, whether or not everyone is live by then (say so if not).
  while (Date.now() < armStart + JOIN_MS + LIVE_SLACK_MS) await sleep(250);
  if (metrics.sessionsLive < CANDIDATES * 0.98)
    console.log(`  ${arm.name}: only ${metrics.sessionsLive} live at the hold`);
  const meter = stack.cpuMeter();
  const requests0 = metrics.requests;
  const paths0 = new Map(metrics.byPath);
  const commands0 = await redisCommands();
  const upstash0 = await commandsProcessed(stack.edgeRedis.all);
  const own0 = await commandsProcessed(stack.redis);
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
  const wall = Date.now() - h0;
  const result: Result = {
    arm,
    candidateHours: candidateMs / 3_600_000,
    requests: metrics.requests - requests0,
    byPath: new Map([...metrics.byPath].map(([p, n]) => [p, n - (paths0.get(p) ?? 0)])),
    redisCommands: (await redisCommands()) - commands0,
    upstash: (await commandsProcessed(stack.edgeRedis.all)) - upstash0,
    ownRedis: (await commandsProcessed(stack.redis)) - own0,
    cpu,
    wall,
    live: metrics.sessionsLive,
    fivexx: metrics.status5xx - fivexx0,
    load: loadAvg(),
  };
  results.push(result);
  // Leaving: queued events are delivered and every session but the neverEnds ones is ended (they time out). Each
  // candidate leaves its exam's length after its own join, so the last one leaves JOIN_MS + 5 s after the hold: the
  // deadline grows with the join (a fixed 90 s cut 3,000 candidates' ends short, 120 s of joins).
  await withTimeout(`arm ${arm.name} ending its sessions`, cohort.done, JOIN_MS + 65_000).catch(async (e: Error) => {
    console.log(`  ${e.message}: stopping it`);
    await withTimeout(`stopping arm ${arm.name}`, cohort.stop(), 30_000).catch(() => {});
  });
  const ch = result.candidateHours;
  console.log(
    `  ${arm.name}: ${result.live} live, ${f(result.requests / ch)} requests per candidate-hour (${[...result.byPath]
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${p} ${f(n / ch)}`)
      .join(', ')}), 5xx ${result.fivexx}, load ${result.load}`,
  );
  for (const line of upstashTable({
    candidateHours: ch,
    requestsByPath: result.byPath,
    costs,
    edgeCommands: result.upstash,
    ownRedisCommands: result.ownRedis,
  }))
    console.log(line);
  await sleep(5000); // the processor drains; the next arm starts on a quiet pipeline
}

/** CPU above the idle rate over the hold: the candidates' own cost. */
const marginal = (r: Result, name: string) => (r.cpu[name] ?? Number.NaN) - (idleRate[name] ?? 0) * r.wall;
const systemMs = (r: Result, cpu: (r: Result, n: string) => number = marginal) =>
  Object.keys(r.cpu)
    .filter((n) => n !== SHARED && !n.startsWith('generator'))
    .reduce((a, n) => a + cpu(r, n), 0);
const totalCpu = (r: Result, n: string) => r.cpu[n] ?? Number.NaN;
const base = results[0]!;
const perCh = (r: Result, v: number) => v / r.candidateHours;
console.log('\nper candidate-hour, steady state (hold only), CPU above the idle rate (the marginal cost):');
const names = Object.keys(base.cpu).filter((n) => !n.startsWith('generator'));
console.log(
  `  ${'arm'.padEnd(14)} ${'requests'.padStart(9)} ${'Redis cmds'.padStart(10)} ${'server CPU-ms'.padStart(13)}  ${names.map((n) => n.slice(0, 9).padStart(9)).join(' ')}  per core (with idle)`,
);
for (const r of results) {
  const sys = perCh(r, systemMs(r));
  console.log(
    `  ${r.arm.name.padEnd(14)} ${f(perCh(r, r.requests)).padStart(9)} ${f(perCh(r, r.redisCommands - idleCommandRate * r.wall)).padStart(10)} ${f(sys).padStart(13)}  ${names.map((n) => f(perCh(r, marginal(r, n))).padStart(9)).join(' ')}  ${f(3_600_000 / sys)} (${f(3_600_000 / perCh(r, systemMs(r, totalCpu)))})`,
  );
}
console.log(
  `\nratios against ${base.arm.name} (lower is cheaper; marginal CPU; server CPU leaves out the shared MariaDB):`,
);
for (const r of results.slice(1)) {
  const ratio = (a: number, b: number) => f(a / b, 2);
  const cmds = (x: Result) => perCh(x, x.redisCommands - idleCommandRate * x.wall);
  console.log(
    `  ${r.arm.name}: requests ×${ratio(perCh(r, r.requests), perCh(base, base.requests))}, Redis commands ×${ratio(cmds(r), cmds(base))}, server CPU ×${ratio(perCh(r, systemMs(r)), perCh(base, systemMs(base)))}, workerd CPU ×${ratio(perCh(r, marginal(r, 'workerd')), perCh(base, marginal(base, 'workerd')))} → ${f(3_600_000 / perCh(r, systemMs(r)))} candidates per core by marginal CPU (baseline ${f(3_600_000 / perCh(base, systemMs(base)))})`,
  );
}
await stack.stop();
process.exit(results.every((r) => r.fivexx === 0) ? 0 : 1);
