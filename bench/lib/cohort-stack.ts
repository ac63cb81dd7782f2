// The cohort benchmark's own parts: private Redis servers, one behind an Upstash shim per edge database that only the
// edge uses (their commands are exactly what Upstash would bill; `edgeShards`, default 1) and one for the processor
// and the dashboard (their own Redis, not billed per command), so Redis commands, memory and CPU are ours alone; a fresh topic and database, the edge in raw workerd, the processor, the dashboard built from the current
// source; and CPU per process from /proc. Every wait has a deadline and says what it waited for: a bench that
// hangs on a starved box tells nobody anything.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Shards, shardList, sleep } from '@proctor/contracts';
import { stackConfig } from '@proctor/infra/stack/config';
import { withNofile } from '@proctor/infra/stack/processes';
import {
  buildDashboardSite,
  DASHBOARD_WORKSPACE,
  DEV_AUDIENCE,
  DEV_DASHBOARD_AUDIENCE,
  DEV_ISSUER,
  devPublicKeyPem,
  freePort,
  freshDatabase,
  mintDevProctorToken,
  type ProcessorChild,
  type RunningDashboard,
  startDashboard,
  startProcessor,
} from '@proctor/testkit';
import { type ServedEdge, serveWithWorkerd } from '@proctor/testkit/edge';
import { createTopics, deleteTopics, randomName } from '@proctor/testkit/stack';
import { Redis } from 'ioredis';
import { cpuMs } from './edge-workerd.ts';
import { BENCH_PLATFORM } from './platformLaunch.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** How long one start-up step may take on a loaded box before the bench gives up and says which step it was. */
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_SECONDS ?? 90) * 1000;
/** Candidates one workerd process is given at most: at 3-4 descriptors each under load, well inside 20,000. */
const CANDIDATES_PER_EDGE_PROCESS = 4000;

/**
 * workerd processes sharing the edge's socket: BENCH_EDGE_PROCESSES, else one per core and at least one per 4,000
 * candidates. One process runs its isolate on one thread (a single one caps the edge at one core, where Cloudflare
 * runs a Worker in many isolates), and holds one descriptor per client connection plus its upstream pools.
 */
function edgeProcessesFor(candidates: number): number {
  if (process.env.BENCH_EDGE_PROCESSES) return Number(process.env.BENCH_EDGE_PROCESSES);
  return Math.max(availableParallelism(), Math.ceil(candidates / CANDIDATES_PER_EDGE_PROCESS));
}
const STACK_HINT = 'is the stack up? `source /work/ports-N.env && scripts/node24.sh node infra/stack/up.ts`';

