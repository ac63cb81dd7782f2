// Kafka REST v2 (Strimzi bridge, Redpanda, Karapace, Confluent REST Proxy): one POST per batch, checked per record.
import {
  type EventProducer,
  type KafkaRecord,
  postRecords,
  type RestProducerOptions,
  recordPartition,
} from './producer.ts';

interface V2Offset {
  partition?: number | null;
  offset?: number | null;
  error_code?: number | null;
  error?: string | null;
  message?: string | null;
}

export function createRestV2Producer(options: RestProducerOptions): EventProducer {
  return {
    async produce(topic: string, records: KafkaRecord[]) {
      // Never ?async=true: that answers before Kafka acknowledges, and a 2xx here must mean durable.
      const res = await postRecords(options, `${options.baseUrl}/topics/${encodeURIComponent(topic)}`, {
        contentType: 'application/vnd.kafka.json.v2+json',
        accept: 'application/vnd.kafka.v2+json, application/json',
        body: JSON.stringify({
          records: records.map((r) => ({ key: r.key, value: r.value, partition: recordPartition(options, r.key) })),
        }),
      });
      if (!res.ok) return res;
      return checkOffsets(res.text, records.length);
    },
  };
}

/** A partial failure is a failure: every record must come back with an offset and no error. */
export function checkOffsets(text: string, expected: number): { ok: true } | { ok: false; reason: string } {
  let offsets: V2Offset[] | undefined;
  try {
    offsets = (JSON.parse(text) as { offsets?: V2Offset[] }).offsets;
  } catch {
    return { ok: false, reason: 'kafka rest answered with a body that is not JSON' };
  }
  if (!Array.isArray(offsets) || offsets.length !== expected) {
    return { ok: false, reason: `kafka rest returned ${offsets?.length ?? 'no'} offsets for ${expected} records` };
  }
  const failed = offsets.filter((o) => o.error_code != null || o.error != null || typeof o.offset !== 'number');
  if (failed.length > 0) {
    const first = failed[0];
    return {
      ok: false,
      reason: `${failed.length}/${expected} records failed: ${first?.error_code ?? '?'} ${first?.error ?? first?.message ?? ''}`,
    };
  }
  return { ok: true };
}
