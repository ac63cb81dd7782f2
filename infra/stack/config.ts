// Local stack configuration: every address, port and path, each overridable by an environment variable.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_TOPICS } from '@proctor/contracts';
import { parseRedisUrl } from '@proctor/contracts/redis';

export type ServiceName = 'kafka' | 'bridge' | 'shim' | 'redis' | 's3';

export interface StackConfig {
  infraDir: string;
  /** infra/.stack: pid files, logs/, kafka data (gitignored). */
  stateDir: string;
  logDir: string;
  /** Maven-resolved jars live outside the repo so clean clones re-use them. */
  cacheDir: string;
  kafka: { host: string; port: number; controllerPort: number; bootstrap: string; heapMb: number; dataDir: string };
  bridge: { host: string; port: number; url: string; heapMb: number };
  /**
   * The Upstash REST shim. `shards` (UPSTASH_SHARDS, default 1) are the edge's databases: shard i listens on
   * port + 100 × i (port + 1 is the bridge's by default) over Redis database base + i of the same server (shard 0 is
   * `url` over `redis.url`, as with one database).
   */
  shim: { host: string; port: number; url: string; token: string; shards: ShimShard[] };
  redis: { url: string; host: string; port: number };
  /** S3Proxy on a filesystem directory: the thumbnails bucket (MinIO in docker-compose, R2/S3 in production). */
  s3: {
    host: string;
    port: number;
    url: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    heapMb: number;
    dataDir: string;
  };
  mysqlUrl: string;
  topics: { events: string; dlq: string; eventsPartitions: number; dlqPartitions: number };
  /** How long up.ts waits for one service to become healthy. */
  startTimeoutMs: number;
}

/** One of the edge's Upstash databases locally: a shim on its own port over its own Redis database. */
interface ShimShard {
  port: number;
  /** REST URL, for the edge's UPSTASH_REDIS_REST_URL list. */
  url: string;
  /** The Redis behind it, for the processor's and the dashboard's EDGE_REDIS_URLS list. */
  redisUrl: string;
}

/** Shard i's shim listens on SHIM_PORT + 100 × i: the ports right after SHIM_PORT belong to the bridge and others. */
const SHARD_PORT_STEP = 100;

/** The shards' shims and Redis databases; a cluster has database 0 only, so it serves one shard. */
function shimShards(count: number, host: string, port: number, url: string, redisUrl: string): ShimShard[] {
  if (count > 16) throw new Error('UPSTASH_SHARDS: at most 16 locally (Redis databases 0-15)');
  // One shard is the shim over REDIS_URL as given, which may be a cluster URL (not a WHATWG URL: several hosts).
  if (count === 1) return [{ port, url, redisUrl }];
  if (parseRedisUrl(redisUrl).kind === 'cluster') {
    throw new Error('UPSTASH_SHARDS above 1 needs a plain Redis (databases 1…N-1), not a Redis Cluster');
  }
  const base = new URL(redisUrl);
  const db = Number(base.pathname.slice(1) || 0);
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return { port, url, redisUrl };
    const shardRedis = new URL(redisUrl);
    shardRedis.pathname = `/${db + i}`;
    const shardPort = port + SHARD_PORT_STEP * i;
    return { port: shardPort, url: `http://${host}:${shardPort}`, redisUrl: shardRedis.toString() };
  });
}

/** The edge's UPSTASH_REDIS_REST_URL and _TOKEN for these shards (the shims share one token). */
export function edgeShardEnv(shim: StackConfig['shim']): {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
} {
  return {
    UPSTASH_REDIS_REST_URL: shim.shards.map((s) => s.url).join(','),
    UPSTASH_REDIS_REST_TOKEN: shim.shards.map(() => shim.token).join(','),
  };
}