/** Rejects with `what` once `ms` passed; the underlying work is left to the exit handler's kills. */
export function withTimeout<T>(what: string, work: Promise<T>, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `ok` until it holds; `dead` names a reason to stop at once (the child exited). */
async function waitUntil(
  what: string,
  ok: () => Promise<boolean>,
  timeoutMs = 20_000,
  dead: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = dead();
    if (why) throw new Error(`${what}: ${why}`);
    if (await withTimeout(what, ok(), 5000).catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not come up within ${Math.round(timeoutMs / 1000)} s`);
}

/** pid of the first process whose comm is one of `names` (the machine's MariaDB: shared, so its CPU is noisy). */
function pidByComm(names: string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

export function stackPid(name: string): number {
  const file = join(stackConfig().stateDir, `${name}.pid`);
  try {
    return Number(JSON.parse(readFileSync(file, 'utf8')).pid);
  } catch {
    throw new Error(`no ${name} pid in ${file}: ${STACK_HINT}`);
  }
}

export interface CohortStack {
  edge: ServedEdge;
  processor: ProcessorChild;
  /** The processor's and the dashboard's own Redis. */
  redis: Redis;
  redisUrl: string;
  /**
   * The edge's "Upstash" databases: one Redis server behind one shim each, used by the edge alone, picked per
   * session or tenant as the edge picks them (contracts shardList).
   */
  edgeRedis: Shards<Redis>;
  prefix: string;
  topic: string;
  mysqlUrl: string;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  /**
   * Process name → pid, for CPU accounting (the edge's workerd processes, its shims and their Redis servers are each
   * metered together by cpuMeter).
   */
  pids: Record<string, number>;
  /** Every shim process (one per edge database). */
  shimPids: number[];
  /** cpuMeter over the stack's processes (every workerd process as one "workerd") and `more` (name → pid). */
  cpuMeter(more?: Record<string, number>): ReturnType<typeof cpuMeter>;
  stop(): Promise<void>;
}

/**
 * The stack's S3 credentials whenever an S3 endpoint is in the environment (a helper's ports file sets one): the
 * processor and the dashboard refuse an endpoint without keys.
 */
function s3Env(): Record<string, string> {
  if (!process.env.S3_ENDPOINT) return {};
  const { s3 } = stackConfig();
  return { S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey };
}

/** Every process this bench started: killed on exit, even when the bench fails half-way. */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

/** A redis-server of our own on a free port (no persistence), and a client once it answers. */
async function privateRedis(what: string): Promise<{ redis: Redis; redisUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const redisUrl = `redis://127.0.0.1:${port}`;
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  children.push(child);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => {}); // refused until redis-server listens; waitUntil retries
  await waitUntil(what, async () => {
    if (redis.status !== 'ready') await redis.connect();
    return (await redis.ping()) === 'PONG';
  });
  return { redis, redisUrl, child };
}

/** `processorMysqlUrl` rewrites the processor's MYSQL_URL (a bench counting its queries sends it through a proxy). */
export async function startCohortStack(
  partitions = 12,
  options: {
    processorMysqlUrl?: (url: string) => string /** The most candidates the run will start. */;
    candidates?: number;
    /** The edge's Upstash databases (default BENCH_EDGE_SHARDS, else 1), each its own Redis server and shim. */
    edgeShards?: number;
  } = {},
): Promise<CohortStack> {
  const stackPids = { bridge: stackPid('bridge'), kafka: stackPid('kafka') };
  const { redis, redisUrl, child: redisChild } = await privateRedis('private redis-server (processor)');
  const shardCount = options.edgeShards ?? Number(process.env.BENCH_EDGE_SHARDS ?? 1);
  const { UPSTASH_REDIS_REST_URL: _, ...withoutShimUrl } = process.env;
  const shards = await Promise.all(
    Array.from({ length: shardCount }, async (_, i) => {
      const own = await privateRedis(`private redis-server (the edge's Upstash ${i + 1} of ${shardCount})`);
      const port = await freePort();
      // A shim holds the other end of every edge process's upstream pool: as many descriptors as allowed.
      const run = withNofile(process.execPath, [join(ROOT, 'infra', 'shim', 'main.ts')]);
      const shim = spawn(run.command, run.args, {
        env: { ...withoutShimUrl, SHIM_PORT: String(port), UPSTASH_SHARDS: '1', REDIS_URL: own.redisUrl },
        stdio: 'ignore',
      });
      children.push(shim);
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(`private shim ${i + 1}`, async () => (await fetch(url)).status > 0);
      return { own, shim, url };
    }),
  );

  const topic = randomName('proctor.events.cohort');
  await withTimeout(`creating Kafka topic ${topic} (${STACK_HINT})`, createTopics([topic, `${topic}.dlq`], partitions));
  const db = await withTimeout('creating the MySQL database (is MariaDB on 3306 up?)', freshDatabase());
  const prefix = randomName('pcohort');
  const edge = await withTimeout(
    'the edge in workerd (bundle + /healthz)',
    serveWithWorkerd(
      {
        ENVIRONMENT: 'development',
        UPSTASH_REDIS_REST_URL: shards.map((d) => d.url).join(','),
        UPSTASH_REDIS_REST_TOKEN: shards.map(() => stackConfig().shim.token).join(','),
        KAFKA_REST_URL: stackConfig().bridge.url,
        KAFKA_REST_FLAVOR: 'v2',
        KAFKA_TOPIC: topic,
        REDIS_KEY_PREFIX: prefix,
        JWT_PUBLIC_KEY: await devPublicKeyPem(),
        JWT_ISSUER: DEV_ISSUER,
        JWT_AUDIENCE: DEV_AUDIENCE,
        LOG_LEVEL: 'warn',
        // A load test is many sessions of one tenant each minute: lift the tenant ceiling, keep the per-session ones.
        RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: '100000000',
        // BENCH_HEARTBEAT_COALESCE_MS: the edge's heartbeat window (0: a produce per heartbeat, as before it).
        ...(process.env.BENCH_HEARTBEAT_COALESCE_MS
          ? { HEARTBEAT_COALESCE_MS: process.env.BENCH_HEARTBEAT_COALESCE_MS }
          : {}),
        // BENCH_EVENTS_COALESCE_MS: the edge's window for event batches (0: a produce per batch).
        ...(process.env.BENCH_EVENTS_COALESCE_MS ? { EVENTS_COALESCE_MS: process.env.BENCH_EVENTS_COALESCE_MS } : {}),
      },
      { processes: edgeProcessesFor(options.candidates ?? 0) },
    ),
  );
  children.push(...edge.children);
  // startProcessor waits up to 60 s for processor_ready and then throws; the child is ours to kill either way.
  const processor = await withTimeout(
    `the processor (processor_ready; ${STACK_HINT})`,
    startProcessor({
      KAFKA_BROKERS: stackConfig().kafka.bootstrap,
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: randomName('processor-cohort'),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      MYSQL_URL: options.processorMysqlUrl?.(db.url) ?? db.url,
      ...s3Env(),
    }),
  );
  children.push(processor.child);
  const pids: Record<string, number> = {
    bridge: stackPids.bridge,
    kafka: stackPids.kafka,
    processor: processor.child.pid!,
    redis: redisChild.pid!,
  };
  const shimPids = shards.map((d) => d.shim.pid!);
  const edgeRedisPids = shards.map((d) => d.own.child.pid!);
  const mysqld = pidByComm(['mariadbd', 'mysqld']);
  if (mysqld) pids['mariadb (shared)'] = mysqld;
  return {
    edge,
    processor,
    redis,
    redisUrl,
    edgeRedis: shardList(shards.map((d) => d.own.redis)),
    shimPids,
    prefix,
    topic,
    mysqlUrl: db.url,
    db,
    pids,
    cpuMeter: (more = {}) =>
      cpuMeter(
        { ...pids, ...more },
        {
          workerd: () => edge.children.reduce((sum, c) => sum + cpuMs(c.pid!), 0),
          shim: () => shimPids.reduce((sum, pid) => sum + cpuMs(pid), 0),
          'redis (edge)': () => edgeRedisPids.reduce((sum, pid) => sum + cpuMs(pid), 0),
        },
      ),
    async stop() {
      // A processor that does not drain within 20 s is killed: stopping must never be the step that hangs.
      await withTimeout('processor shutdown', processor.stop('SIGTERM'), 20_000).catch(() =>
        processor.child.kill('SIGKILL'),
      );
      edge.stop();
      redis.disconnect();
      for (const d of shards) d.own.redis.disconnect();
      for (const c of children) c.kill();
      await withTimeout('dropping the database', db.drop(), 20_000).catch(() => {});
      await withTimeout('deleting the topics', deleteTopics([topic, `${topic}.dlq`]), 20_000).catch(() => {});
    },
  };
}

/** CPU ms of every named process (and of this process, the generator) since the last call. */
export function cpuMeter(pids: Record<string, number>, extra: Record<string, () => number> = {}) {
  const read = () => {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      try {
        out[name] = cpuMs(pid);
      } catch {
        out[name] = Number.NaN;
      }
    }
    for (const [name, fn] of Object.entries(extra)) out[name] = fn();
    const self = process.cpuUsage();
    out['generator (bench)'] = (self.user + self.system) / 1000;
    return out;
  };
  let last = read();
  return () => {
    const now = read();
    const delta = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (last[k] ?? 0)]));
    last = now;
    return delta;
  };
}

