// A throwaway Kafka topic for one test file, and a reader that collects what the edge produced to it. Node only.

import { randomUUID } from 'node:crypto';
import { sleep } from '@proctor/contracts';
import { stackKafka } from '../stack.ts';

interface ReadRecord {
  key: string | null;
  value: Record<string, unknown>;
  partition: number;
  offset: string;
}

export interface TestTopic {
  name: string;
  /**
   * Reads from the start until `count` records (those with `key`, if given) arrived or `timeoutMs` passed, then
   * lingers to catch extras: a duplicate must have the chance to show up.
   */
  readAll(count: number, options?: { key?: string; timeoutMs?: number; lingerMs?: number }): Promise<ReadRecord[]>;
  delete(): Promise<void>;
}

export async function createTestTopic(partitions = 3): Promise<TestTopic> {
  const kafka = stackKafka('edge-test');
  const admin = kafka.admin();
  await admin.connect();
  const name = `edge-test-${randomUUID()}`;
  await admin.createTopics({
    topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  return {
    name,
    async readAll(count, { key, timeoutMs = 20_000, lingerMs = 1500 } = {}) {
      const consumer = kafka.consumer({ groupId: `edge-test-${randomUUID()}` });
      const records: ReadRecord[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: name, fromBeginning: true });
        let reached: () => void = () => {};
        const enough = new Promise<void>((resolve) => {
          reached = resolve;
        });
        await consumer.run({
          eachMessage: async ({ message, partition }) => {
            if (key !== undefined && message.key?.toString() !== key) return;
            records.push({
              key: message.key?.toString() ?? null,
              value: JSON.parse(message.value?.toString() ?? 'null'),
              partition,
              offset: message.offset,
            });
            if (records.length >= count) reached();
          },
        });
        await Promise.race([enough, sleep(timeoutMs)]);
        // Anything beyond `count` would be a duplicate or a stray: wait a little so the test can see it.
        await sleep(lingerMs);
      } finally {
        await consumer.disconnect();
      }
      return records;
    },
    async delete() {
      try {
        await admin.deleteTopics({ topics: [name], timeout: 30_000 });
      } catch (err) {
        console.warn(`edge tests: could not delete topic ${name}: ${err}`);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
