// Kafka as the suite sees it, on either stack (one broker or three): topics made and removed, a topic's high
// watermarks, a group's committed offsets, and every record read back.

import { sleep } from '@proctor/contracts';
import { randomName } from '@proctor/testkit/stack';
import { Kafka, logLevel } from 'kafkajs';

export type Offsets = Map<number, number>;

// Generous retries: a case kills a broker, and the admin calls around it must ride out the leader elections.
const kafkaOf = (brokers: string[]) =>
  new Kafka({
    clientId: 'faults',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 300, retries: 12 },
  });

async function withAdmin<T>(brokers: string[], fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Topics with `replicas` copies (on three brokers: 3, and min.insync.replicas 2 so that acks=all means two), ready
 * once every partition has a leader. A broker just restarted by the case before may not know the new topic yet and
 * answer UNKNOWN_TOPIC_OR_PARTITION to the leader wait, so that wait is a poll of the metadata.
 */
export const createTopics = (brokers: string[], names: string[], partitions: number, replicas = 1) =>
  withAdmin(brokers, async (admin) => {
    await admin.createTopics({
      topics: names.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: replicas,
        configEntries: replicas > 1 ? [{ name: 'min.insync.replicas', value: String(replicas - 1) }] : [],
      })),
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ready = await admin
        .fetchTopicMetadata({ topics: names })
        .then(({ topics }) =>
          topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)),
        )
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after 60 s`);
      await sleep(250);
    }
  });

export const deleteTopicsAndGroups = (brokers: string[], topics: string[], groups: string[]) =>
  withAdmin(brokers, async (admin) => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups(groups).catch(() => undefined);
  });

export const highWatermarks = (brokers: string[], topic: string): Promise<Offsets> =>
  withAdmin(
    brokers,
    async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])),
  );

/** The group's committed offset per partition: the next offset it will read (0 for "none yet"). */
export const committedOffsets = (brokers: string[], groupId: string, topic: string): Promise<Offsets> =>
  withAdmin(brokers, async (admin) => {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  });

/** partition → leader broker id. */
export const partitionLeaders = (brokers: string[], topic: string): Promise<Map<number, number>> =>
  withAdmin(brokers, async (admin) => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
  });

/** Records between the group's commits and `ends` (what the group has still to apply). */
export function behind(committed: Offsets, ends: Offsets): number {
  let n = 0;
  for (const [p, end] of ends) n += Math.max(0, end - (committed.get(p) ?? 0));
  return n;
}

export const totalOf = (o: Offsets) => [...o.values()].reduce((a, b) => a + b, 0);

export interface TopicRecord {
  partition: number;
  offset: number;
  value: string;
}

/** Every record of the topic up to its high watermarks as they stand now, read with a throwaway group. */
export async function readTopic(brokers: string[], topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const ends = await highWatermarks(brokers, topic);
  const total = totalOf(ends);
  const out: TopicRecord[] = [];
  if (total === 0) return out;
  const groupId = randomName('faults-countback');
  const consumer = kafkaOf(brokers).consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length} of ${total} records of ${topic}`)),
        timeoutMs,
      );
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (Number(message.offset) >= (ends.get(partition) ?? 0)) return;
            out.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? '' });
            if (out.length >= total) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await deleteTopicsAndGroups(brokers, [], [groupId]);
  }
  return out;
}