export interface BenchDashboard extends RunningDashboard {
  /** An admin token of `tenant` (the dev key, the dashboard's audience), for Bearer API calls and the POST to /login. */
  token: string;
}

/**
 * Builds the dashboard from the current source into its own folder (never a stale dist/, never a folder another run
 * uses), serialised with the tests' build lock. BENCH_DASHBOARD_DIST reuses an existing build instead.
 */
function buildDashboard(): { outDir: string; owned: boolean } {
  if (process.env.BENCH_DASHBOARD_DIST) return { outDir: process.env.BENCH_DASHBOARD_DIST, owned: false };
  const outDir = join(DASHBOARD_WORKSPACE, 'dist', `bench-${randomBytes(4).toString('hex')}`);
  buildDashboardSite(outDir, 240_000);
  return { outDir, owned: true };
}

/**
 * The built dashboard's standalone server against the bench's database and Redis, trusting the dev key. It is
 * started directly (not through dashboard/scripts/serve.ts, whose dev sign-in page takes a fixed port and whose
 * output a bench would have to parse for a token), and is ready once its OpenAPI document answers. `extra` adds to
 * or overrides its environment.
 */
export async function startCohortDashboard(
  s: CohortStack,
  tenant: string,
  extra: Record<string, string> = {},
): Promise<BenchDashboard> {
  const { outDir, owned } = buildDashboard();
  const env: Record<string, string> = {
    JWT_PUBLIC_KEY: await devPublicKeyPem(),
    JWT_ISSUER: DEV_ISSUER,
    JWT_AUDIENCE: DEV_DASHBOARD_AUDIENCE,
    MYSQL_URL: s.mysqlUrl,
    REDIS_URL: s.redisUrl,
    REDIS_KEY_PREFIX: s.prefix,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    PLATFORM_ORIGINS: BENCH_PLATFORM,
    ...s3Env(),
    ...extra,
  };
  const dashboard = await withTimeout(
    'the dashboard (its OpenAPI document)',
    startDashboard({ outDir, port: await freePort(), env, timeoutMs: STEP_TIMEOUT_MS, keepBuild: !owned }),
    STEP_TIMEOUT_MS + 5000,
  );
  children.push(dashboard.child);
  // A bench that dies half-way still removes the build it made (the kill above stops the server).
  if (owned) process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const token = await mintDevProctorToken(tenant, 'admin', { issuer: DEV_ISSUER, audience: DEV_DASHBOARD_AUDIENCE });
  return { ...dashboard, token };
}

