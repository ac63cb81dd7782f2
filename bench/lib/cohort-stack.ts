// The cohort benchmark's own parts: a private Redis and Upstash shim (so Redis commands, memory and CPU are ours
// alone), a fresh topic and database, the edge in raw workerd, the processor; and CPU per process from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  devPublicKeyPem,
  freshDatabase,
  type ProcessorChild,
  startProcessor,
} from '@proctor/testkit';
import { createTopics, deleteTopics, randomName } from '@proctor/testkit/stack';
import { Redis } from 'ioredis';
import { stackConfig } from '../../infra/stack/config.ts';
import { cpuMs, freePort, type ServedEdge, serveWithWorkerd } from './edge-workerd.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up`);
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

const stackPid = (name: string) =>
  Number(JSON.parse(readFileSync(join(stackConfig().stateDir, `${name}.pid`), 'utf8')).pid);

export interface CohortStack {
  edge: ServedEdge;
  processor: ProcessorChild;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  topic: string;
  mysqlUrl: string;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  /** Process name → pid, for CPU accounting. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/** Every process this bench started: killed on exit, even when the bench fails half-way. */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill();
});

export async function startCohortStack(partitions = 12): Promise<CohortStack> {
  const redisPort = await freePort();
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const redisChild = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  children.push(redisChild);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => {}); // refused until redis-server listens; waitUntil retries
  await waitUntil('private redis', async () => {
    if (redis.status !== 'ready') await redis.connect();
    return (await redis.ping()) === 'PONG';
  });
  const shimPort = await freePort();
  const shim = spawn(process.execPath, [join(ROOT, 'infra', 'shim', 'main.ts')], {
    env: {
      ...process.env,
      SHIM_PORT: String(shimPort),
      REDIS_URL: redisUrl,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${shimPort}`,
    },
    stdio: 'ignore',
  });
  children.push(shim);
  const shimUrl = `http://127.0.0.1:${shimPort}`;
  await waitUntil('private shim', async () => (await fetch(shimUrl)).status > 0);

  const topic = randomName('proctor.events.cohort');
  await createTopics([topic, `${topic}.dlq`], partitions);
  const db = await freshDatabase();
  const prefix = randomName('pcohort');
  const edge = await serveWithWorkerd({
    UPSTASH_REDIS_REST_URL: shimUrl,
    UPSTASH_REDIS_REST_TOKEN: stackConfig().shim.token,
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
  });
  const processor = await startProcessor({
    KAFKA_BROKERS: stackConfig().kafka.bootstrap,
    KAFKA_EVENTS_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP_ID: randomName('processor-cohort'),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    MYSQL_URL: db.url,
  });
  children.push(edge.child, processor.child);
  const pids: Record<string, number> = {
    workerd: edge.child.pid!,
    bridge: stackPid('bridge'),
    shim: shim.pid!,
    kafka: stackPid('kafka'),
    processor: processor.child.pid!,
    redis: redisChild.pid!,
  };
  const mysqld = pidByComm(['mariadbd', 'mysqld']);
  if (mysqld) pids['mariadb (shared)'] = mysqld;
  return {
    edge,
    processor,
    redis,
    redisUrl,
    prefix,
    topic,
    mysqlUrl: db.url,
    db,
    pids,
    async stop() {
      await processor.stop('SIGTERM');
      edge.child.kill();
      redis.disconnect();
      for (const c of children) c.kill();
      await db.drop().catch(() => {});
      await deleteTopics([topic, `${topic}.dlq`]).catch(() => {});
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

export { cpuMs };

export interface BenchDashboard {
  url: string;
  /** A proctor (admin) token of `tenant`, for Bearer API calls and the POST to /login. */
  token: string;
  child: ChildProcess;
}

/** The built dashboard's Node server (dashboard/scripts/serve.ts) against the bench's database and Redis. */
export async function startDashboard(s: CohortStack, tenant: string): Promise<BenchDashboard> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dashboard', 'scripts', 'serve.ts'), '--tenant', tenant], {
    env: {
      ...process.env,
      PORT: String(port),
      MYSQL_URL: s.mysqlUrl,
      REDIS_URL: s.redisUrl,
      REDIS_KEY_PREFIX: s.prefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const token = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /\/login\?token=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`dashboard exited ${code} (built? npm run build -w @proctor/dashboard)`)),
    );
  });
  return { url: `http://127.0.0.1:${port}`, token, child };
}

/** Reads a schedule's SSE stream; records when each alert id first arrived. */
export function watchStream(d: BenchDashboard, scheduleId: string) {
  const arrivals = new Map<string, number>();
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
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.includes('event: alert')) {
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
    async stop() {
      abort.abort();
      await done;
    },
  };
}
