// Processor entry point: parse env, connect Kafka/Redis/MySQL, run the consumer and the liveness sweep.
import { Redis } from 'ioredis';
import { collectDefaultMetrics } from 'prom-client';
import { loadConfig } from './config.ts';
import { startConsumer } from './consumer/consumer.ts';
import { createKafka } from './consumer/kafka.ts';
import { createLivenessSweeper } from './liveness/sweeper.ts';
import { createLogger, errorContext } from './ops/log.ts';
import { createMetrics } from './ops/metrics.ts';
import { startOpsServer } from './ops/server.ts';
import { createDeadLetterSink } from './sinks/deadLetter.ts';
import { createMysqlPool, createMysqlSink } from './sinks/mysqlSink.ts';
import { createSessionStore } from './state/sessionStore.ts';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL, { service: 'processor', pid: process.pid });

// A loop error is a clean crash: log once, exit non-zero, never hang. Uncommitted work is redelivered.
function crash(err: unknown): never {
  log.error('processor_crashed', errorContext(err));
  process.exit(1);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const metrics = createMetrics();
collectDefaultMetrics({ register: metrics.registry, prefix: 'processor_' });
// maxRetriesPerRequest: a command fails (retriably) instead of queueing forever while Redis is away.
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, enableAutoPipelining: false });
const pool = createMysqlPool(config.MYSQL_URL, config.MYSQL_POOL_SIZE);
const mysql = createMysqlSink(pool);
const kafka = createKafka(config.KAFKA_BROKERS, config.KAFKA_CLIENT_ID, log);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

await producer.connect();
const running = await startConsumer({
  kafka,
  topic: config.KAFKA_EVENTS_TOPIC,
  groupId: config.KAFKA_GROUP_ID,
  fromBeginning: config.KAFKA_FROM_BEGINNING,
  sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
  concurrency: config.PROCESSOR_CONCURRENCY,
  chunkSize: config.PROCESSOR_CHUNK_SIZE,
  deps: {
    store: createSessionStore(redis, config.REDIS_KEY_PREFIX),
    mysql,
    deadLetter: createDeadLetterSink(producer, config.KAFKA_DLQ_TOPIC),
    now: Date.now,
  },
  metrics,
  log,
  onFatal: crash,
});
const sweeper = createLivenessSweeper({
  redis,
  prefix: config.REDIS_KEY_PREFIX,
  mysql,
  metrics,
  log,
  intervalMs: config.SWEEP_INTERVAL_MS,
  shardsPerTick: config.SWEEP_SHARDS_PER_TICK,
  limit: config.SWEEP_LIMIT,
});
if (config.SWEEP_ENABLED) sweeper.start();
const ops = await startOpsServer(config.METRICS_HOST, config.METRICS_PORT, metrics.registry, running.isHealthy);
log.info('processor_ready', {
  metricsPort: ops.port,
  topic: config.KAFKA_EVENTS_TOPIC,
  groupId: config.KAFKA_GROUP_ID,
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info('processor_draining', { signal });
  // Backstop: a drain that cannot finish (a sink down for good) must still end the process.
  setTimeout(() => crash(new Error('drain timed out')), 25_000).unref();
  await sweeper.stop();
  await running.stop(); // finishes the chunk in flight and commits it, then leaves the group
  await producer.disconnect();
  await Promise.allSettled([pool.end(), redis.quit()]);
  ops.server.close();
  log.info('processor_stopped', { signal });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM').catch(crash));
process.on('SIGINT', () => void shutdown('SIGINT').catch(crash));
