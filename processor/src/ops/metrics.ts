// Prometheus metrics of the processor; names are snake_case and end in _total, _ms or _bytes.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Outcome = 'ok' | 'dlq' | 'drop';

export function createMetrics(registry = new Registry()) {
  const m = {
    registry,
    consumed: new Counter({
      name: 'processor_messages_consumed_total',
      help: 'Kafka messages handed to the processor',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    processed: new Counter({
      name: 'processor_messages_processed_total',
      help: 'Messages with a final outcome (ok | dlq | drop) and its reason',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'processor_messages_dead_lettered_total',
      help: 'Messages written to the dead-letter topic, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'processor_alerts_total',
      help: 'Alerts raised (before the idempotent upsert), by rule and severity',
      labelNames: ['rule', 'severity'] as const,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'processor_retries_total',
      help: 'Retries of a retriable sink error, by step',
      labelNames: ['step'] as const,
      registers: [registry],
    }),
    dependencyTimeouts: new Counter({
      name: 'processor_dependency_timeouts_total',
      help: 'MySQL queries, Redis commands or connects unanswered past their timeout (then retried), by step and kind',
      labelNames: ['step', 'kind'] as const,
      registers: [registry],
    }),
    chunkLatency: new Histogram({
      name: 'processor_chunk_duration_ms',
      help: 'Wall time to apply one chunk of a batch (decode, rules, Redis, MySQL, commit)',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000],
      registers: [registry],
    }),
    stepLatency: new Histogram({
      name: 'processor_step_duration_ms',
      help: 'Wall time of one side-effect step of a chunk (redis_load, dead_letter, mysql_write, redis_save), retries included',
      labelNames: ['step'] as const,
      buckets: [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000],
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'processor_consumer_lag_ms',
      help: 'Age (edge receivedAt to now) of the newest record applied, per partition',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    stateBytes: new Histogram({
      name: 'processor_session_state_bytes',
      help: 'Size of the compact per-session rule state written to Redis',
      buckets: [64, 128, 256, 384, 512, 768, 1024, 2048],
      registers: [registry],
    }),
    sweptSessions: new Counter({
      name: 'processor_connection_lost_swept_total',
      help: 'Sessions claimed from the liveness shards because their deadline passed',
      registers: [registry],
    }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
