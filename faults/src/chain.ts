// The whole chain of one run: the suite's private servers (World), and per run a fresh topic, consumer group,
// Redis prefix and database, the edge in workerd (Miniflare) and one or more processors in one group.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MYSQL_UTC_OPTIONS, pinUtc, sleep } from '@proctor/contracts';
import { migrate } from '@proctor/infra/migrations';
import { stackConfig } from '@proctor/infra/stack/config';
import {
  type PrivateServer,
  type ProcessorChild,
  privateMariadb,
  privateRedis,
  privateShim,
  startProcessor,
} from '@proctor/testkit';
import { type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { randomName } from '@proctor/testkit/stack';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import type { RedisReader } from './countBack.ts';
import { PORTS } from './ports.ts';
import { createTopics, deleteTopicsAndGroups } from './topic.ts';

/** Where a run's chain runs: the stack's Kafka and REST bridge, a shim and Redis, and the private mariadbd. */
export interface World {
  name: string;
  dir: string;
  brokers: string[];
  /** Copies of each topic partition (1 on one broker; 3 on the cluster). */
  replicas: number;
  bridgeUrl: string;
  shimUrl: string;
  shimToken: string;
  /** The processors' REDIS_URL. */
  redisUrl: string;
  /** Straight to Redis (never through a proxy), for the count back. */
  redisClient: RedisReader & { disconnect(): void };
  mariadb: PrivateServer;
  /** The single-node world's own redis-server (the partition case proxies it). */
  redis?: PrivateServer;
  stop(): Promise<void>;
}

/**
 * The single-node world: the stack's Kafka and bridge as they are, and servers of the suite's own that it may
 * stop (mariadbd, redis-server, a shim over it).
 */
export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'proctor-faults-'));
  const mariadb = await privateMariadb(dir, PORTS.mariadb);
  const redis = await privateRedis(dir, PORTS.redis);
  const stack = stackConfig();
  const shim = await privateShim(dir, PORTS.shim, redis.url, stack.shim.token);
  const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  return {
    name: 'single node',
    dir,
    brokers: stack.kafka.bootstrap.split(','),
    replicas: 1,
    bridgeUrl: stack.bridge.url,
    shimUrl: shim.url,
    shimToken: stack.shim.token,
    redisUrl: redis.url,
    redisClient,
    mariadb,
    redis,
    async stop() {
      redisClient.disconnect();
      await shim.stop();
      await redis.stop();
      await mariadb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ChainOptions {
  partitions: number;
  processors: number;
  /** Per processor (by index): what a case changes, e.g. a URL through its proxy. */
  processorEnv?: (index: number, chain: Chain) => Record<string, string>;
}

export interface Chain {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
  prefix: string;
  /** This run's database on the private mariadbd. */
  dbUrl: string;
  edge: StartedEdge;
  processors: ProcessorChild[];
  /** A pool opened on use (the private mariadbd may have been restarted since the run began). */
  withPool<T>(fn: (pool: mysql.Pool) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startChain(world: World, o: ChainOptions): Promise<Chain> {
  const topic = randomName('proctor.events.faults');
  const dlqTopic = `${topic}.dlq`;
  const groupId = randomName('processor-faults');
  const prefix = randomName('pfaults');
  const dbUrl = `${world.mariadb.url}${randomName('faults').replace(/[^A-Za-z0-9_]/g, '_')}`;
  await createTopics(world.brokers, [topic, dlqTopic], o.partitions, world.replicas);
  await migrate(dbUrl);
  const edge = await startEdge({
    port: PORTS.edge,
    env: {
      UPSTASH_REDIS_REST_URL: world.shimUrl,
      UPSTASH_REDIS_REST_TOKEN: world.shimToken,
      KAFKA_REST_URL: world.bridgeUrl,
      KAFKA_TOPIC: topic,
      REDIS_KEY_PREFIX: prefix,
      // Tolerance 0, as in the cohort's own test: the tokenRefresh candidates' first token really lapses.
      JWT_CLOCK_TOLERANCE_SECONDS: '0',
      LOG_LEVEL: 'warn',
    },
  });
  const processors: ProcessorChild[] = [];
  const chain: Chain = {
    brokers: world.brokers,
    topic,
    dlqTopic,
    groupId,
    prefix,
    dbUrl,
    edge,
    processors,
    async withPool(fn) {
      const pool = pinUtc(mysql.createPool({ uri: dbUrl, connectionLimit: 2, ...MYSQL_UTC_OPTIONS }));
      try {
        return await fn(pool);
      } finally {
        await pool.end();
      }
    },
    async stop() {
      await Promise.all(processors.map((p) => p.stop('SIGKILL')));
      await edge.stop();
      await deleteTopicsAndGroups(world.brokers, [topic, dlqTopic], [groupId]).catch(() => undefined);
      const c = await mysql.createConnection(world.mariadb.url).catch(() => undefined);
      await c?.query(`DROP DATABASE IF EXISTS \`${new URL(dbUrl).pathname.slice(1)}\``);
      await c?.end();
    },
  };
  try {
    for (let i = 0; i < o.processors; i++) {
      processors.push(
        await startProcessor({
          KAFKA_BROKERS: world.brokers.join(','),
          KAFKA_EVENTS_TOPIC: topic,
          KAFKA_DLQ_TOPIC: dlqTopic,
          KAFKA_GROUP_ID: groupId,
          REDIS_URL: world.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          MYSQL_URL: dbUrl,
          // A killed member's partitions move after this long (the least the processor accepts).
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          // Every liveness shard each tick: a lapse is seen within a second, not within 16.
          SWEEP_SHARDS_PER_TICK: '64',
          METRICS_PORT: String(PORTS.metrics()),
          // The stack's thumbnails bucket, as a deployed processor has one (its lifecycle job reaches it).
          S3_ENDPOINT: stackConfig().s3.url,
          S3_BUCKET: stackConfig().s3.bucket,
          S3_ACCESS_KEY_ID: stackConfig().s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: stackConfig().s3.secretAccessKey,
          S3_REGION: 'us-east-1',
          ...o.processorEnv?.(i, chain),
        }),
      );
    }
    // Every processor holds partitions, and together all of them, before the load starts (a case kills one).
    const held = (p: ProcessorChild) => {
      const join = p.logs.filter((l) => l.event === 'consumer_group_joined').at(-1);
      return (join?.assignment as Record<string, number[]> | undefined)?.[topic]?.length ?? 0;
    };
    const deadline = Date.now() + 60_000;
    while (!(processors.every((p) => held(p) > 0) && processors.reduce((n, p) => n + held(p), 0) === o.partitions)) {
      if (Date.now() > deadline) throw new Error('the processors did not share the partitions within 60 s');
      await sleep(200);
    }
  } catch (err) {
    await chain.stop();
    throw err;
  }
  return chain;
}
