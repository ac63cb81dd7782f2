// A private Redis Cluster for one test file: N masters (and optional replicas) of the installed redis-server in a
// temp dir on the ports given, joined with `redis-cli --cluster create`, stopped and removed by `stop()`.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '@proctor/contracts';
import { clusterUrl, createRedisClient, type RedisClient } from '@proctor/contracts/redis';

export interface TestRedisCluster {
  /** REDIS_URL for it: `redis+cluster://…`. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
}

function alive(port: number): boolean {
  try {
    return cli(port, 'ping').trim() === 'PONG';
  } catch {
    return false;
  }
}

function clusterOk(port: number, nodes: number): boolean {
  try {
    const info = cli(port, 'cluster', 'info');
    return info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${nodes}`);
  } catch {
    return false;
  }
}

/**
 * Ports `basePort … basePort + n - 1` serve clients and `basePort + n …` carry the cluster bus, so a cluster of
 * n nodes takes 2n ports from the base. Starting three masters takes about two seconds.
 */
export async function startRedisCluster(opts: {
  basePort: number;
  masters?: number;
  replicasPerMaster?: number;
}): Promise<TestRedisCluster> {
  const replicas = opts.replicasPerMaster ?? 0;
  const n = (opts.masters ?? 3) * (1 + replicas);
  const ports = Array.from({ length: n }, (_, i) => opts.basePort + i);
  const dir = mkdtempSync(join(tmpdir(), 'proctor-redis-cluster-'));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries()) {
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const child = spawn(
        'redis-server',
        [
          ...['--bind', '127.0.0.1', '--port', String(port), '--dir', nodeDir, '--save', '', '--appendonly', 'no'],
          ...['--cluster-enabled', 'yes', '--cluster-port', String(opts.basePort + n + i)],
          ...['--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
    }
    for (let i = 0; !ports.every(alive); i++) {
      if (i > 100) throw new Error(`redis-server did not answer on ${ports.join(', ')}`);
      await sleep(50);
    }
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { stdio: 'ignore', timeout: 30_000 },
    );
    for (let i = 0; !ports.every((p) => clusterOk(p, n)); i++) {
      if (i > 300) throw new Error('the test Redis Cluster never reported cluster_state:ok');
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: clusterUrl(ports.map((port) => ({ host: '127.0.0.1', port }))), ports, stop };
}

/**
 * Where the cluster smoke test files put their private clusters: slot k of CLUSTER_SMOKE_BASE_PORT (default 17150,
 * clear of both stacks' defaults) takes its 6 ports from base + 6k, so files running side by side never meet.
 */
export function smokeClusterPort(slot: number): number {
  return Number(process.env.CLUSTER_SMOKE_BASE_PORT || 17150) + slot * 6;
}

/** A smoke file's private cluster (slot of smokeClusterPort) with one client on it; stop() closes both. */
export interface SmokeCluster {
  cluster: TestRedisCluster;
  redis: RedisClient;
  stop(): Promise<void>;
}

export async function startSmokeCluster(slot: number, maxRetriesPerRequest: number): Promise<SmokeCluster> {
  const cluster = await startRedisCluster({ basePort: smokeClusterPort(slot) });
  const redis = createRedisClient(cluster.url, { maxRetriesPerRequest });
  return {
    cluster,
    redis,
    async stop() {
      redis.disconnect();
      await cluster.stop();
    },
  };
}
