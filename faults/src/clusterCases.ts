// The faults that need the cluster stack (`npm run stack:up -- --cluster`): kill -9 the broker that leads most of
// the run's partitions, and kill -9 the Redis master holding most of its keys (its replica is promoted). Each
// starts the killed member again after 30 s (it rejoins: the broker as a follower, the old master as a replica).
import { execFileSync } from 'node:child_process';
import { createRedisClient } from '@proctor/contracts/redis';
import { clusterMembers } from '@proctor/infra/stack/cluster';
import { clusterConfig } from '@proctor/infra/stack/clusterConfig';
import { kafkaClusterReady, redisClusterReady } from '@proctor/infra/stack/clusterServices';
import { startSpec } from '@proctor/infra/stack/control';
import { isAlive, readPidFile } from '@proctor/infra/stack/processes';
import type { ServiceSpec } from '@proctor/infra/stack/services';
import { waitUntil } from '@proctor/testkit';
import type { World } from './chain.ts';
import { type FaultCase, OUTAGE_MS } from './runCase.ts';
import { partitionLeaders } from './topic.ts';

/** The cluster world: the cluster stack's brokers, bridge, shim and Redis Cluster; the suite's own mariadbd. */
export async function startClusterWorld(base: World): Promise<World> {
  const c = clusterConfig();
  if (!(await kafkaClusterReady(c)) || !redisClusterReady(c))
    throw new Error('the cluster stack is not up (npm run stack:up -- --cluster)');
  const redisClient = createRedisClient(c.redis.url, { maxRetriesPerRequest: 3 });
  return {
    name: 'cluster',
    dir: base.dir,
    brokers: c.stack.kafka.bootstrap.split(','),
    replicas: c.kafka.replication.factor,
    bridgeUrl: c.stack.bridge.url,
    shimUrl: c.stack.shim.url,
    shimToken: c.stack.shim.token,
    redisUrl: c.redis.url,
    redisClient,
    mariadb: base.mariadb,
    async stop() {
      redisClient.disconnect();
    },
  };
}

/** kill -9 a stack member by its pid file; resolves once the process is gone. */
async function kill9(spec: ServiceSpec): Promise<void> {
  const rec = readPidFile(spec.pidFile);
  if (!isAlive(rec)) throw new Error(`${spec.name} is not running`);
  process.kill(rec.pid, 'SIGKILL');
  await waitUntil(`${spec.name} gone`, async () => !isAlive(rec), 10_000);
}

const redisCli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 });

const roleOf = (port: number) => {
  try {
    return redisCli(port, 'role').split('\n')[0]!.trim();
  } catch {
    return 'down';
  }
};

function brokerKilled(): FaultCase {
  const c = clusterConfig();
  let leaderMoved = false;
  return {
    name: 'kill -9 the leader broker (3 brokers)',
    world: 'cluster',
    chain: { partitions: 6, processors: 2 },
    async inject({ world, chain }) {
      const led = new Map<number, number>();
      for (const b of (await partitionLeaders(world.brokers, chain.topic)).values()) led.set(b, (led.get(b) ?? 0) + 1);
      const [id, n] = [...led].sort((a, b) => b[1] - a[1])[0]!;
      const spec = clusterMembers(c).kafka.find((s) => s.name === `kafka-${id}`);
      if (!spec) throw new Error(`no stack member for broker ${id}`);
      const at = Date.now();
      await kill9(spec);
      // The controller moves leadership to an in-sync follower once the broker's session lapses.
      leaderMoved = await waitUntil(
        'leaders moved off the killed broker',
        async () => ![...(await partitionLeaders(world.brokers, chain.topic)).values()].includes(id),
        25_000,
      ).then(
        () => true,
        () => false,
      );
      return {
        at,
        holdMs: Math.max(0, OUTAGE_MS - (Date.now() - at)),
        note: `broker ${id} led ${n} of 6 partitions; restarted after 30 s`,
        recoverFrom: 'inject',
        repair: async () => {
          await startSpec(spec, c.stack);
          await waitUntil('all three brokers registered', () => kafkaClusterReady(c), 120_000);
        },
      };
    },
    async bit() {
      return leaderMoved ? undefined : 'leadership never moved off the killed broker';
    },
  };
}

function redisMasterKilled(): FaultCase {
  const c = clusterConfig();
  let killedPort = 0;
  return {
    name: 'kill -9 a Redis master (replica promoted)',
    world: 'cluster',
    chain: { partitions: 6, processors: 2 },
    async inject({ chain }) {
      const members = clusterMembers(c).redis;
      // The master holding most of this run's keys (sessions hash to slots by their {sessionId} tag).
      const masters = members.filter((m) => roleOf(m.port) === 'master');
      const keys = (m: ServiceSpec) =>
        redisCli(m.port, '--scan', '--pattern', `${chain.prefix}:*`).split('\n').filter(Boolean).length;
      const spec = masters.map((m) => ({ m, n: keys(m) })).sort((a, b) => b.n - a.n)[0]!.m;
      killedPort = spec.port;
      const t0 = Date.now();
      await kill9(spec);
      // A replica is promoted after cluster-node-timeout; the survivors then report cluster_state:ok again.
      const survivor = members.find((m) => m !== spec)!;
      await waitUntil(
        'replica promoted',
        async () => /cluster_state:ok/.test(redisCli(survivor.port, 'cluster', 'info')) && failedOver(spec.port),
        30_000,
      );
      return {
        at: t0,
        holdMs: Math.max(0, OUTAGE_MS - (Date.now() - t0)),
        note: `master :${spec.port} killed, replica promoted in ${((Date.now() - t0) / 1000).toFixed(1)} s; restarted after 30 s`,
        recoverFrom: 'inject',
        repair: async () => {
          await startSpec(spec, c.stack);
          await waitUntil('the old master rejoined', async () => redisClusterReady(c), 60_000);
        },
      };

      function failedOver(port: number) {
        const nodes = redisCli(survivor.port, 'cluster', 'nodes');
        const line = nodes.split('\n').find((l) => l.includes(`:${port}@`));
        return !!line && /\bfail\b/.test(line);
      }
    },
    async bit() {
      const role = roleOf(killedPort);
      return role === 'slave' ? undefined : `the old master :${killedPort} is ${role} after it rejoined, not a replica`;
    },
  };
}

export const CLUSTER_CASES = [brokerKilled, redisMasterKilled];
