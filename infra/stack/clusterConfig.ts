// Cluster mode's addresses: one block of ports from CLUSTER_BASE_PORT, apart from the single-node stack's defaults.
import { join } from 'node:path';
import { clusterUrl } from '@proctor/contracts/redis';
import { type StackConfig, stackConfig } from './config.ts';

interface RedisClusterNode {
  port: number;
  /** The cluster bus (gossip, failover votes); set explicitly so it stays inside the block. */
  busPort: number;
  dir: string;
}

interface KafkaBroker {
  nodeId: number;
  port: number;
  controllerPort: number;
  dataDir: string;
}

export interface ClusterConfig {
  /** The stack's config as the bridge and the shim see it: pointed at the cluster, with its own state directory. */
  stack: StackConfig;
  basePort: number;
  host: string;
  redis: { nodes: RedisClusterNode[]; url: string };
  kafka: { brokers: KafkaBroker[]; heapMb: number; replication: { factor: number; minInsync: number } };
  processors: { metricsPort: number }[];
  groupId: string;
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, min = 1): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${key} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/**
 * Ports, as offsets from CLUSTER_BASE_PORT (default 17100, clear of the single-node stack's 6379, 9000, 9092/3,
 * 18079/80 and the processor's 19464, so both stacks can run side by side): Redis nodes +0…+5 (their buses
 * +10…+15), Kafka brokers +20…+22 (controllers +25…+27), the bridge +30, the shim +31, processor metrics +40….
 */
export function clusterConfig(env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const base = stackConfig(env);
  const basePort = int(env, 'CLUSTER_BASE_PORT', 17100, 1024);
  const host = env.CLUSTER_HOST ?? '127.0.0.1';
  const stateDir = join(base.stateDir, 'cluster');
  const redisNodes = [0, 1, 2, 3, 4, 5].map((i) => ({
    port: basePort + i,
    busPort: basePort + 10 + i,
    dir: join(stateDir, `redis-${i + 1}`),
  }));
  const brokers = [1, 2, 3].map((id) => ({
    nodeId: id,
    port: basePort + 19 + id,
    controllerPort: basePort + 24 + id,
    dataDir: join(stateDir, `kafka-${id}-data`),
  }));
  const redisUrl = clusterUrl(redisNodes.map((n) => ({ host, port: n.port })));
  const bootstrap = brokers.map((b) => `${host}:${b.port}`).join(',');
  const bridgePort = basePort + 30;
  const shimPort = basePort + 31;
  const processors = Array.from({ length: int(env, 'CLUSTER_PROCESSORS', 2) }, (_, i) => ({
    metricsPort: basePort + 40 + i,
  }));
  const stack: StackConfig = {
    ...base,
    stateDir,
    logDir: join(stateDir, 'logs'),
    kafka: {
      host,
      port: brokers[0]!.port,
      controllerPort: brokers[0]!.controllerPort,
      bootstrap,
      heapMb: int(env, 'CLUSTER_KAFKA_HEAP_MB', 320),
      dataDir: brokers[0]!.dataDir,
    },
    bridge: { ...base.bridge, host, port: bridgePort, url: `http://${host}:${bridgePort}` },
    shim: { ...base.shim, host, port: shimPort, url: `http://${host}:${shimPort}` },
    redis: { url: redisUrl, host, port: redisNodes[0]!.port },
  };
  return {
    stack,
    basePort,
    host,
    redis: { nodes: redisNodes, url: redisUrl },
    kafka: { brokers, heapMb: stack.kafka.heapMb, replication: { factor: 3, minInsync: 2 } },
    processors,
    groupId: env.KAFKA_GROUP_ID ?? 'proctor-processor',
  };
}

/** What a client of the cluster stack sets (tests, `npm start`-like runs, helper scripts). */
export function clusterClientEnv(c: ClusterConfig): Record<string, string> {
  return {
    KAFKA_BROKERS: c.stack.kafka.bootstrap,
    KAFKA_BRIDGE_URL: c.stack.bridge.url,
    REDIS_URL: c.redis.url,
    UPSTASH_REDIS_REST_URL: c.stack.shim.url,
    UPSTASH_REDIS_REST_TOKEN: c.stack.shim.token,
  };
}
