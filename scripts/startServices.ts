// What `npm start` runs once dependencies are installed (scripts/start.ts): the local stack, migrations, the edge,
// the processor and the dashboard, then a simulated exam (scripts/startCohort.ts) with a progress line and a ready
// proctor sign-in. Ctrl-C stops the cohort, the three services and, if this run brought it up, the local stack.
// Ports: EDGE_PORT (18787), EDGE_INSPECTOR_PORT (19229), PROCESSOR_METRICS_PORT (19464), DASHBOARD_PORT (14321),
// plus the stack's own variables (README "Local stack"). Cohort: see `cohortOptions`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { edgeRedisUrls, stackConfig } from '@proctor/infra/stack/config';
import { bridgeHealthy } from '@proctor/infra/stack/health';
import { withNofile } from '@proctor/infra/stack/processes';
import { busiestOf, cohortOptions, type LiveCohort, runLiveCohort } from './startCohort.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cohortOpts = cohortOptions(process.argv.slice(2), process.env);
const port = (name: string, fallback: number) => process.env[name] || String(fallback);
const ports = {
  edge: port('EDGE_PORT', 18787),
  inspector: port('EDGE_INSPECTOR_PORT', 19229),
  processor: port('PROCESSOR_METRICS_PORT', 19464),
  dashboard: port('DASHBOARD_PORT', 14321),
  signin: port('DASHBOARD_SIGNIN_PORT', 14322),
};
const env: NodeJS.ProcessEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

const stack = stackConfig();
// The edge's databases (UPSTASH_SHARDS) for the processor and the dashboard; unset with one.
const edgeRedisEnv: Record<string, string> = edgeRedisUrls(stack.shim)
  ? { EDGE_REDIS_URLS: edgeRedisUrls(stack.shim)! }
  : {};
const stackWasUp = await bridgeHealthy(stack);

function stopStackIfOurs(): void {
  if (stackWasUp) return;
  console.log('start: stopping the local stack this run brought up');
  spawnSync('node', ['infra/stack/down.ts'], { cwd: root, stdio: 'inherit', env });
}

/** A set-up step; when one fails, whatever this run had already brought up of the stack stops again. */
function step(label: string, cmd: string, args: string[]): void {
  console.log(`start: ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`start: ${label} failed (exit ${r.status}); see the messages above`);
    stopStackIfOurs();
    process.exit(1);
  }
}
step('local stack (Kafka, bridge, Redis + Upstash shim, MySQL migrations)', 'node', ['infra/stack/up.ts']);
step('dashboard build', 'npm', ['run', 'build', '-w', '@proctor/dashboard']);
step('edge dev vars', 'node', ['edge/scripts/devVars.ts']);
if (env.REDIS_KEY_PREFIX) appendFileSync(join(root, '.dev.vars'), `REDIS_KEY_PREFIX="${env.REDIS_KEY_PREFIX}"\n`);

/** withNofile in this file's { cmd, args } shape. */
const nofileCommand = (cmd: string, args: string[]) => {
  const run = withNofile(cmd, args);
  return { cmd: run.command, args: run.args };
};

const busiest = cohortOpts.enabled ? busiestOf(cohortOpts) : undefined;
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const services: { name: string; url: string; health: string; cmd: string; args: string[]; env?: NodeJS.ProcessEnv }[] =
  [
    {
      name: 'edge',
      url: `http://127.0.0.1:${ports.edge}`,
      health: `http://127.0.0.1:${ports.edge}/healthz`,
      // workerd (under wrangler dev) holds a socket per client plus its upstream pools, and exits on an accept()
      // that fails with EMFILE: it runs with as many descriptors as allowed, not the shell's soft limit.
      ...nofileCommand('node', [
        wrangler,
        'dev',
        '--config',
        'wrangler.toml',
        '--port',
        ports.edge,
        '--inspector-port',
        ports.inspector,
        '--ip',
        '127.0.0.1',
      ]),
    },
    {
      name: 'processor',
      url: `http://127.0.0.1:${ports.processor}/metrics`,
      health: `http://127.0.0.1:${ports.processor}/healthz`,
      cmd: 'node',
      args: ['processor/src/main.ts'],
      // The stack this run uses, whatever ports it was given (the processor's own defaults are the stack's defaults).
      env: {
        METRICS_PORT: ports.processor,
        KAFKA_BROKERS: stack.kafka.bootstrap,
        REDIS_URL: stack.redis.url,
        ...edgeRedisEnv,
        MYSQL_URL: stack.mysqlUrl,
      },
    },
    {
      name: 'dashboard',
      url: `http://127.0.0.1:${ports.dashboard}`,
      health: `http://127.0.0.1:${ports.dashboard}/login`,
      cmd: 'node',
      args: [
        'dashboard/scripts/serve.ts',
        '--signin-port',
        String(ports.signin),
        ...(busiest ? ['--tenant', busiest.tenantId] : []),
      ],
      // The exam page talks only to this edge.
      env: { PORT: ports.dashboard, EDGE_ORIGINS: `http://127.0.0.1:${ports.edge}`, ...edgeRedisEnv },
    },
  ];

