// The REST bridge speaks Kafka REST v2: a record POSTed to it is read back from Kafka by a kafkajs consumer.
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from '../stack/config.ts';

const config = stackConfig();
const kafka = new Kafka({ clientId: 'bridge-test', brokers: [config.kafka.bootstrap], logLevel: logLevel.NOTHING });
const topic = `test.bridge.${randomUUID()}`;
let admin: Admin;

const post = (path: string, body: unknown, contentType = 'application/vnd.kafka.json.v2+json') =>
  fetch(`${config.bridge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe('REST bridge (Kafka REST v2 produce)', () => {
  it('acknowledges records with offsets and a consumer reads them back', async () => {
    const sessionId = randomUUID();
    const res = await post(`/topics/${topic}`, {
      records: [
        { key: sessionId, value: { kind: 'event', n: 1, text: 'héllo ✓' } },
        { key: sessionId, value: { kind: 'event', n: 2 } },
        { value: 'no key', partition: 2, headers: [{ key: 'trace', value: Buffer.from('abc').toString('base64') }] },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.kafka.v2+json');
    const { offsets } = (await res.json()) as { offsets: { partition: number; offset: number; error_code?: number }[] };
    expect(offsets).toHaveLength(3);
    for (const o of offsets) expect(o.error_code).toBeUndefined();
    // Same key, same partition, consecutive offsets: per-session order survives the bridge.
    const [first, second, third] = offsets;
    expect(second?.partition).toBe(first?.partition);
    expect(second?.offset).toBe((first?.offset ?? Number.NaN) + 1);
    expect(third?.partition).toBe(2);

    const consumer = kafka.consumer({ groupId: `test-bridge-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: { key: string | null; value: unknown; partition: number; trace?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of 3 records arrived`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          seen.push({
            // The json embedded format serialises keys as JSON too, so a string key arrives quoted (as in Strimzi).
            key: message.key ? JSON.parse(message.key.toString()) : null,
            value: JSON.parse(message.value?.toString() ?? 'null'),
            partition,
            trace: message.headers?.trace?.toString(),
          });
          if (seen.length === 3) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    const byN = seen.filter((s) => s.key === sessionId).map((s) => s.value);
    expect(byN).toEqual([
      { kind: 'event', n: 1, text: 'héllo ✓' },
      { kind: 'event', n: 2 },
    ]);
    expect(seen.find((s) => s.key === null)).toEqual({ key: null, value: 'no key', partition: 2, trace: 'abc' });
  });

  it('takes base64 values in the binary embedded format', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const res = await post(
      `/topics/${topic}/partitions/0`,
      { records: [{ value: bytes.toString('base64') }] },
      'application/vnd.kafka.binary.v2+json',
    );
    expect(res.status).toBe(200);
    const { offsets } = (await res.json()) as { offsets: { partition: number; offset: number }[] };
    const acked = offsets[0];
    expect(acked?.partition).toBe(0);
    const consumer = kafka.consumer({ groupId: `test-bridge-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<Buffer>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          if (partition === 0 && message.offset === String(acked?.offset)) resolve(message.value as Buffer);
        },
      });
    });
    await consumer.disconnect();
    expect(Buffer.compare(value, bytes)).toBe(0);
  });

  it('refuses a wrong content type with 415 and a body without records with 422', async () => {
    const wrongType = await post(`/topics/${topic}`, { records: [{ value: 1 }] }, 'application/json');
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { error_code: number }).error_code).toBe(415);
    const noRecords = await post(`/topics/${topic}`, { value: 1 });
    expect(noRecords.status).toBe(422);
    const notJson = await post(`/topics/${topic}`, '{"records": [');
    expect(notJson.status).toBe(422);
  });

  it('reports ready and healthy', async () => {
    expect((await fetch(`${config.bridge.url}/healthy`)).status).toBe(204);
    expect((await fetch(`${config.bridge.url}/ready`)).status).toBe(204);
  });
});