/** EDGE_REDIS_URLS for the processor and the dashboard: unset with one shard (REDIS_URL is the edge's database). */
export function edgeRedisUrls(shim: StackConfig['shim']): string | undefined {
  return shim.shards.length > 1 ? shim.shards.map((s) => s.redisUrl).join(',') : undefined;
}

const infraDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function int(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${key} must be a positive integer, got "${raw}"`);
  return n;
}

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const stateDir = env.PROCTOR_STACK_DIR ?? join(infraDir, '.stack');
  const cacheRoot = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const kafkaHost = env.KAFKA_HOST ?? '127.0.0.1';
  const kafkaPort = int(env, 'KAFKA_PORT', 9092);
  const bridgeHost = env.BRIDGE_HOST ?? '127.0.0.1';
  const bridgePort = int(env, 'BRIDGE_PORT', 18080);
  const shimHost = env.SHIM_HOST ?? '127.0.0.1';
  const shimPort = int(env, 'SHIM_PORT', 18079);
  // One URL of shard 0 (a list is the edge's own setting, made from `shards`).
  const shimUrl = env.UPSTASH_REDIS_REST_URL?.split(',')[0]?.trim() || `http://${shimHost}:${shimPort}`;
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  // A cluster URL (cluster mode, cluster.ts) names its first node here; the services get the whole URL.
  const target = parseRedisUrl(redisUrl);
  const redis = target.kind === 'cluster' ? target.nodes[0]! : new URL(redisUrl);
  const s3Host = env.S3_HOST ?? '127.0.0.1';
  const s3Port = int(env, 'S3_PORT', 9000);
  return {
    infraDir,
    stateDir,
    logDir: join(stateDir, 'logs'),
    cacheDir: env.PROCTOR_STACK_CACHE ?? join(cacheRoot, 'proctor-stack'),
    kafka: {
      host: kafkaHost,
      port: kafkaPort,
      controllerPort: int(env, 'KAFKA_CONTROLLER_PORT', 9093),
      bootstrap: env.KAFKA_BROKERS ?? `${kafkaHost}:${kafkaPort}`,
      heapMb: int(env, 'KAFKA_HEAP_MB', 512),
      dataDir: join(stateDir, 'kafka-data'),
    },
    bridge: {
      host: bridgeHost,
      port: bridgePort,
      url: env.KAFKA_BRIDGE_URL ?? `http://${bridgeHost}:${bridgePort}`,
      heapMb: int(env, 'BRIDGE_HEAP_MB', 192),
    },
    shim: {
      host: shimHost,
      port: shimPort,
      url: shimUrl,
      token: env.UPSTASH_REDIS_REST_TOKEN ?? 'local-dev-token',
      shards: shimShards(int(env, 'UPSTASH_SHARDS', 1), shimHost, shimPort, shimUrl, redisUrl),
    },
    redis: {
      url: redisUrl,
      host: 'hostname' in redis ? redis.hostname : redis.host,
      port: Number(redis.port || 6379),
    },
    s3: {
      host: s3Host,
      port: s3Port,
      url: env.S3_ENDPOINT ?? `http://${s3Host}:${s3Port}`,
      bucket: env.S3_BUCKET ?? 'proctor-thumbnails',
      accessKeyId: env.S3_ACCESS_KEY_ID ?? 'local-s3-key',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? 'local-s3-secret',
      heapMb: int(env, 'S3_HEAP_MB', 128),
      dataDir: join(stateDir, 's3-data'),
    },
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/proctor',
    topics: {
      events: env.KAFKA_EVENTS_TOPIC ?? KAFKA_TOPICS.events,
      dlq: env.KAFKA_DLQ_TOPIC ?? KAFKA_TOPICS.deadLetter,
      eventsPartitions: int(env, 'KAFKA_EVENTS_PARTITIONS', 12),
      dlqPartitions: int(env, 'KAFKA_DLQ_PARTITIONS', 3),
    },
    startTimeoutMs: int(env, 'STACK_START_TIMEOUT_MS', 90_000),
  };
}
