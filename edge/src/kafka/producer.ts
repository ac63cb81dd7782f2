// How the edge writes to Kafka: one HTTP request per call, all or nothing. Adapters speak Kafka REST v2 or v3.
import { kafkaPartition, recordKey } from '@proctor/contracts';
import type { EdgeEnv } from '../env.ts';
import { createRestV2Producer } from './restV2.ts';
import { createRestV3Producer } from './restV3.ts';

/** A record keyed by sessionId, so that one session's records land on one partition, in order. */
export interface KafkaRecord {
  key: string;
  value: unknown;
}

/**
 * ok: every record is acknowledged by Kafka (acks=all on the REST side), so a 2xx to the client is honest.
 * Otherwise nothing may be assumed durable: the caller releases its dedupe marks and answers 503.
 */
type ProduceResult = { ok: true } | { ok: false; reason: string };

export interface EventProducer {
  produce(topic: string, records: KafkaRecord[]): Promise<ProduceResult>;
}

export interface RestProducerOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Value of the Authorization header, if the REST endpoint wants one. */
  authorization?: string | undefined;
  clusterId?: string | undefined;
  /** v3 only: the API's path under baseUrl (`/kafka/v3` on Confluent Cloud, `/v3` on a standalone REST Proxy). */
  v3Path?: string;
  /** The topic's partition count: set, every record names its partition (recordPartition), else the server picks. */
  partitions?: number | undefined;
  fetch?: typeof fetch;
}

/**
 * The partition a record goes to, named by the edge as Kafka's default partitioner would place its key, so that the
 * processor's kafkajs records for the session (same key, same hash) land beside it whatever the REST server's own
 * partitioner does. Undefined when the partition count is not configured: the server's partitioner decides.
 */
export function recordPartition(options: RestProducerOptions, key: string): number | undefined {
  // The hash is of the key's wire bytes: the JSON formats send the id as a JSON string, as recordKey spells it.
  return options.partitions === undefined ? undefined : kafkaPartition(recordKey(key), options.partitions);
}

export function createProducer(config: EdgeEnv): EventProducer {
  const options: RestProducerOptions = {
    baseUrl: config.KAFKA_REST_URL.replace(/\/+$/, ''),
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    authorization:
      config.KAFKA_REST_AUTH === 'basic'
        ? `Basic ${btoa(`${config.KAFKA_REST_USERNAME}:${config.KAFKA_REST_PASSWORD}`)}`
        : undefined,
    clusterId: config.KAFKA_CLUSTER_ID,
    v3Path: config.KAFKA_REST_V3_PATH,
    partitions: config.KAFKA_TOPIC_PARTITIONS,
  };
  return config.KAFKA_REST_FLAVOR === 'v3' ? createRestV3Producer(options) : createRestV2Producer(options);
}

/** Runs one REST call; a network error or timeout becomes a failed result, never a throw. */
export async function postRecords(
  options: RestProducerOptions,
  url: string,
  init: { contentType: string; accept: string; body: BodyInit },
): Promise<{ ok: true; status: number; text: string } | { ok: false; reason: string }> {
  const headers: Record<string, string> = { 'Content-Type': init.contentType, Accept: init.accept };
  if (options.authorization) headers.Authorization = options.authorization;
  try {
    const res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers,
      body: init.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) return { ok: false, reason: `kafka rest answered ${res.status}: ${text.slice(0, 200)}` };
    return { ok: true, status: res.status, text };
  } catch (err) {
    return { ok: false, reason: `kafka rest unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
