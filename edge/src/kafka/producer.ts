// How the edge writes to Kafka: one HTTP request per call, all or nothing. Adapters speak Kafka REST v2 or v3.
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
  fetch?: typeof fetch;
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
