// Cluster mode of the local stack (`npm run stack:up -- --cluster`, `npm run stack:down -- --cluster`): three KRaft
// brokers (topics with 3 replicas, min.insync.replicas=2), a Redis Cluster of 3 masters + 3 replicas, the REST
// bridge and the Upstash shim pointed at them, and the processors in one consumer group.

import { readFileSync } from 'node:fs';
import { sleep } from '@proctor/contracts';
import { migrate } from '../migrations/migrate.ts';
import { type ClusterConfig, clusterConfig } from './clusterConfig.ts';
import {
  ensureRedisCluster,
  kafkaBrokerSpecs,
  kafkaClusterReady,
  processorSpecs,
  redisClusterReady,
  redisNodeSpecs,
} from './clusterServices.ts';
import { type StartOutcome, startSpec, stopSpec } from './control.ts';
import { waitHealthy } from './health.ts';
import { ensureBridgeLibs, ensureKafkaLibs } from './jars.ts';
import { assertJava } from './java.ts';
import { isAlive, readPidFile } from './processes.ts';
import { type ServiceSpec, serviceSpec } from './services.ts';
import { ensureTopics, stackTopics } from './topics.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Every member, in start order (stop runs it backwards: processors and producers before the brokers). */
export function clusterMembers(c: ClusterConfig) {
  return {
    redis: redisNodeSpecs(c),
    kafka: kafkaBrokerSpecs(c),
    bridge: serviceSpec(c.stack, 'bridge'),
    shim: serviceSpec(c.stack, 'shim'),
    processors: processorSpecs(c),
  };
}

/** Resident memory of the members that run, in MB (what cluster mode costs on this box). */
function clusterRssMb(c: ClusterConfig): { name: string; rssMb: number }[] {
  const m = clusterMembers(c);
  const all = [...m.redis, ...m.kafka, m.bridge, m.shim, ...m.processors];
  return all.flatMap((spec) => {
    const rec = readPidFile(spec.pidFile);
    if (!isAlive(rec)) return [];
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${rec.pid}/status`, 'utf8'))?.[1];
    return [{ name: spec.name, rssMb: Math.round(Number(kb ?? 0) / 1024) }];
  });
}

/**
 * A quorum that just formed may still answer UNKNOWN_TOPIC_OR_PARTITION for a topic it is creating (its metadata is
 * on its way to the broker asked); ensureTopics leaves existing topics alone, so asking again is safe.
 */
async function topicsWithRetry(c: ClusterConfig): Promise<string[]> {
  const created = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    try {
      for (const t of await ensureTopics(c.stack.kafka.bootstrap, stackTopics(c.stack), c.kafka.replication)) {
        created.add(t);
      }
      return [...created];
    } catch (err) {
      if (attempt >= 10) throw err;
      await sleep(1000);
    }
  }
}

export async function clusterUp(c: ClusterConfig = clusterConfig()): Promise<void> {
  const t0 = performance.now();
  assertJava();
  ensureKafkaLibs(c.stack);
  ensureBridgeLibs(c.stack);
  const m = clusterMembers(c);
  const start = async (spec: ServiceSpec): Promise<StartOutcome> => {
    const t = performance.now();
    const outcome = await startSpec(spec, c.stack);
    console.log(
      `stack: ${spec.name.padEnd(12)} ${outcome.padEnd(15)} ${spec.url.padEnd(40)} (${secs(performance.now() - t)})`,
    );
    return outcome;
  };
  const timeout = c.stack.startTimeoutMs;
  // Migrations first: formatting a broker's log dir is a blocking Java run, which would starve a MySQL handshake.
  const r = await migrate(c.stack.mysqlUrl);
  console.log(`stack: mysql ${r.applied.length ? `applied ${r.applied.length}` : 'up to date'} in ${r.database}`);

  const redisReady = (async () => {
    await Promise.all(m.redis.map(start));
    const t = performance.now();
    const created = ensureRedisCluster(c);
    await waitHealthy('Redis Cluster', async () => redisClusterReady(c), timeout);
    console.log(
      `stack: redis cluster ${created ? 'created' : 'present'} (3 masters + 3 replicas) ${c.redis.url} (${secs(performance.now() - t)})`,
    );
    await start(m.shim);
  })();
  const kafkaReady = (async () => {
    // The three first-start formats run side by side here, not one after the other inside each (blocking) start.
    await Promise.all(m.kafka.map((k) => k.format()));
    await Promise.all(m.kafka.map(start));
    const t = performance.now();
    await waitHealthy('Kafka cluster (3 brokers registered)', () => kafkaClusterReady(c), timeout);
    const created = await topicsWithRetry(c);
    const { factor, minInsync } = c.kafka.replication;
    console.log(
      `stack: topics ${created.length ? `created ${created.join(', ')}` : 'present'} (replicas ${factor}, min.insync.replicas ${minInsync}) (${secs(performance.now() - t)})`,
    );
    await start(m.bridge);
  })();
  await Promise.all([redisReady, kafkaReady]);
  // Processors last: they need the topics, the cluster and the tables; started one after the other so that the
  // second joins a group that already exists (one rebalance, not two racing ones).
  for (const p of m.processors) await start(p);
  const rss = clusterRssMb(c);
  const total = rss.reduce((s, r) => s + r.rssMb, 0);
  console.log(
    `stack: cluster healthy in ${secs(performance.now() - t0)}; ${rss.length} processes, ${total} MB resident (${rss.map((r) => `${r.name} ${r.rssMb}`).join(', ')})`,
  );
  console.log(`stack: clients use REDIS_URL=${c.redis.url} KAFKA_BROKERS=${c.stack.kafka.bootstrap}`);
  console.log(`stack:   UPSTASH_REDIS_REST_URL=${c.stack.shim.url} KAFKA_BRIDGE_URL=${c.stack.bridge.url}`);
}

export async function clusterDown(c: ClusterConfig = clusterConfig()): Promise<void> {
  const m = clusterMembers(c);
  const stop = async (spec: ServiceSpec) => {
    const t = performance.now();
    const outcome = await stopSpec(spec, c.stack, 30_000);
    if (outcome !== 'not_running')
      console.log(`stack: ${spec.name.padEnd(12)} ${outcome} (${secs(performance.now() - t)})`);
  };
  // Processors drain first (they commit what they applied), then the producers, then the brokers and Redis.
  await Promise.all(m.processors.map(stop));
  await Promise.all([stop(m.bridge), stop(m.shim)]);
  await Promise.all([...m.kafka, ...m.redis].map(stop));
}
