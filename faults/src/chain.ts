// The whole chain of one run: the suite's private servers (World), and per run a fresh topic, consumer group,
// Redis prefix and database, the edge in workerd (Miniflare) and one or more processors in one group.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { type StartedEdge, startEdge } from '../../edge/testing/startEdge.ts';
import { migrate } from '../../infra/migrations/migrate.ts';
import { stackConfig } from '../../infra/stack/config.ts';
import { type ProcessorChild, startProcessor } from '../../processor/src/testing/processorChild.ts';
import { BROKERS, createTopics, deleteGroups, deleteTopics, randomName } from '../../processor/src/testing/stack.ts';
import { PORTS } from './ports.ts';
import { type PrivateServer, privateMariadb, privateRedis, privateShim } from './privateServers.ts';

export interface World {
  dir: string;
  mariadb: PrivateServer;
  redis: PrivateServer;
  shim: PrivateServer;
  /** Straight to the private Redis (never through a proxy), for the count back. */
  redisClient: Redis;
  stop(): Promise<void>;
}

/** The suite's private servers; the stack's Kafka and REST bridge are used as they are. */
export async function startWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'proctor-faults-'));
  const mariadb = await privateMariadb(dir, PORTS.mariadb);
  const redis = await privateRedis(dir, PORTS.redis);
  const shim = await privateShim(dir, PORTS.shim, redis.url, stackConfig().shim.token);
  const redisClient = new Redis(redis.url, { maxRetriesPerRequest: 3 });
  return {
    dir,
    mariadb,
    redis,
    shim,
    redisClient,
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
  await createTopics([topic, dlqTopic], o.partitions);
  await migrate(dbUrl);
  const edge = await startEdge({
    port: PORTS.edge,
    env: {
      UPSTASH_REDIS_REST_URL: world.shim.url,
      KAFKA_TOPIC: topic,
      REDIS_KEY_PREFIX: prefix,
      // Tolerance 0, as in the cohort's own test: the tokenRefresh candidates' first token really lapses.
      JWT_CLOCK_TOLERANCE_SECONDS: '0',
      LOG_LEVEL: 'warn',
    },
  });
  const processors: ProcessorChild[] = [];
  const chain: Chain = {
    topic,
    dlqTopic,
    groupId,
    prefix,
    dbUrl,
    edge,
    processors,
    async withPool(fn) {
      const pool = mysql.createPool({ uri: dbUrl, connectionLimit: 2, timezone: 'Z' });
      try {
        return await fn(pool);
      } finally {
        await pool.end();
      }
    },
    async stop() {
      await Promise.all(processors.map((p) => p.stop('SIGKILL')));
      await edge.stop();
      await deleteTopics([topic, dlqTopic]).catch(() => undefined);
      await deleteGroups([groupId]).catch(() => undefined);
      const c = await mysql.createConnection(world.mariadb.url).catch(() => undefined);
      await c?.query(`DROP DATABASE IF EXISTS \`${new URL(dbUrl).pathname.slice(1)}\``);
      await c?.end();
    },
  };
  try {
    for (let i = 0; i < o.processors; i++) {
      processors.push(
        await startProcessor({
          KAFKA_BROKERS: BROKERS.join(','),
          KAFKA_EVENTS_TOPIC: topic,
          KAFKA_DLQ_TOPIC: dlqTopic,
          KAFKA_GROUP_ID: groupId,
          REDIS_URL: world.redis.url,
          REDIS_KEY_PREFIX: prefix,
          MYSQL_URL: dbUrl,
          // A killed member's partitions move after this long (the least the processor accepts).
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          // Every liveness shard each tick: a lapse is seen within a second, not within 16.
          SWEEP_SHARDS_PER_TICK: '64',
          METRICS_PORT: String(PORTS.metrics()),
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
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await chain.stop();
    throw err;
  }
  return chain;
}
