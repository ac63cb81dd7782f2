// The cluster stack's members: six Redis Cluster nodes, three KRaft brokers and the processors, as ServiceSpecs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterConfig } from './clusterConfig.ts';
import { kafkaBrokerCount, redisHealthy } from './health.ts';
import { ensureKafkaLibs } from './jars.ts';
import { portOpen, spawnDetached } from './processes.ts';
import { type KafkaNodeSpec, kafkaNodeSpec, newClusterId, type ServiceSpec } from './services.ts';

const pidFile = (c: ClusterConfig, name: string) => join(c.stack.stateDir, `${name}.pid`);

export function redisNodeSpecs(c: ClusterConfig): ServiceSpec[] {
  return c.redis.nodes.map((node, i) => {
    const name = `redis-${i + 1}`;
    const logFile = join(c.stack.logDir, `${name}.log`);
    const probe = { ...c.stack, redis: { url: `redis://${c.host}:${node.port}`, host: c.host, port: node.port } };
    return {
      name,
      host: c.host,
      port: node.port,
      extraPorts: [node.busPort],
      url: probe.redis.url,
      logFile,
      pidFile: pidFile(c, name),
      healthy: () => redisHealthy(probe),
      start() {
        mkdirSync(node.dir, { recursive: true });
        return spawnDetached({
          command: 'redis-server',
          args: [
            ...['--bind', c.host, '--port', String(node.port), '--dir', node.dir],
            ...['--cluster-enabled', 'yes', '--cluster-port', String(node.busPort)],
            ...['--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000'],
            // An append-only file, fsynced each second: a master restarted before its failover keeps its keys.
            ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
          ],
          logFile,
          pidFile: pidFile(c, name),
          // Redis rewrites its title to "redis-server host:port [cluster]", so match only the stable part.
          marker: 'redis-server',
        });
      },
    };
  });
}

/** Every node formats its log dir with one id, kept beside them so a later format reuses it. */
function sharedClusterId(c: ClusterConfig): string {
  const file = join(c.stack.stateDir, 'kafka-cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = newClusterId();
  mkdirSync(c.stack.stateDir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

export function kafkaBrokerSpecs(c: ClusterConfig): KafkaNodeSpec[] {
  const voters = c.kafka.brokers.map((b) => `${b.nodeId}@${c.host}:${b.controllerPort}`).join(',');
  return c.kafka.brokers.map((b) =>
    kafkaNodeSpec({
      name: `kafka-${b.nodeId}`,
      nodeId: b.nodeId,
      host: c.host,
      port: b.port,
      controllerPort: b.controllerPort,
      voters,
      dataDir: b.dataDir,
      confDir: join(c.stack.stateDir, `kafka-${b.nodeId}-config`),
      logDir: c.stack.logDir,
      pidFile: pidFile(c, `kafka-${b.nodeId}`),
      heapMb: c.kafka.heapMb,
      replication: c.kafka.replication.factor,
      minInsync: c.kafka.replication.minInsync,
      clusterId: () => sharedClusterId(c),
      // A broker alone cannot answer metadata until the quorum has a leader; its port is enough here, and the
      // stack then waits for all three to register (kafkaClusterReady).
      healthy: () => portOpen(c.host, b.port),
      url: `${c.host}:${b.port}`,
      libs: () => ensureKafkaLibs(c.stack),
    }),
  );
}

/** True once the controller quorum sees all brokers registered. */
export async function kafkaClusterReady(c: ClusterConfig): Promise<boolean> {
  return (await kafkaBrokerCount(c.stack.kafka.bootstrap, 3000)) === c.kafka.brokers.length;
}

const redisCli = (args: string[]) =>
  execFileSync('redis-cli', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });

function clusterInfo(c: ClusterConfig, port: number): Record<string, string> {
  try {
    const out = redisCli(['-h', c.host, '-p', String(port), 'cluster', 'info']);
    return Object.fromEntries(out.split(/\r?\n/).map((l) => l.split(':') as [string, string]));
  } catch {
    return {};
  }
}

/** True when every node answers cluster_state:ok and knows all six. */
export function redisClusterReady(c: ClusterConfig): boolean {
  return c.redis.nodes.every((n) => {
    const info = clusterInfo(c, n.port);
    return info.cluster_state === 'ok' && Number(info.cluster_known_nodes) === c.redis.nodes.length;
  });
}

/**
 * Joins the six nodes into 3 masters + 3 replicas unless they already form the cluster (a restart keeps nodes.conf).
 * Returns whether it created the cluster now.
 */
export function ensureRedisCluster(c: ClusterConfig): boolean {
  const known = Number(clusterInfo(c, c.redis.nodes[0]!.port).cluster_known_nodes ?? 0);
  if (known === c.redis.nodes.length) return false;
  if (known > 1)
    throw new Error(
      `Redis node :${c.redis.nodes[0]!.port} knows ${known} nodes; run stack:down and wipe ${c.stack.stateDir}`,
    );
  redisCli([
    '--cluster',
    'create',
    ...c.redis.nodes.map((n) => `${c.host}:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  return true;
}

export function processorSpecs(c: ClusterConfig): ServiceSpec[] {
  const main = join(c.stack.infraDir, '..', 'processor', 'src', 'main.ts');
  return c.processors.map((p, i) => {
    const name = `processor-${i + 1}`;
    const logFile = join(c.stack.logDir, `${name}.log`);
    const url = `http://${c.host}:${p.metricsPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: c.stack.kafka.bootstrap,
      KAFKA_EVENTS_TOPIC: c.stack.topics.events,
      KAFKA_DLQ_TOPIC: c.stack.topics.dlq,
      KAFKA_GROUP_ID: c.groupId,
      KAFKA_CLIENT_ID: `proctor-${name}`,
      REDIS_URL: c.redis.url,
      MYSQL_URL: c.stack.mysqlUrl,
      METRICS_HOST: c.host,
      METRICS_PORT: String(p.metricsPort),
    };
    // No object store in cluster mode: the lifecycle job then skips thumbnails instead of calling a missing S3.
    for (const k of ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) delete env[k];
    return {
      name,
      host: c.host,
      port: p.metricsPort,
      extraPorts: [],
      url,
      logFile,
      pidFile: pidFile(c, name),
      healthy: async () => {
        try {
          return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200;
        } catch {
          return false;
        }
      },
      start: () =>
        spawnDetached({
          command: process.execPath,
          args: [main, `--proctor-service=${name}`],
          logFile,
          pidFile: pidFile(c, name),
          marker: `--proctor-service=${name}`,
          env,
        }),
    };
  });
}
