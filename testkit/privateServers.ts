// Servers of a test's own, which it may stop and start: a mariadbd with its own datadir, a redis-server and an
// Upstash shim over it. The machine's MariaDB (3306) and Redis (6379) are shared and are never touched.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '@proctor/contracts';
import { createRedisClient } from '@proctor/contracts/redis';
import mysql from 'mysql2/promise';

const ROOT = join(import.meta.dirname, '..');

/** Every child still running when this process exits is killed: a failed run leaves no server behind. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      if (await ok()) return Date.now() - t0;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}

function run(cmd: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', log, log], env });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, timeoutMs = 30_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export interface PrivateServer {
  url: string;
  /** Starts the server (again, on the same port and data) and resolves once it answers; running already, a no-op. */
  start(): Promise<void>;
  /** Stops it: SIGTERM (a clean shutdown) unless told otherwise; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  pid(): number | undefined;
}

/**
 * A server run as our child: `launch` spawns it and `ready` says whether it answers yet. Started before it is
 * returned; start() again after a stop brings it back on the same port and data.
 */
async function privateServer(
  url: string,
  what: string,
  launch: () => ChildProcess,
  ready: (child: ChildProcess) => Promise<boolean>,
): Promise<PrivateServer> {
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    url,
    async start() {
      // Running already: nothing to do. A second launch would fail to bind and exit, the first would answer the
      // readiness check, and stop() would then stop the second: the first would outlive the test (it did).
      if (child && child.exitCode === null && child.signalCode === null) return;
      const started = launch();
      child = started;
      await waitUntil(what, () => ready(started));
    },
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
    pid: () => child?.pid,
  };
  await server.start();
  return server;
}

/**
 * A mariadbd of our own: its own datadir under `dir`, its own port, grant tables skipped (root, no password, as the
 * machine's is), no binary log. Installed once with mariadb-install-db, then started and stopped at will. `options`
 * are further server options, such as a global setting the shared server must keep (`--default-time-zone=…`).
 */
export async function privateMariadb(dir: string, port: number, options: string[] = []): Promise<PrivateServer> {
  const datadir = join(dir, 'mariadb');
  mkdirSync(datadir, { recursive: true });
  const logFile = join(dir, 'mariadb.log');
  await promisify(execFile)('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const url = `mysql://root@127.0.0.1:${port}/`;
  return privateServer(
    url,
    `private mariadbd on ${port} (log ${logFile})`,
    () =>
      run(
        'mariadbd',
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          `--socket=${join(dir, 'mariadb.sock')}`,
          `--pid-file=${join(dir, 'mariadb.pid')}`,
          '--user=root',
          '--skip-grant-tables',
          '--skip-log-bin',
          '--performance-schema=OFF',
          '--innodb-buffer-pool-size=64M',
          '--max-connections=200',
          ...options,
        ],
        logFile,
      ),
    async (started) => {
      if (started.exitCode !== null) throw new Error(`mariadbd exited ${started.exitCode}`);
      const c = await mysql.createConnection(url);
      await c.end();
      return true;
    },
  );
}

/** A redis-server of our own: no persistence, one port. */
export async function privateRedis(dir: string, port: number): Promise<PrivateServer> {
  const url = `redis://127.0.0.1:${port}`;
  return privateServer(
    url,
    `private redis-server on ${port}`,
    () =>
      run(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        join(dir, 'redis.log'),
      ),
    async () => {
      const r = createRedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    },
  );
}

/** The stack's Upstash REST shim (infra/shim), run as its own process over our Redis. */
export async function privateShim(dir: string, port: number, redisUrl: string, token: string): Promise<PrivateServer> {
  const url = `http://127.0.0.1:${port}`;
  return privateServer(
    url,
    `private shim on ${port}`,
    () =>
      run(process.execPath, [join(ROOT, 'infra', 'shim', 'main.ts')], join(dir, 'shim.log'), {
        ...process.env,
        SHIM_PORT: String(port),
        REDIS_URL: redisUrl,
        UPSTASH_REDIS_REST_URL: url,
        UPSTASH_REDIS_REST_TOKEN: token,
      }),
    async () => (await fetch(url)).status > 0,
  );
}
