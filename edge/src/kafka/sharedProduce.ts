// The isolate's shared produce (kafka/coalesce.ts) as the routes call it: heartbeats and event batches join one open
// batch per topic, each with its own window, so a busy isolate makes one Kafka REST call per window for both.
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { createCoalescer } from './coalesce.ts';
import type { KafkaRecord } from './producer.ts';

/** Records one produce carries at most. */
const MAX_RECORDS_PER_PRODUCE = 500;
/**
 * Estimated bytes one produce carries at most: well under the 1 MB that Kafka producers and REST proxies take by
 * default (a batch body is at most 64 KiB, so a call holds at least seven of the largest).
 */
const MAX_BYTES_PER_PRODUCE = 512 * 1024;
/** A record's envelope on the wire beyond its payload (kind, tenant, session id twice, times, the REST framing). */
export const RECORD_OVERHEAD_BYTES = 300;

const coalescer = createCoalescer();

/**
 * Produces `records` to the configured topic within the isolate's shared call of the next `windowMs` (0: a call of
 * their own). `bytes` estimates their size on the wire. Resolves once that call is acknowledged or has failed.
 */
export function produceShared(c: Context<AppEnv>, records: KafkaRecord[], windowMs: number, bytes: number) {
  const { producer, config } = c.var;
  return coalescer(producer, config.KAFKA_TOPIC, records, {
    windowMs,
    // The leader's produce gives up after UPSTREAM_TIMEOUT_MS; a follower waits that long and a second more.
    followMs: config.UPSTREAM_TIMEOUT_MS + 1000,
    maxRecords: MAX_RECORDS_PER_PRODUCE,
    maxBytes: MAX_BYTES_PER_PRODUCE,
    bytes,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    waitUntil: (work) => c.executionCtx.waitUntil(work),
  });
}
