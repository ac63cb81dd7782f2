// Wires one processor: Kafka consumer and DLQ producer, Redis state, MySQL sink, liveness sweep, ops server.

import type { Logger } from '@proctor/contracts';
import { createObjectStore } from '@proctor/contracts/objects';
import { createRedisClient } from '@proctor/contracts/redis';
import { closeEdgeRedisShards, createEdgeRedisShards } from '@proctor/contracts/redis/edgeShards';
import { collectDefaultMetrics } from 'prom-client';
import type { ProcessorConfig } from './config.ts';
import { startConsumer } from './consumer/consumer.ts';
import { createKafka } from './consumer/kafka.ts';
import { createLifecycleJob } from './lifecycle/lifecycleJob.ts';
import { createProduceFailureReader } from './liveness/produceFailures.ts';
import { createRecordPublisher } from './liveness/publish.ts';
import { createLivenessSweeper } from './liveness/sweeper.ts';
import { createLivenessStore } from './liveness/track.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import { startOpsServer } from './ops/server.ts';
import { createDeadLetterSink } from './sinks/deadLetter.ts';
import { createLiveChangePublisher, withLiveChanges } from './sinks/liveChanges.ts';
import { createMysqlPool, createMysqlSink } from './sinks/mysqlSink.ts';
import { reconnectOnTimeout } from './state/reconnectOnTimeout.ts';
import { createCheckpointStore } from './state/sessionCheckpoints.ts';

export interface RunningProcessor {
  metrics: Metrics;
  metricsPort: number;
  /** Drains: stops the sweep, finishes and commits the chunk in flight, leaves the group, closes clients. */
  stop(): Promise<void>;
}

export async function runProcessor(
  config: ProcessorConfig,
  log: Logger,
  onFatal: (err: unknown) => void,
): Promise<RunningProcessor> {
  const metrics = createMetrics();
  collectDefaultMetrics({ register: metrics.registry, prefix: 'processor_' });
  // maxRetriesPerRequest: a command fails (retriably) instead of queueing forever while Redis is away;
  // commandTimeout: the same for a Redis that accepts the connection and never answers. REDIS_URL may name a
  // Redis Cluster (contracts/redis): every call below then keeps one slot per script or transaction.
  const redis = createRedisClient(config.REDIS_URL, {
    maxRetriesPerRequest: 3,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
  });
  // The edge's databases, where erasure alone writes (each session's tombstone and edge keys on its shard): by default
  // REDIS_URL itself. The processor's state, liveness and sweep stay on REDIS_URL.
  const edge = createEdgeRedisShards(config.EDGE_REDIS_URLS, { url: config.REDIS_URL, client: redis }, (url) =>
    createRedisClient(url, { maxRetriesPerRequest: 3, commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS }),
  );
  const pool = createMysqlPool(config.MYSQL_URL, config.MYSQL_POOL_SIZE, config.MYSQL_QUERY_TIMEOUT_MS);
  const mysql = withLiveChanges(
    createMysqlSink(pool, config.MYSQL_QUERY_TIMEOUT_MS),
    createLiveChangePublisher(redis, config.REDIS_KEY_PREFIX, pool),
  );
  const kafka = createKafka(config, log);
  // Not idempotent: a DLQ or connection_lost duplicate after a retry is harmless (at-least-once; the consumer dedupes
  // a lapse by its deadline), and kafkajs warns when retries are capped.
  const producer = kafka.producer();
  await producer.connect();

  const consumer = await startConsumer({
    kafka,
    topic: config.KAFKA_EVENTS_TOPIC,
    groupId: config.KAFKA_GROUP_ID,
    fromBeginning: config.KAFKA_FROM_BEGINNING,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
    fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    concurrency: config.PROCESSOR_CONCURRENCY,
    chunkSize: config.PROCESSOR_CHUNK_SIZE,
    deps: {
      store: reconnectOnTimeout(createCheckpointStore(redis, config.REDIS_KEY_PREFIX), redis),
      liveness: reconnectOnTimeout(createLivenessStore(redis, config.REDIS_KEY_PREFIX), redis),
      mysql,
      deadLetter: createDeadLetterSink(producer, config.KAFKA_DLQ_TOPIC),
      now: Date.now,
    },
    metrics,
    log,
    onFatal,
  });
  const sweeper = createLivenessSweeper({
    redis,
    prefix: config.REDIS_KEY_PREFIX,
    publish: createRecordPublisher(producer, config.KAFKA_EVENTS_TOPIC),
    metrics,
    log,
    intervalMs: config.SWEEP_INTERVAL_MS,
    shardsPerTick: config.SWEEP_SHARDS_PER_TICK,
    limit: config.SWEEP_LIMIT,
    leaseMs: config.SWEEP_LEASE_MS,
    produceFailures: createProduceFailureReader({ shards: edge.all, prefix: config.REDIS_KEY_PREFIX, log }),
    outageGraceMs: config.SWEEP_OUTAGE_GRACE_MS,
  });
  if (config.SWEEP_ENABLED) sweeper.start();
  // Retention and erasure run here because this process writes the rows they delete (see docs/decisions.md).
  const lifecycle = createLifecycleJob({
    pool,
    redis,
    edge,
    prefix: config.REDIS_KEY_PREFIX,
    log,
    intervalMs: config.LIFECYCLE_INTERVAL_MS,
    objects: config.S3_ENDPOINT
      ? createObjectStore({
          endpoint: config.S3_ENDPOINT,
          bucket: config.S3_BUCKET,
          accessKeyId: config.S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? '',
          region: config.S3_REGION,
        })
      : undefined,
  });
  if (config.LIFECYCLE_ENABLED) lifecycle.start();
  const ops = await startOpsServer(config.METRICS_HOST, config.METRICS_PORT, metrics.registry, consumer.isHealthy);

  return {
    metrics,
    metricsPort: ops.port,
    async stop() {
      await sweeper.stop();
      await lifecycle.stop();
      await consumer.stop();
      await producer.disconnect();
      await Promise.allSettled([pool.end(), closeEdgeRedisShards(edge, redis), redis.quit()]);
      await new Promise((resolve) => ops.server.close(resolve));
    },
  };
}