// Service output goes to log files, so the terminal keeps one progress line; a service that exits shows its tail.
const logDir = join(stack.stateDir, 'logs');
mkdirSync(logDir, { recursive: true });
let signIn: string | undefined;
const children: ChildProcess[] = [];
for (const s of services) {
  // Its own process group: wrangler → workerd must stop with it.
  const child = spawn(s.cmd, s.args, {
    cwd: root,
    env: { ...env, ...s.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logFile = join(logDir, `start-${s.name}.log`);
  const log = createWriteStream(logFile);
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 15) tail.shift();
        // The dev sign-in page POSTs the token to /login; no token ever goes into a URL.
        const m = /dev sign-in: (https?:\/\/\S+)/.exec(line);
        if (m) signIn = m[1];
      }
    });
  }
  child.on('exit', (code) => {
    if (stopping) return;
    console.error(`\n[${s.name}] exited with ${code}; its last lines (all in ${logFile}):`);
    for (const line of tail) console.error(`[${s.name}] ${line}`);
    void shutdown(1);
  });
  children.push(child);
}

async function healthy(url: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline && !stopping) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

let live: LiveCohort | undefined;
let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(code), 15_000).unref();
  await live?.finish().catch(() => {});
  for (const c of children) {
    try {
      if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  stopStackIfOurs();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const deadline = Date.now() + 120_000;
for (const s of services) {
  if (!(await healthy(s.health, deadline))) {
    if (!stopping) console.error(`start: ${s.name} did not answer ${s.health}; logs in ${logDir}/start-${s.name}.log`);
    await shutdown(1);
  }
}

console.log('\nProctoring platform is running:');
for (const s of services) console.log(`  ${s.name.padEnd(10)} ${s.url}`);
console.log(`  logs       ${logDir}/start-{edge,processor,dashboard}.log`);
if (busiest && signIn) {
  console.log(
    `\nProctor sign-in for the busiest schedule (${busiest.scheduleId} of ${busiest.tenantId}, ${busiest.count} candidates):`,
  );
  console.log(`  ${signIn}?next=${encodeURIComponent(`/schedules/${busiest.scheduleId}`)}`);
} else if (signIn) console.log(`\nProctor sign-in: ${signIn}`);
console.log(`  candidate  ${services[2]!.url}/exam   (token: npm run token -- --tenant t1 --schedule s1 --user u1)`);
const stackNote = stackWasUp ? 'the stack was already up and keeps running' : 'and the local stack';
console.log(`Ctrl-C stops the cohort, the three services ${stackWasUp ? `(${stackNote})` : stackNote}.\n`);

if (cohortOpts.enabled) {
  console.log(
    `cohort: ${cohortOpts.candidates} simulated candidates, ${cohortOpts.tenants} tenants × ${cohortOpts.schedulesPerTenant} schedules, ${cohortOpts.examMinutes} min exam, seed ${cohortOpts.seed} (run ${cohortOpts.runId}); --no-cohort to skip`,
  );
  live = runLiveCohort(cohortOpts, services[0]!.url, stack.mysqlUrl);
  if (cohortOpts.check) {
    await live.ended;
    const { checkDashboard } = await import('./startCheck.ts');
    const seen = await checkDashboard(services[2]!.url, live.cohort).catch((err: Error) => {
      console.error(`start --check: ${err.message}`);
      return undefined;
    });
    if (seen) {
      console.log(
        `start --check: the dashboard's API shows ${seen.sessions} sessions and ${seen.alerts} alerts of this run (the alert watcher saw ${seen.expectedAlerts} in MySQL): ${seen.ok ? 'ok' : 'FAILED'}`,
      );
    }
    await shutdown(seen?.ok ? 0 : 1);
  }
}
