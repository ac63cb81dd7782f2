// The edge over three Upstash databases, each its own Redis server behind its own shim: the cohort generator's
// realistic mix against raw workerd, and each database's commands per second as Upstash bills them (every command a
// script runs counted, which is what Redis's total_commands_processed counts), with their balance against the mean.
// The processor is left out: it keeps liveness on its own Redis and writes to the edge's databases only on erasure.
//   BENCH_SHARDS (3), BENCH_SHARDS_CANDIDATES (1000: at 400 a database's share of sessions alone spreads by about
//   7 %), BENCH_SHARDS_TENANTS (20), BENCH_SHARDS_HOLD (60 s)
// The 2 cores are shared with other engineers' work: the balance is a ratio, the rates are not.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createMetrics, startCohort } from '@proctor/cohort';
import { shardOf, sleep } from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { freePort, mintDevToken } from '@proctor/testkit';
import { createTestTopic, startEdge } from '@proctor/testkit/edge';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 3);
const CANDIDATES = Number(process.env.BENCH_SHARDS_CANDIDATES ?? 1000);
const TENANTS = Number(process.env.BENCH_SHARDS_TENANTS ?? 20);
const HOLD_MS = Number(process.env.BENCH_SHARDS_HOLD ?? 60) * 1000;
const JOIN_MS = Math.max(10_000, Math.round(CANDIDATES / 25) * 1000);
const SLACK_MS = 8000;
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function startRedisServer(): Promise<{ port: number; process: ChildProcess; client: RedisClient }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const client = createRedisClient(`redis://127.0.0.1:${port}`, { lazyConnect: true });
  client.on('error', () => {}); // refused until the server listens: the loop below retries
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      await client.ping();
      return { port, process: child, client };
    } catch (err) {
      if (i > 50) throw err;
      client.disconnect();
      await sleep(100);
    }
  }
}

const servers = await Promise.all(Array.from({ length: SHARDS }, startRedisServer));
const token = randomBytes(12).toString('hex');
// Each shim is its own process (as the stack runs it), so the generator's event loop never delays a database.
const SHIM_MAIN = fileURLToPath(new URL('../infra/shim/main.ts', import.meta.url));
const { UPSTASH_REDIS_REST_URL: _, ...withoutShimUrl } = process.env;
const shims = await Promise.all(
  servers.map(async (s) => {
    const port = await freePort();
    const child = spawn(process.execPath, [SHIM_MAIN], {
      stdio: 'ignore',
      env: {
        ...withoutShimUrl,
        SHIM_HOST: '127.0.0.1',
        SHIM_PORT: String(port),
        UPSTASH_SHARDS: '1',
        UPSTASH_REDIS_REST_TOKEN: token,
        REDIS_URL: `redis://127.0.0.1:${s.port}`,
      },
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200) return { url, child };
      if (i > 100) throw new Error(`shim at ${url} did not start`);
      await sleep(100);
    }
  }),
);
const shimUrls = shims.map((s) => s.url);
const topic = await createTestTopic(12);
const edgeWarnings: string[] = [];
const edge = await startEdge({
  direct: true,
  onLog: (line) => {
    if (edgeWarnings.length < 5) edgeWarnings.push(line);
  },
  env: {
    UPSTASH_REDIS_REST_URL: shimUrls.join(','),
    UPSTASH_REDIS_REST_TOKEN: shimUrls.map(() => token).join(','),
    KAFKA_TOPIC: topic.name,
    KAFKA_TOPIC_PARTITIONS: '12',
    LOG_LEVEL: 'warn',
  },
});
const processed = () =>
  Promise.all(
    servers.map(async (s) => Number(/total_commands_processed:(\d+)/.exec(await s.client.info('stats'))?.[1] ?? 0)),
  );

console.log(
  `edge shards: ${SHARDS} databases, ${CANDIDATES} candidates of ${TENANTS} tenants joining over ${JOIN_MS / 1000} s, hold ${HOLD_MS / 1000} s`,
);
const metrics = createMetrics();
// A fixed run id: the same session ids, so the same sessions per database, in every run (the rates then compare).
const runId = 'shards';
const cohort = startCohort({
  candidates: CANDIDATES,
  seed: 7,
  runId,
  examMs: JOIN_MS + SLACK_MS + HOLD_MS + 5000,
  tenants: TENANTS,
  schedulesPerTenant: 2,
  joinSpreadMs: JOIN_MS,
  metrics,
  mintToken: (claims, expSeconds) => mintDevToken(claims, { expSeconds }),
  edgeUrl: edge.url,
});
await cohort.ready;
const sessionsPerShard = new Array<number>(SHARDS).fill(0);
for (const id of cohort.sessionIds) sessionsPerShard[shardOf({ session: id }, SHARDS)]!++;
const tenantsPerShard = new Array<number>(SHARDS).fill(0);
for (const t of new Set(cohort.plans.map((p) => p.tenantId))) tenantsPerShard[shardOf({ tenant: t }, SHARDS)]!++;

await sleep(JOIN_MS + SLACK_MS);
const live = metrics.sessionsLive;
if (live < CANDIDATES * 0.98) console.log(`  only ${live} live at the hold`);
const before = await processed();
const requests0 = metrics.requests;
const fivexx0 = metrics.status5xx;
const t0 = Date.now();
await sleep(HOLD_MS);
const after = await processed();
const seconds = (Date.now() - t0) / 1000;
const requests = metrics.requests - requests0;
const fivexx = metrics.status5xx - fivexx0;
await cohort.stop();

const rates = after.map((n, i) => (n - before[i]! - 1) / seconds); // the INFO call itself is one command
const mean = rates.reduce((a, b) => a + b, 0) / SHARDS;
console.log('| shard | sessions | tenants | commands/s | vs mean | commands/s per session |');
console.log('|---|---|---|---|---|---|');
rates.forEach((r, i) => {
  const dev = (r / mean - 1) * 100;
  console.log(
    `| ${i} | ${sessionsPerShard[i]} | ${tenantsPerShard[i]} | ${f(r, 1)} | ${dev >= 0 ? '+' : ''}${f(dev, 1)} % | ${f(r / sessionsPerShard[i]!, 3)} |`,
  );
});
const spread = Math.max(...rates.map((r) => Math.abs(r / mean - 1))) * 100;
console.log(
  `edge shards: ${f(mean * SHARDS, 1)} commands/s in all over ${live} live sessions (${f(requests / seconds, 1)} requests/s, ${fivexx} 5xx); largest deviation from the mean ${f(spread, 1)} % (goal ±15 %)`,
);

if (fivexx) console.log(`edge: first warnings\n${edgeWarnings.join('\n')}`);

await edge.stop();
await topic.delete();
for (const s of shims) s.child.kill('SIGTERM');
for (const s of servers) {
  s.client.disconnect();
  s.process.kill('SIGTERM');
}
// The cohort's last aborted fetches and the topic admin's sockets can keep the loop alive for minutes: the numbers
// are printed and everything of ours is stopped, so leave now.
process.exit(0);
