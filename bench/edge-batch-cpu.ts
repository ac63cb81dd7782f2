// CPU cost of POST /events/batch (20 events, the full path: JWT, parsing, Redis claims + rate limits, one Kafka
// produce, marks) against GET /healthz (a hello-world route through the same middleware), in one real workerd
// process, in one run. CPU is the workerd process's utime+stime from /proc/<pid>/stat. Goal: ratio <= 3x.
// The Worker runs under `workerd serve` with a minimal config (the wrangler bundle, text bindings, a plain network
// service for subrequests): Miniflare would add its own router and an outbound JS service to every subrequest.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { candidate, noFaceEvent } from '../edge/testing/client.ts';
import { deleteByPrefix, stackRedis } from '../edge/testing/harness.ts';
import { createTestTopic } from '../edge/testing/kafkaTopic.ts';
import { bundleEdge, localStackEnv } from '../edge/testing/startEdge.ts';

const HELLO_REQUESTS = Number(process.env.BENCH_HELLO ?? 3000);
const BATCH_REQUESTS = Number(process.env.BENCH_BATCHES ?? 400);
const EVENTS_PER_BATCH = 20;
const CONCURRENCY = 8;
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

const capnpString = (v: string) => JSON.stringify(v); // Cap'n Proto text strings take JSON's escapes

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Serves the bundled Worker with `workerd serve`; resolves once /healthz answers. */
async function serveWithWorkerd(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const bundle = await bundleEdge();
  const port = await freePort();
  // The config sits next to the bundle: workerd resolves `embed` relative to the config and refuses "..".
  const dir = dirname(bundle);
  const bindings = Object.entries(env).map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`);
  const compatibilityDate = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(
    readFileSync(join(import.meta.dirname, '..', 'wrangler.toml'), 'utf8'),
  )?.[1];
  writeFileSync(
    join(dir, 'edge.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "edge", worker = (
      modules = [(name = "index.js", esModule = embed ${capnpString(basename(bundle))})],
      compatibilityDate = ${capnpString(compatibilityDate ?? '2026-11-01')},
      bindings = [${bindings.join(', ')}],
      globalOutbound = "net",
    )),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "edge")],
);
`,
  );
  const child = spawn(
    join(import.meta.dirname, '..', 'node_modules', '.bin', 'workerd'),
    ['serve', join(dir, 'edge.capnp')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('workerd did not answer /healthz');
}

/** utime + stime of the process, ms. Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised comm). */
function cpuMs(pid: number): number {
  const after = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return (Number(after[11]) + Number(after[12])) * TICK_MS;
}

async function measure(pid: number, requests: number, send: (i: number) => Promise<void>) {
  let next = 0;
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) await send(next++);
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  return { cpuUsPerRequest: ((cpuMs(pid) - cpu0) * 1000) / requests, rps: requests / wallS };
}

const topic = await createTestTopic(12);
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const edge = await serveWithWorkerd({
  ...(await localStackEnv()),
  KAFKA_TOPIC: topic.name,
  REDIS_KEY_PREFIX: prefix,
  RATE_LIMIT_SESSION_BATCHES_PER_MINUTE: '1000000',
  RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: '100000000',
});
try {
  const pid = edge.child.pid as number;
  const candidates = await Promise.all(Array.from({ length: CONCURRENCY }, () => candidate(edge.url)));
  for (const c of candidates) {
    const r = await c.callRetrying('/sessions/start');
    if (r.status !== 201) throw new Error(`start failed: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const hello = async () => {
    const res = await fetch(`${edge.url}/healthz`);
    if (res.status !== 200) throw new Error(`healthz ${res.status}`);
    await res.arrayBuffer();
  };
  const batch = async (i: number) => {
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
  const duplicateBatch = async (i: number) => {
    const c = candidates[i % CONCURRENCY]!;
    const res = await c.call('/events/batch', { sessionId: c.sessionId, events: repeated[i % CONCURRENCY] });
    if (res.status !== 200 || res.json.duplicates !== EVENTS_PER_BATCH)
      throw new Error(`dup batch ${res.status} ${JSON.stringify(res.json)}`);
  };
  // Warm up both paths (JIT, key import, connection pools), then measure hello, batch, hello, batch.
  await measure(pid, 200, hello);
  await measure(pid, 40, batch);
  type Measured = Awaited<ReturnType<typeof measure>>;
  const rounds: { hello: Measured; batch: Measured; duplicates: Measured }[] = [];
  for (let round = 0; round < 2; round++) {
    rounds.push({
      hello: await measure(pid, HELLO_REQUESTS / 2, hello),
      batch: await measure(pid, BATCH_REQUESTS / 2, batch),
      duplicates: await measure(pid, BATCH_REQUESTS / 2, duplicateBatch),
    });
  }
  const avg = (pick: (r: (typeof rounds)[number]) => number) => rounds.reduce((s, r) => s + pick(r), 0) / rounds.length;
  const helloUs = avg((r) => r.hello.cpuUsPerRequest);
  const batchUs = avg((r) => r.batch.cpuUsPerRequest);
  const ratio = batchUs / helloUs;
  console.log(`workerd pid ${pid}, CPU tick ${TICK_MS} ms, concurrency ${CONCURRENCY}`);
  console.log(
    `GET /healthz           ${HELLO_REQUESTS} req: ${helloUs.toFixed(0)} µs CPU/req, ${avg((r) => r.hello.rps).toFixed(0)} req/s`,
  );
  console.log(
    `POST /events/batch x20 ${BATCH_REQUESTS} req: ${batchUs.toFixed(0)} µs CPU/req, ${avg((r) => r.batch.rps).toFixed(0)} req/s`,
  );
  console.log(
    `  same, all duplicates  ${BATCH_REQUESTS} req: ${avg((r) => r.duplicates.cpuUsPerRequest).toFixed(0)} µs CPU/req (no produce, no marks: one Redis subrequest)`,
  );
  console.log(`ratio batch/hello: ${ratio.toFixed(2)}x (goal <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'})`);
} finally {
  edge.child.kill();
  await topic.delete();
  await deleteByPrefix(stackRedis(), prefix);
}
