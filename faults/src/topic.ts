// Kafka as the count-back sees it: a topic's high watermarks, a group's committed offsets, and every record read.
import { kafka, randomName } from '../../processor/src/testing/stack.ts';

export type Offsets = Map<number, number>;

export async function highWatermarks(topic: string): Promise<Offsets> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offset per partition: the next offset it will read (0 for "none yet"). */
export async function committedOffsets(groupId: string, topic: string): Promise<Offsets> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((t?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  } finally {
    await admin.disconnect();
  }
}

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
export async function readTopic(topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const ends = await highWatermarks(topic);
  const total = totalOf(ends);
  const out: TopicRecord[] = [];
  if (total === 0) return out;
  const k = kafka();
  const groupId = randomName('faults-countback');
  const consumer = k.consumer({ groupId });
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
    const admin = k.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return out;
}
