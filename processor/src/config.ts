// The processor's environment, parsed once at start-up: a bad value fails loudly before anything connects.
import {
  CommaList,
  DeployEnvironment,
  KAFKA_TOPICS,
  REDIS_PREFIX,
  RedisKeyPrefix,
  unsetOutsideDevelopment,
} from '@proctor/contracts';
import { RedisUrl } from '@proctor/contracts/redis';
import { EdgeRedisUrls } from '@proctor/contracts/redis/edgeShards';
import { z } from 'zod';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const ProcessorEnv = z
  .object({
    /** development (run from source; the default), staging or production (the image's): see DEPLOYED_REQUIRED. */
    ENVIRONMENT: DeployEnvironment,
    KAFKA_BROKERS: CommaList.default(['127.0.0.1:9092']),
    KAFKA_EVENTS_TOPIC: z.string().min(1).default(KAFKA_TOPICS.events),
    KAFKA_DLQ_TOPIC: z.string().min(1).default(KAFKA_TOPICS.deadLetter),
    KAFKA_GROUP_ID: z.string().min(1).default('proctor-processor'),
    KAFKA_CLIENT_ID: z.string().min(1).default('proctor-processor'),
    /** TLS to the brokers (managed Kafka: Confluent Cloud, MSK, Aiven, Redpanda Cloud). */
    KAFKA_SSL: bool(false),
    /** PEM file of the CA that signed the brokers' certificates; unset, Node's public CAs are trusted. */
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    /** SASL over TLS for every client (consumer, liveness sweeper, DLQ): PLAIN or SCRAM, with the two below. */
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** A member silent this long is evicted and its partitions move; lower in tests that kill processes. */
    KAFKA_SESSION_TIMEOUT_MS: int(30_000, 6_000),
    /**
     * A fetch answers once it holds this many bytes or waited this long (Kafka's fetch.min.bytes, fetch.max.wait.ms).
     * At live rates a fetch that answers on the first byte gives the processor chunks of a few records, each paying
     * its Redis round trips, MySQL transaction and commit; waiting a little makes the chunks, and the broker's
     * fetches, fewer: 64 KiB or 250 ms cut the processor's CPU per record ×0.32–0.36 and the broker's ×0.29–0.40 at
     * 600–1,200 records/s (bench/processor-live-rate.ts, BENCH_LIVE_FETCH), for at most 250 ms more event → alert.
     */
    KAFKA_FETCH_MIN_BYTES: int(64 * 1024, 1),
    KAFKA_FETCH_MAX_WAIT_MS: int(250, 0),
    /** A new group starts at the earliest offset so that nothing produced before its first start is skipped. */
    KAFKA_FROM_BEGINNING: bool(true),
    /** One Redis (`redis://…`) or a Redis Cluster (`redis+cluster://host:port,host:port`, its seed nodes). */
    REDIS_URL: RedisUrl.default('redis://127.0.0.1:6379'),
    /**
     * The edge's Upstash databases over TCP, comma-separated, in the order of the edge's UPSTASH_REDIS_REST_URL
     * (contracts shardOf), where only erasure writes: each session's tombstone and edge keys on its shard. Unset:
     * REDIS_URL is the edge's one database (one Redis for every service, as in the local stack). The processor's own
     * state, liveness and sweep stay on REDIS_URL either way: a Redis it runs, not billed per command.
     */
    EDGE_REDIS_URLS: EdgeRedisUrls,
    /** Prefix of every Redis key (contracts' REDIS_PREFIX); tests use a random one. */
    REDIS_KEY_PREFIX: RedisKeyPrefix.default(REDIS_PREFIX),
    MYSQL_URL: z.string().url().default('mysql://root@127.0.0.1:3306/proctor'),
    /**
     * Longest a MySQL statement may go unanswered. A server that accepts the connection and never answers would
     * otherwise hold a partition forever without a sign; on timeout the connection is destroyed and the chunk retried.
     */
    MYSQL_QUERY_TIMEOUT_MS: int(15_000, 100),
    /** Longest a Redis command may go unanswered; then it fails retriably and the connection is rebuilt. */
    REDIS_COMMAND_TIMEOUT_MS: int(5_000, 50),
    /** One connection per partition applied at once (each chunk writes in one transaction). */
    MYSQL_POOL_SIZE: int(12, 1),
    /** 0 picks a free port (tests). */
    METRICS_PORT: int(19464),
    METRICS_HOST: z.string().default('127.0.0.1'),
    /**
     * Partitions applied at once. With CHUNK_SIZE it caps the messages in flight (12 × 3000 ≈ 14 MB of records):
     * the next fetch waits for these, so a slow sink pushes back on consumption instead of growing memory.
     * The work is I/O-bound (Redis and MySQL round trips), so more partitions at once, not more CPU, is the lever.
     */
    PROCESSOR_CONCURRENCY: int(12, 1),
    /** Messages applied (and committed) together: one Redis pipeline each way and one MySQL transaction. */
    PROCESSOR_CHUNK_SIZE: int(3000, 1),
    /**
     * Liveness sweep: how often, how many of the 64 shards per tick, and at most how many sessions per shard. Every
     * shard once in 4 s: a lapse is claimed at most 4 s after its deadline (the window, 45 s by default, plus this and
     * the pipeline's lag stays under the 60 s a proctor is promised). The shards live on the processor's own Redis.
     */
    SWEEP_INTERVAL_MS: int(1000, 10),
    SWEEP_SHARDS_PER_TICK: int(16, 1),
    SWEEP_LIMIT: int(500, 1),
    /** A claimed lapse not acknowledged by Kafka within this long (its sweeper died) is claimed again. */
    SWEEP_LEASE_MS: int(30_000, 1000),
    SWEEP_ENABLED: bool(true),
    /**
     * After the edge's produce path failed (its heartbeats could not reach Kafka), how long the sweeper still gives
     * the clients to come back before a lapse counts: one default heartbeat interval (contracts lapseCutoff).
     */
    SWEEP_OUTAGE_GRACE_MS: int(15_000, 0),
    /** Retention and erasure (src/lifecycle): how often a pass runs, and whether this process runs it at all. */
    LIFECYCLE_INTERVAL_MS: int(60_000, 100),
    LIFECYCLE_ENABLED: bool(true),
    /**
     * The thumbnails bucket (S3 API: R2, S3; locally S3Proxy). Unset: no thumbnails exist to expire or erase (the
     * tenant opt-in is off everywhere), so the lifecycle job skips object storage.
     */
    S3_ENDPOINT: z.string().url().optional(),
    S3_BUCKET: z.string().min(3).default('proctor-thumbnails'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('auto'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((env, ctx) => {
    const require = (ok: unknown, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    require(!env.S3_ENDPOINT ||
      (env.S3_ACCESS_KEY_ID &&
        env.S3_SECRET_ACCESS_KEY), 'S3_ACCESS_KEY_ID', 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_ENDPOINT is set');
    const sasl = env.KAFKA_SASL_MECHANISM;
    require(!sasl ||
      (env.KAFKA_SASL_USERNAME &&
        env.KAFKA_SASL_PASSWORD), 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set');
    // PLAIN sends the password as is: credentials only ever travel inside TLS.
    require(!sasl || env.KAFKA_SSL, 'KAFKA_SSL', 'must be true when KAFKA_SASL_MECHANISM is set');
    require(!env.KAFKA_SSL_CA_FILE || env.KAFKA_SSL, 'KAFKA_SSL', 'must be true when KAFKA_SSL_CA_FILE is set');
  });
export type ProcessorConfig = z.infer<typeof ProcessorEnv>;

/** What a deployed processor must be told: the defaults are the local stack's. */
const DEPLOYED_REQUIRED = {
  KAFKA_BROKERS: 'the brokers',
  REDIS_URL: "the processor's own Redis",
  MYSQL_URL: 'the database',
  EDGE_REDIS_URLS: "the edge's Upstash databases over TCP, where erasure writes; the edge never reads REDIS_URL",
};

/** Parses the environment; throws one readable error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  const result = ProcessorEnv.safeParse(env);
  const lines = result.success
    ? unsetOutsideDevelopment(result.data.ENVIRONMENT, env, DEPLOYED_REQUIRED)
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (!result.success || lines.length) throw new Error(`invalid processor environment:\n  ${lines.join('\n  ')}`);
  return result.data;
}
