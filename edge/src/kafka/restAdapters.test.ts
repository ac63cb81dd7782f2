// The REST adapters build one request per batch and count a batch durable only if every record says so.

import { kafkaPartition, recordKey } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import type { RestProducerOptions } from './producer.ts';
import { checkOffsets, createRestV2Producer } from './restV2.ts';
import { checkDeliveryReports, createRestV3Producer, parseConcatenatedJson } from './restV3.ts';

const records = [
  { key: 's1', value: { n: 1 } },
  { key: 's1', value: { n: 2, text: 'a "}{" b' } },
];

/**
 * Where Java's partitioner puts these keys' wire bytes (`"<id>"`) over 12 partitions, worked out apart from our code.
 * The first two hash negative: an unmasked hash (Redpanda's proxy) would put them on 4 and 11.
 */
const keyed = ['session-0', 'session-4', 'session-1'].map((key) => ({ key, value: { n: 1 } }));
const javaPartitions = [8, 3, 2];

function recordingFetch(status: number, body: string) {
  const calls: { url: string; init: RequestInit; body: string }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const text = init.body instanceof ReadableStream ? await new Response(init.body).text() : String(init.body);
    calls.push({ url, init, body: text });
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const options = (fetchFn: typeof fetch, extra: Partial<RestProducerOptions> = {}): RestProducerOptions => ({
  baseUrl: 'http://rest.test',
  timeoutMs: 1000,
  fetch: fetchFn,
  ...extra,
});

describe('Kafka REST v2', () => {
  it('posts all records in one request to /topics/{topic}, never async', async () => {
    const { calls, fetchFn } = recordingFetch(
      200,
      JSON.stringify({
        offsets: [
          { partition: 0, offset: 1 },
          { partition: 0, offset: 2 },
        ],
      }),
    );
    expect(await createRestV2Producer(options(fetchFn)).produce('proctor.events', records)).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://rest.test/topics/proctor.events');
    expect(calls[0]?.url).not.toContain('async');
    expect((calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe(
      'application/vnd.kafka.json.v2+json',
    );
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ records });
  });

  it('fails on any record error, a short offsets list, a non-2xx or a network error', async () => {
    expect(
      checkOffsets(
        JSON.stringify({
          offsets: [
            { partition: 0, offset: 1 },
            { error_code: 50002, error: 'x' },
          ],
        }),
        2,
      ).ok,
    ).toBe(false);
    expect(
      checkOffsets(
        JSON.stringify({
          offsets: [
            { partition: 0, offset: 1 },
            { partition: 0, offset: null },
          ],
        }),
        2,
      ).ok,
    ).toBe(false);
    expect(checkOffsets(JSON.stringify({ offsets: [{ partition: 0, offset: 1 }] }), 2).ok).toBe(false);
    expect(checkOffsets('<html>', 1).ok).toBe(false);
    const { fetchFn } = recordingFetch(503, 'down');
    expect(await createRestV2Producer(options(fetchFn)).produce('t', records)).toMatchObject({
      ok: false,
      reason: /503/,
    });
    const throwing = (async () => {
      throw new TypeError('connection refused');
    }) as unknown as typeof fetch;
    expect(await createRestV2Producer(options(throwing)).produce('t', records)).toMatchObject({
      ok: false,
      reason: /unreachable/,
    });
  });

  it("names each record's partition as Kafka's default partitioner would, when the partition count is set", async () => {
    const { calls, fetchFn } = recordingFetch(
      200,
      JSON.stringify({ offsets: keyed.map(() => ({ partition: 0, offset: 1 })) }),
    );
    await createRestV2Producer(options(fetchFn, { partitions: 12 })).produce('t', keyed);
    const sent = JSON.parse(calls[0]?.body ?? '').records as { key: string; partition: number }[];
    expect(sent.map((r) => r.partition)).toEqual(keyed.map((r) => kafkaPartition(recordKey(r.key), 12)));
    expect(sent.map((r) => r.partition)).toEqual(javaPartitions);
  });

  it('sends basic auth when configured', async () => {
    const { calls, fetchFn } = recordingFetch(200, JSON.stringify({ offsets: [{ partition: 0, offset: 1 }] }));
    await createRestV2Producer(options(fetchFn, { authorization: 'Basic abc' })).produce('t', [records[0]!]);
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Basic abc');
  });
});

describe('Kafka REST v3', () => {
  it('streams all records in one request to the cluster topic records endpoint', async () => {
    const reports = '{"error_code":200,"offset":1}\n{"error_code":200,"offset":2}';
    const { calls, fetchFn } = recordingFetch(200, reports);
    const producer = createRestV3Producer(options(fetchFn, { clusterId: 'lkc-1', authorization: 'Basic k' }));
    expect(await producer.produce('proctor.events', records)).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://rest.test/kafka/v3/clusters/lkc-1/topics/proctor.events/records');
    expect(calls[0]?.init.body).toBeInstanceOf(ReadableStream);
    const sent = parseConcatenatedJson(calls[0]?.body ?? '');
    expect(sent).toEqual(
      records.map((r) => ({ key: { type: 'JSON', data: r.key }, value: { type: 'JSON', data: r.value } })),
    );
  });

  it('names partition_id per record and takes the API path from configuration (/v3 on a REST Proxy)', async () => {
    const { calls, fetchFn } = recordingFetch(200, keyed.map(() => '{"error_code":200}').join('\n'));
    const producer = createRestV3Producer(options(fetchFn, { clusterId: 'c1', v3Path: '/v3', partitions: 12 }));
    expect(await producer.produce('proctor.events', keyed)).toEqual({ ok: true });
    expect(calls[0]?.url).toBe('http://rest.test/v3/clusters/c1/topics/proctor.events/records');
    const sent = parseConcatenatedJson(calls[0]?.body ?? '') as { partition_id: number }[];
    expect(sent.map((r) => r.partition_id)).toEqual(javaPartitions);
  });

  it('fails unless every delivery report says 200', () => {
    expect(checkDeliveryReports('{"error_code":200}{"error_code":200}', 2).ok).toBe(true);
    expect(checkDeliveryReports('{"error_code":200}{"error_code":40401,"message":"no topic"}', 2).ok).toBe(false);
    expect(checkDeliveryReports('{"error_code":200}', 2).ok).toBe(false);
    expect(checkDeliveryReports('{"error_code":200', 1).ok).toBe(false);
  });

  it('needs a cluster id', () => {
    expect(() => createRestV3Producer({ baseUrl: 'http://x', timeoutMs: 1 })).toThrow(/cluster id/);
  });
});
