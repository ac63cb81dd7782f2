// Prometheus metrics of the processor; names are snake_case and end in _total, _ms or _bytes.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics(registry = new Registry()) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const m = {
    registry,
    consumed: counter('processor_messages_consumed_total', 'Kafka messages handed to the processor', ['topic']),
    processed: counter(
      'processor_messages_processed_total',
      'Messages with a final outcome (ok | dlq | drop) and its reason',
      ['outcome', 'reason'],
    ),
    deadLettered: counter(
      'processor_messages_dead_lettered_total',
      'Messages written to the dead-letter topic, by reason',
      ['reason'],
    ),
    alerts: counter('processor_alerts_total', 'Alerts raised (before the idempotent upsert), by rule and severity', [
      'rule',
      'severity',
    ]),
    offPartition: counter(
      'processor_records_off_partition_total',
      "Keyed records not on their key's default partition: the edge's KAFKA_TOPIC_PARTITIONS differs from the topic's",
    ),
    retries: counter('processor_retries_total', 'Retries of a retriable sink error, by step', ['step']),
    dependencyTimeouts: counter(
      'processor_dependency_timeouts_total',
      'MySQL queries, Redis commands or connects unanswered past their timeout (then retried), by step and kind',
      ['step', 'kind'],
    ),
    chunkLatency: histogram(
      'processor_chunk_duration_ms',
      'Wall time to apply one chunk of a batch (decode, rules, Redis, MySQL, commit)',
      [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000],
    ),
    stepLatency: histogram(
      'processor_step_duration_ms',
      'Wall time of one side-effect step of a chunk (redis_load, dead_letter, mysql_write, redis_save), retries included',
      [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000],
      ['step'],
    ),
    lag: new Gauge({
      name: 'processor_consumer_lag_ms',
      help: 'Age (edge receivedAt to now) of the newest record applied, per partition',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    stateBytes: histogram(
      'processor_session_state_bytes',
      'Size of the compact per-session rule state written to Redis',
      [64, 128, 256, 384, 512, 768, 1024, 2048],
    ),
    sweptSessions: counter(
      'processor_connection_lost_swept_total',
      'Sessions claimed from the liveness shards because their deadline passed',
    ),
    lapseHoldbackMs: new Gauge({
      name: 'processor_lapse_holdback_ms',
      help: "How far behind the clock the sweeper claims lapses: the edge's produce path failed lately (0 otherwise)",
      registers: [registry],
    }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
