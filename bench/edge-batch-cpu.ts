// CPU cost of POST /events/batch (20 events, the full path: JWT, parsing, Redis claims + rate limits, one Kafka
// produce, marks) against GET /healthz (a hello-world route through the same middleware), in one run, two ways:
//  1. process CPU: the workerd process's utime+stime from /proc/<pid>/stat (the Worker's JS plus workerd's own HTTP
//     server, HTTP client and sockets for every subrequest), in a workerd without the inspector;
//  2. isolate CPU: time the Worker's isolate was running (JS, GC, and workerd's C++ under the isolate lock), from
//     V8's sampling profiler over the inspector, in a second workerd started with --inspector-addr. Cloudflare's
//     "CPU time" (billed, and limited per request) is this one: it excludes the runtime's network I/O.
// Goal: ratio <= 3x. Phase 2 also prints process CPU with the profiler off and on, to show what profiling distorts.
// With BENCH_BASELINE_BUNDLE set, it instead compares process CPU of that bundle (another commit's edge) and the
// current edge in one run, on hello, the batch and POST /sessions/heartbeat (a token check and one Redis script).
import { randomUUID } from 'node:crypto';
import {
  bundleEdge,
  candidate,
  createTestTopic,
  deleteByPrefix,
  localStackEnv,
  noFaceEvent,
  type ServedEdge,
  serveWithWorkerd,
  stackRedis,
} from '@proctor/testkit/edge';
import { bundleModules, printSelfTime, SelfTime } from './lib/edge-profile-breakdown.ts';
import { connectInspector, type ProfileSummary, profileWhile, summarise } from './lib/edge-v8-profiler.ts';
import { CPU_TICK_MS, cpuMs, runQueueWaitMs } from './lib/edge-workerd.ts';

const HELLO_REQUESTS = Number(process.env.BENCH_HELLO ?? 3000);
const BATCH_REQUESTS = Number(process.env.BENCH_BATCHES ?? 400);
const EVENTS_PER_BATCH = 20;
const CONCURRENCY = 8;
/** Rows of the per-function self-time table per route. */
const TOP_FUNCTIONS = Number(process.env.BENCH_TOP ?? 15);
const SAMPLING_INTERVAL_US = 100;
/** A coarser interval for one more profiled pass: if samples x period is unbiased, both intervals agree. */
const CROSS_CHECK_INTERVAL_US = 1000;

type Send = (i: number) => Promise<void>;

async function measure(pid: number, requests: number, send: Send) {
  let next = 0;
  const cpu0 = cpuMs(pid);
  const wait0 = runQueueWaitMs(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) await send(next++);
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  return {
    cpuUsPerRequest: ((cpuMs(pid) - cpu0) * 1000) / requests,
    rps: requests / wallS,
    runQueueWaitUsPerRequest: ((runQueueWaitMs(pid) - wait0) * 1000) / requests,
  };
}
type Measured = Awaited<ReturnType<typeof measure>>;

