// Kafka REST v3 (Confluent Cloud): one streamed POST per batch, records and delivery reports as concatenated JSON.
import type { EventProducer, KafkaRecord, RestProducerOptions } from './producer.ts';
import { postRecords, recordPartition } from './producer.ts';

interface DeliveryReport {
  error_code?: number;
  message?: string;
  partition_id?: number;
  offset?: number;
}

export function createRestV3Producer(options: RestProducerOptions): EventProducer {
  if (!options.clusterId) throw new Error('kafka rest v3 needs a cluster id (KAFKA_CLUSTER_ID)');
  const base = `${options.baseUrl}${options.v3Path ?? '/kafka/v3'}/clusters/${encodeURIComponent(options.clusterId)}/topics`;
  return {
    async produce(topic: string, records: KafkaRecord[]) {
      // Keys as JSON, like the v2 json embedded format, so both adapters put the same key bytes on the wire and a
      // session's records hash to the same partition whichever adapter produced them.
      const body = records
        .map((r) =>
          JSON.stringify({
            partition_id: recordPartition(options, r.key),
            key: { type: 'JSON', data: r.key },
            value: { type: 'JSON', data: r.value },
          }),
        )
        .join('\n');
      // A stream body is sent chunked, which puts the endpoint in streaming mode: many records, one request.
      const bytes = new TextEncoder().encode(body);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
      const res = await postRecords(options, `${base}/${encodeURIComponent(topic)}/records`, {
        contentType: 'application/json',
        accept: 'application/json',
        body: stream,
      });
      if (!res.ok) return res;
      return checkDeliveryReports(res.text, records.length);
    },
  };
}

/** Each record gets one delivery report, in order; error_code 200 is success, anything else fails the batch. */
export function checkDeliveryReports(text: string, expected: number): { ok: true } | { ok: false; reason: string } {
  let reports: DeliveryReport[];
  try {
    reports = parseConcatenatedJson(text) as DeliveryReport[];
  } catch {
    return { ok: false, reason: 'kafka rest v3 answered with a body that is not concatenated JSON' };
  }
  if (reports.length !== expected) {
    return { ok: false, reason: `kafka rest v3 returned ${reports.length} delivery reports for ${expected} records` };
  }
  const failed = reports.filter((r) => r.error_code !== 200);
  if (failed.length > 0) {
    return {
      ok: false,
      reason: `${failed.length}/${expected} records failed: ${failed[0]?.error_code} ${failed[0]?.message ?? ''}`,
    };
  }
  return { ok: true };
}

/** Splits `{…}{…}` or `{…}\n{…}` into values, honouring strings so that braces inside them do not count. */
export function parseConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' || ch === ']') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
      if (depth < 0) throw new SyntaxError('unbalanced JSON');
    } else if (depth === 0 && !/\s/.test(ch ?? '')) throw new SyntaxError(`unexpected ${ch} between values`);
  }
  if (depth !== 0) throw new SyntaxError('truncated JSON');
  return out;
}
