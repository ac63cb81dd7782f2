// The consumer loop: eachBatch in chunks, outcomes and metrics per message, ordered commits per partition (kafkajs').

import { errorContext, type Logger } from '@proctor/contracts';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Metrics } from '../ops/metrics.ts';
import { applyChunk, type ChunkDeps } from './applyChunk.ts';
import { countOffPartition } from './placement.ts';
import { isRetriable, RetryAborted, timeoutKind, withRetry } from './retry.ts';

/** prom-client's startTimer observes seconds; our histograms are in milliseconds. */
function msTimer(h: Metrics['stepLatency'], step: string) {
  const t0 = performance.now();
  return () => h.observe({ step }, performance.now() - t0);
}

export interface ConsumerOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  /** Kafka's fetch.min.bytes and fetch.max.wait.ms (config KAFKA_FETCH_MIN_BYTES, KAFKA_FETCH_MAX_WAIT_MS). */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  concurrency: number;
  chunkSize: number;
  deps: Omit<ChunkDeps, 'retry'>;
  metrics: Metrics;
  log: Logger;
  /** A bug-class error (not retriable): the process must crash rather than skip or hang. */
  onFatal: (err: unknown) => void;
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Stops fetching, lets the chunk in flight finish and commit, then leaves the group. */
  stop(): Promise<void>;
  isHealthy(): boolean;
}

export async function startConsumer(opts: ConsumerOptions): Promise<RunningConsumer> {
  const { metrics, log, topic } = opts;
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 3)),
    // Big enough for a full chunk per partition per fetch (about 350 B per record).
    maxBytesPerPartition: 2 * 1024 * 1024,
    maxBytes: 24 * 1024 * 1024,
    minBytes: opts.fetchMinBytes ?? 64 * 1024,
    maxWaitTimeInMs: opts.fetchMaxWaitMs ?? 250,
  });
  let stopping = false;
  let crashed = false;

  // The topic's partition count, read at start and after each rebalance (adding partitions causes one), to check
  // that records sit where the default partitioner puts their keys.
  let partitions = 0;
  const readPartitions = async () => {
    const admin = opts.kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      partitions = meta.topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  };
  // Never fatal: without a count the check is skipped until the next rebalance reads it.
  const refreshPartitions = () =>
    readPartitions().catch((err) => log.warn('topic_partitions_unread', { topic, ...errorContext(err) }));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    log.info('consumer_group_joined', { assignment: payload.memberAssignment });
    void refreshPartitions();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error('consumer_crashed', { ...errorContext(payload.error), restart: payload.restart });
    if (!payload.restart) {
      crashed = true;
      opts.onFatal(payload.error);
    }
  });

  async function eachBatch(p: EachBatchPayload) {
    const { batch } = p;
    const partition = batch.partition;
    metrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    const off = partitions ? countOffPartition(batch.messages, partition, partitions) : 0;
    if (off > 0) {
      metrics.offPartition.inc(off);
      log.warn('records_off_partition', { partition, partitions, records: off });
    }
    const retry = <T>(step: string, fn: () => Promise<T>) => {
      const end = msTimer(metrics.stepLatency, step);
      return withRetry(fn, {
        step,
        shouldAbort: () => stopping || !p.isRunning() || p.isStale(),
        onRetry: async (attempt, err, delayMs) => {
          metrics.retries.inc({ step });
          const kind = timeoutKind(err);
          if (kind) metrics.dependencyTimeouts.inc({ kind, step });
          log.warn('sink_retry', { step, attempt, delayMs, partition, ...errorContext(err) });
          await p.heartbeat().catch(() => undefined);
        },
      }).finally(() => end());
    };
    for (let i = 0; i < batch.messages.length; i += opts.chunkSize) {
      if (stopping || !p.isRunning() || p.isStale()) return;
      const chunk = batch.messages.slice(i, i + opts.chunkSize);
      const started = performance.now();
      let result: Awaited<ReturnType<typeof applyChunk>>;
      try {
        result = await applyChunk({ ...opts.deps, retry }, batch.topic, partition, chunk);
      } catch (err) {
        if (err instanceof RetryAborted) return; // not ours any more: the next owner re-reads from the commit
        if (isRetriable(err)) throw err; // kafkajs retries the batch from the last resolved offset
        log.error('chunk_failed', { partition, firstOffset: chunk[0]?.offset, ...errorContext(err) });
        opts.onFatal(err);
        return new Promise<never>(() => undefined); // the process is exiting; never resolve nor commit
      }
      for (const o of result.outcomes) {
        metrics.processed.inc({ outcome: o.outcome, reason: o.reason });
        if (o.outcome === 'dlq') metrics.deadLettered.inc({ reason: o.reason });
      }
      for (const a of result.alerts) metrics.alerts.inc({ rule: a.rule, severity: a.severity });
      for (const b of result.stateBytes) metrics.stateBytes.observe(b);
      if (result.newestReceivedAt) metrics.lag.set({ partition }, Date.now() - result.newestReceivedAt);
      // Chunks of a partition run one after another, so the whole chunk (and all before it) has an outcome here:
      // resolve its last offset, and kafkajs commits offset+1 (Kafka's committed offset is the next one to read).
      // An unresolved chunk (failed, aborted) is never committed; the next owner re-reads it from the commit.
      p.resolveOffset(chunk.at(-1)!.offset);
      const end = msTimer(metrics.stepLatency, 'kafka_commit');
      await p.commitOffsetsIfNecessary();
      end();
      metrics.chunkLatency.observe(performance.now() - started);
      await p.heartbeat();
    }
  }

  await consumer.connect();
  await refreshPartitions();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning });
  await consumer.run({
    // kafkajs' offset manager commits only resolved offsets; a threshold of 1 makes commitOffsetsIfNecessary()
    // commit after every resolved chunk (and kafkajs commits what is resolved when a batch ends or fails).
    autoCommit: true,
    autoCommitThreshold: 1,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.concurrency,
    eachBatch,
  });
  log.info('consumer_started', {
    topic,
    groupId: opts.groupId,
    concurrency: opts.concurrency,
    chunkSize: opts.chunkSize,
  });
  return {
    consumer,
    isHealthy: () => !crashed && !stopping,
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