/** The three request kinds against one served edge: sessions started, duplicates primed, both paths warmed up. */
async function routes(edge: ServedEdge) {
  const pid = edge.child.pid as number;
  const candidates = await Promise.all(Array.from({ length: CONCURRENCY }, () => candidate(edge.url)));
  for (const c of candidates) {
    const r = await c.callRetrying('/sessions/start');
    if (r.status !== 201) throw new Error(`start failed: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const hello: Send = async () => {
    const res = await fetch(`${edge.url}/healthz`);
    if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    await res.arrayBuffer();
  };
  const batch: Send = async (i) => {
    const c = candidates[i % CONCURRENCY]!;
    const events = Array.from({ length: EVENTS_PER_BATCH }, () => noFaceEvent());
    const res = await c.call('/events/batch', { sessionId: c.sessionId, events });
    if (res.status !== 200 || res.json.accepted !== EVENTS_PER_BATCH)
      throw new Error(`batch ${res.status} ${JSON.stringify(res.json)}`);
  };
  // The same path minus the Kafka produce and the marks: every event is already 'done' (one Redis subrequest).
  const repeated = candidates.map(() => Array.from({ length: EVENTS_PER_BATCH }, () => noFaceEvent()));
  for (const [i, c] of candidates.entries())
    await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: repeated[i] });
  const duplicateBatch: Send = async (i) => {
    const c = candidates[i % CONCURRENCY]!;
    const res = await c.call('/events/batch', { sessionId: c.sessionId, events: repeated[i % CONCURRENCY] });
    if (res.status !== 200 || res.json.duplicates !== EVENTS_PER_BATCH)
      throw new Error(`dup batch ${res.status} ${JSON.stringify(res.json)}`);
  };
  // JWT verification and one Redis script: the route where the token check is the largest share.
  const heartbeat: Send = async (i) => {
    const c = candidates[i % CONCURRENCY]!;
    const res = await c.call('/sessions/heartbeat', { sessionId: c.sessionId });
    if (res.status !== 200) throw new Error(`heartbeat ${res.status} ${JSON.stringify(res.json)}`);
  };
  // Warm up every path (JIT, key import, connection pools).
  await measure(pid, 200, hello);
  await measure(pid, 40, batch);
  await measure(pid, 40, heartbeat);
  return { pid, hello, batch, duplicateBatch, heartbeat };
}

const avg = <T>(rows: T[], pick: (r: T) => number) => rows.reduce((s, r) => s + pick(r), 0) / rows.length;
const us = (v: number) => `${v.toFixed(0).padStart(5)} µs`;

/** Phase 1, the original method: process CPU of a workerd without the inspector, hello/batch/duplicates twice. */
async function processCpu(env: Record<string, string>) {
  const edge = await serveWithWorkerd(env);
  try {
    const r = await routes(edge);
    const rounds: { hello: Measured; batch: Measured; duplicates: Measured }[] = [];
    for (let round = 0; round < 2; round++) {
      rounds.push({
        hello: await measure(r.pid, HELLO_REQUESTS / 2, r.hello),
        batch: await measure(r.pid, BATCH_REQUESTS / 2, r.batch),
        duplicates: await measure(r.pid, BATCH_REQUESTS / 2, r.duplicateBatch),
      });
    }
    const helloUs = avg(rounds, (x) => x.hello.cpuUsPerRequest);
    const batchUs = avg(rounds, (x) => x.batch.cpuUsPerRequest);
    const ratio = batchUs / helloUs;
    console.log(`[process CPU] workerd pid ${r.pid}, CPU tick ${CPU_TICK_MS} ms, concurrency ${CONCURRENCY}`);
    console.log(
      `GET /healthz           ${HELLO_REQUESTS} req: ${helloUs.toFixed(0)} µs CPU/req, ${avg(rounds, (x) => x.hello.rps).toFixed(0)} req/s`,
    );
    console.log(
      `POST /events/batch x20 ${BATCH_REQUESTS} req: ${batchUs.toFixed(0)} µs CPU/req, ${avg(rounds, (x) => x.batch.rps).toFixed(0)} req/s`,
    );
    console.log(
      `  same, all duplicates  ${BATCH_REQUESTS} req: ${avg(rounds, (x) => x.duplicates.cpuUsPerRequest).toFixed(0)} µs CPU/req (no produce, no marks: one Redis subrequest)`,
    );
    console.log(`ratio batch/hello: ${ratio.toFixed(2)}x (goal <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'})`);
    return ratio;
  } finally {
    edge.child.kill();
  }
}

/**
 * A/B in one run (BENCH_BASELINE_BUNDLE=<a Worker bundle built from another commit>): process CPU of the baseline
 * and the current edge, served in turn as A B B A so that drift of the shared box falls on both alike.
 */
async function compareWithBaseline(env: Record<string, string>, baseline: string) {
  const runs: Record<'baseline' | 'current', { hello: number; batch: number; heartbeat: number }[]> = {
    baseline: [],
    current: [],
  };
  for (const which of ['baseline', 'current', 'current', 'baseline'] as const) {
    const edge = await serveWithWorkerd(env, which === 'baseline' ? { bundle: baseline } : {});
    try {
      const r = await routes(edge);
      const hello = await measure(r.pid, HELLO_REQUESTS / 2, r.hello);
      const batch = await measure(r.pid, BATCH_REQUESTS / 2, r.batch);
      const heartbeat = await measure(r.pid, BATCH_REQUESTS, r.heartbeat);
      runs[which].push({
        hello: hello.cpuUsPerRequest,
        batch: batch.cpuUsPerRequest,
        heartbeat: heartbeat.cpuUsPerRequest,
      });
      console.log(
        `[${which}] hello ${us(hello.cpuUsPerRequest)}, batch x${EVENTS_PER_BATCH} ${us(batch.cpuUsPerRequest)}, heartbeat ${us(heartbeat.cpuUsPerRequest)}`,
      );
    } finally {
      edge.child.kill();
    }
  }
  const mean = (which: keyof typeof runs, kind: 'hello' | 'batch' | 'heartbeat') => avg(runs[which], (x) => x[kind]);
  for (const kind of ['hello', 'batch', 'heartbeat'] as const) {
    console.log(
      `${kind.padEnd(9)} process CPU/req: baseline ${us(mean('baseline', kind))}, current ${us(mean('current', kind))}, ` +
        `current/baseline ${(mean('current', kind) / mean('baseline', kind)).toFixed(3)}x`,
    );
  }
  console.log(
    `ratio batch/hello: baseline ${(mean('baseline', 'batch') / mean('baseline', 'hello')).toFixed(2)}x, ` +
      `current ${(mean('current', 'batch') / mean('current', 'hello')).toFixed(2)}x`,
  );
}

interface Profiled {
  requests: number;
  process: Measured;
  wallUs: number;
  summary: ProfileSummary;
}

/** Phase 2: isolate CPU from V8 profiles in a workerd with the inspector; process CPU with the profiler off and on. */
async function isolateCpu(env: Record<string, string>, processRatio: number) {
  const edge = await serveWithWorkerd(env, { inspector: true });
  const inspector = await connectInspector(edge.inspectorAddr as string, edge.service);
  try {
    const r = await routes(edge);
    await inspector.send('Profiler.enable');
    const moduleOf = bundleModules(await bundleEdge());
    const self = { hello: new SelfTime(), batch: new SelfTime(), duplicates: new SelfTime() };
    const profiled = async (
      requests: number,
      send: Send,
      intervalUs = SAMPLING_INTERVAL_US,
      selfTime?: SelfTime,
    ): Promise<Profiled> => {
      let process: Measured | undefined;
      const { profile, wallUs } = await profileWhile(inspector, intervalUs, async () => {
        process = await measure(r.pid, requests, send);
      });
      const summary = summarise(profile, intervalUs);
      selfTime?.add(profile, summary.periodUs, moduleOf);
      return { requests, process: process as Measured, wallUs, summary };
    };
    const plain: { hello: Measured; batch: Measured }[] = [];
    const rounds: { hello: Profiled; batch: Profiled; duplicates: Profiled }[] = [];
    for (let round = 0; round < 2; round++) {
      plain.push({
        hello: await measure(r.pid, HELLO_REQUESTS / 2, r.hello),
        batch: await measure(r.pid, BATCH_REQUESTS / 2, r.batch),
      });
      rounds.push({
        hello: await profiled(HELLO_REQUESTS / 2, r.hello, SAMPLING_INTERVAL_US, self.hello),
        batch: await profiled(BATCH_REQUESTS / 2, r.batch, SAMPLING_INTERVAL_US, self.batch),
        duplicates: await profiled(BATCH_REQUESTS / 2, r.duplicateBatch, SAMPLING_INTERVAL_US, self.duplicates),
      });
    }
    const coarse = {
      hello: await profiled(HELLO_REQUESTS, r.hello, CROSS_CHECK_INTERVAL_US),
      batch: await profiled(BATCH_REQUESTS, r.batch, CROSS_CHECK_INTERVAL_US),
    };
    report(plain, rounds, processRatio);
    // Where the time goes: self time (the leaf frame of each sample) per function, over both profiled rounds.
    const profiledRequests = (kind: keyof typeof self) => rounds.reduce((n, x) => n + x[kind].requests, 0);
    printSelfTime('GET /healthz', self.hello, profiledRequests('hello'), TOP_FUNCTIONS);
    printSelfTime('POST /events/batch x20', self.batch, profiledRequests('batch'), TOP_FUNCTIONS);
    printSelfTime('  all duplicates', self.duplicates, profiledRequests('duplicates'), TOP_FUNCTIONS);
    const coarseBusy = (x: Profiled) =>
      (x.summary.isolateUs.js + x.summary.isolateUs['(program)'] + x.summary.isolateUs['(garbage collector)']) /
      x.requests;
    console.log(
      `cross-check at nominal ${CROSS_CHECK_INTERVAL_US} µs (period ${coarse.hello.summary.periodUs}/${coarse.batch.summary.periodUs} µs, ` +
        `${HELLO_REQUESTS}/${BATCH_REQUESTS} req): isolate busy hello ${coarseBusy(coarse.hello).toFixed(0)} µs, ` +
        `batch ${coarseBusy(coarse.batch).toFixed(0)} µs, ratio ${(coarseBusy(coarse.batch) / coarseBusy(coarse.hello)).toFixed(2)}x; ` +
        `process CPU while profiling hello ${coarse.hello.process.cpuUsPerRequest.toFixed(0)} µs, batch ${coarse.batch.process.cpuUsPerRequest.toFixed(0)} µs`,
    );
  } finally {
    inspector.close();
    edge.child.kill();
  }
}

function report(
  plain: { hello: Measured; batch: Measured }[],
  rounds: { hello: Profiled; batch: Profiled; duplicates: Profiled }[],
  processRatio: number,
) {
  type Kind = 'hello' | 'batch' | 'duplicates';
  const perRequest = (kind: Kind, pick: (s: ProfileSummary) => number) =>
    avg(rounds, (x) => pick(x[kind].summary) / x[kind].requests);
  const js = (kind: Kind) => perRequest(kind, (s) => s.isolateUs.js);
  const busy = (kind: Kind) =>
    perRequest(kind, (s) => s.isolateUs.js + s.isolateUs['(program)'] + s.isolateUs['(garbage collector)']);
  console.log(
    `\n[isolate CPU] V8 sampling profiler over the inspector, nominal interval ${SAMPLING_INTERVAL_US} µs, measured ` +
      `period ${rounds.map((x) => `${x.hello.summary.periodUs}/${x.batch.summary.periodUs}/${x.duplicates.summary.periodUs}`).join(', ')} µs (hello/batch/dup per round); ` +
      'isolate time = samples x period',
  );
  console.log(
    '                        JS     +    GC   + (program)  = isolate busy   (idle)  process CPU  main thread waiting for a core',
  );
  const labels: Record<Kind, string> = {
    hello: 'GET /healthz',
    batch: 'POST /events/batch x20',
    duplicates: '  all duplicates',
  };
  for (const kind of ['hello', 'batch', 'duplicates'] as const) {
    console.log(
      `${labels[kind].padEnd(22)} ${us(js(kind))} ${us(perRequest(kind, (s) => s.isolateUs['(garbage collector)']))} ` +
        `${us(perRequest(kind, (s) => s.isolateUs['(program)']))} ${us(busy(kind))}    ` +
        `${us(perRequest(kind, (s) => s.isolateUs['(idle)']))}  ${us(avg(rounds, (x) => x[kind].process.cpuUsPerRequest))}     ` +
        us(avg(rounds, (x) => x[kind].process.runQueueWaitUsPerRequest)),
    );
  }
  const isolateRatio = busy('batch') / busy('hello');
  console.log(
    `ratio batch/hello, isolate busy (JS+GC+program; what Cloudflare bills and limits as CPU time): ${isolateRatio.toFixed(2)}x ` +
      `(goal <= 3x: ${isolateRatio <= 3 ? 'met' : 'NOT met'}); JS only: ${(js('batch') / js('hello')).toFixed(2)}x`,
  );
  console.log(`ratio batch/hello, process CPU (workerd incl. its HTTP/network stack): ${processRatio.toFixed(2)}x`);
  // Distortion: process-CPU ratio in this workerd with the profiler off and on, next to phase 1 (no inspector).
  const plainRatio = avg(plain, (x) => x.batch.cpuUsPerRequest) / avg(plain, (x) => x.hello.cpuUsPerRequest);
  const profiledRatio =
    avg(rounds, (x) => x.batch.process.cpuUsPerRequest) / avg(rounds, (x) => x.hello.process.cpuUsPerRequest);
  console.log(
    `profiler distortion, process-CPU ratio: no inspector ${processRatio.toFixed(2)}x, inspector attached and ` +
      `profiler off ${plainRatio.toFixed(2)}x, profiling ${profiledRatio.toFixed(2)}x ` +
      `(hello ${avg(plain, (x) => x.hello.cpuUsPerRequest).toFixed(0)} -> ${avg(rounds, (x) => x.hello.process.cpuUsPerRequest).toFixed(0)} µs, ` +
      `batch ${avg(plain, (x) => x.batch.cpuUsPerRequest).toFixed(0)} -> ${avg(rounds, (x) => x.batch.process.cpuUsPerRequest).toFixed(0)} µs)`,
  );
  // Sanity: the profile spans the profiled interval (timeDeltas add up to it), and the isolate's busy time fits
  // inside the process's CPU time over the same interval.
  for (const kind of ['hello', 'batch', 'duplicates'] as const) {
    const x = rounds[0]![kind];
    const s = x.summary;
    const busyUs = s.isolateUs.js + s.isolateUs['(program)'] + s.isolateUs['(garbage collector)'];
    console.log(
      `sanity ${kind.padEnd(10)} wall ${(x.wallUs / 1000).toFixed(0)} ms, profile span ${(s.spanUs / 1000).toFixed(0)} ms, ` +
        `sum of timeDeltas (idle + non-idle) ${(s.deltaSumUs / 1000).toFixed(0)} ms; samples ${Object.values(s.samples).reduce((a, b) => a + b, 0)}; ` +
        `isolate busy ${((busyUs / (x.process.cpuUsPerRequest * x.requests)) * 100).toFixed(0)}% of process CPU`,
    );
  }
}

const topic = await createTestTopic(12);
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const env = {
  ...(await localStackEnv()),
  KAFKA_TOPIC: topic.name,
  REDIS_KEY_PREFIX: prefix,
  RATE_LIMIT_SESSION_EVENTS_PER_MINUTE: '100000000',
  RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: '100000000',
  RATE_LIMIT_SESSION_CONTROL_PER_MINUTE: '100000000',
};
try {
  const baseline = process.env.BENCH_BASELINE_BUNDLE;
  if (baseline) await compareWithBaseline(env, baseline);
  else {
    const processRatio = await processCpu(env);
    await isolateCpu(env, processRatio);
  }
} finally {
  await topic.delete();
  await deleteByPrefix(stackRedis(), prefix);
}
