// stopService/startService as the edge and processor tests use them: the bridge and Kafka go away and come back
// without losing what they acknowledged. Registered from lifecycle.stack.test.ts so that it never runs alongside
// the lifecycle test (vitest runs files in parallel, and both stop services).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from './config.ts';
import { serviceStatus, startService, stopService } from './control.ts';

const config = stackConfig();
const kafka = new Kafka({ clientId: 'control-test', brokers: [config.kafka.bootstrap], logLevel: logLevel.NOTHING });
const topic = `test.control.${randomUUID()}`;

const produce = (value: unknown) =>
  fetch(`${config.bridge.url}/topics/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
    body: JSON.stringify({ records: [{ key: 'k', value }] }),
    signal: AbortSignal.timeout(30_000),
  });

async function readAll(): Promise<unknown[]> {
  const consumer = kafka.consumer({ groupId: `test-control-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const admin = kafka.admin();
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  await admin.disconnect();
  const values: unknown[] = [];
  await new Promise<void>((resolve) => {
    if (end === 0) resolve();
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(JSON.parse(String(message.value)));
        if (Number(message.offset) + 1 >= end) resolve();
      },
    });
  });
  await consumer.disconnect();
  return values;
}

export function serviceControlSuite(): void {
  describe('service control', () => {
    beforeAll(async () => {
      await startService('kafka', config);
      await startService('bridge', config);
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
    });

    afterAll(async () => {
      // Whatever happened above, leave the stack as the other suites expect it.
      await startService('kafka', config);
      await startService('bridge', config);
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic, `${topic}.unknown`] }).catch(() => undefined);
      await admin.disconnect();
    });

    it('stops the bridge (requests fail) and starts it again (requests succeed)', async () => {
      expect((await produce({ n: 1 })).status).toBe(200);
      expect(await stopService('bridge', config)).toMatch(/terminated|killed/);
      expect((await serviceStatus('bridge', config)).healthy).toBe(false);
      await expect(produce({ n: 'lost' })).rejects.toThrow();
      expect(await startService('bridge', config)).toBe('started');
      expect((await produce({ n: 2 })).status).toBe(200);
    });

    it('keeps acknowledged records across a Kafka restart, and the bridge answers 503 while it is down', async () => {
      expect(await stopService('kafka', config)).toMatch(/terminated|killed/);
      // A topic the bridge has no metadata for fails after max.block.ms (5 s) instead of the 15 s delivery timeout.
      const whileDown = await fetch(`${config.bridge.url}/topics/${topic}.unknown`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
        body: JSON.stringify({ records: [{ value: 'during outage' }] }),
      });
      const body = (await whileDown.json()) as { offsets: { error_code?: number; offset?: number }[] };
      expect(whileDown.status).toBe(200);
      expect(body.offsets[0]).toMatchObject({ error_code: 503 });
      expect(body.offsets[0]?.offset).toBeUndefined();
      expect(await startService('kafka', config)).toMatch(/started|already_running/);
      // The bridge reconnects by itself; the first produce after the restart may wait for metadata.
      const after = await produce({ n: 3 });
      expect(after.status).toBe(200);
      expect(((await after.json()) as { offsets: { error_code?: number }[] }).offsets[0]?.error_code).toBeUndefined();
      expect(await readAll()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('refuses nothing it does not own: stopping Redis that the stack did not start is a no-op', async () => {
      const before = await serviceStatus('redis', config);
      if (before.ours) return; // A stack-started Redis is ours to stop; nothing to check here.
      expect(await stopService('redis', config)).toBe('not_running');
      expect((await serviceStatus('redis', config)).healthy).toBe(true);
    });
  });
}