interface PushedRow {
  sessionId: string;
  riskScore: number;
  presence: string;
  openAlerts: number;
  totalAlerts: number;
  rules: string[];
  status: string;
  lastSeenAt: number | null;
}

/** What differs between two pushed lists: the order or membership, else the fields that changed in some row. */
function pushCauses(a: PushedRow[], b: PushedRow[]): string[] {
  if (a.length !== b.length || a.some((r, i) => r.sessionId !== b[i]!.sessionId)) return ['order'];
  const out = new Set<string>();
  for (const [i, r] of a.entries()) {
    const n = b[i]!;
    if (Math.round(r.riskScore) !== Math.round(n.riskScore)) out.add('risk');
    else if (r.riskScore !== n.riskScore) out.add('risk (fraction)');
    if (r.presence !== n.presence) out.add(`presence ${r.presence}→${n.presence}`);
    if (r.openAlerts !== n.openAlerts || r.totalAlerts !== n.totalAlerts || r.rules.join() !== n.rules.join())
      out.add('alerts');
    if (r.status !== n.status) out.add('status');
    if (r.lastSeenAt !== n.lastSeenAt) out.add('lastSeenAt');
  }
  return out.size ? [...out] : ['nothing'];
}

/**
 * Reads a schedule's SSE stream as a second proctor would: when each alert id first arrived, and how many ranked-list
 * pushes and bytes the stream carried (what every open dashboard tab receives and re-renders).
 */
export function watchStream(d: BenchDashboard, scheduleId: string) {
  const arrivals = new Map<string, number>();
  const counts = { sessionsPushes: 0, alertEvents: 0, bytes: 0, since: Date.now() };
  /** Why consecutive ranked-list pushes differed (a push may count under several causes). */
  const causes = new Map<string, number>();
  let previous: PushedRow[] | undefined;
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${d.url}/api/schedules/${scheduleId}/stream`, {
      headers: { authorization: `Bearer ${d.token}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      counts.bytes += Buffer.byteLength(value);
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (/^event: sessions$/m.test(block)) {
          counts.sessionsPushes++;
          const rows = (JSON.parse(/data: (.*)/.exec(block)?.[1] ?? '{}') as { sessions?: PushedRow[] }).sessions;
          if (rows && previous) for (const c of pushCauses(previous, rows)) causes.set(c, (causes.get(c) ?? 0) + 1);
          previous = rows;
        }
        if (/^event: alert$/m.test(block)) {
          counts.alertEvents++;
          const data = /data: (.*)/.exec(block)?.[1];
          const id = data ? (JSON.parse(data) as { alertId: string }).alertId : undefined;
          if (id && !arrivals.has(id)) arrivals.set(id, Date.now());
        }
        cut = buffer.indexOf('\n\n');
      }
    }
  })().catch(() => {});
  return {
    arrivals,
    counts,
    causes,
    /** Starts the push and byte counts afresh (e.g. once every candidate is live). */
    resetCounts() {
      Object.assign(counts, { sessionsPushes: 0, alertEvents: 0, bytes: 0, since: Date.now() });
      causes.clear();
    },
    async stop() {
      abort.abort();
      await withTimeout('closing the SSE reader', done, 5000).catch(() => {});
    },
  };
}
