// Whether keyed records sit where Kafka's default partitioner puts their keys. The edge names each partition from its
// configured count (KAFKA_TOPIC_PARTITIONS) and kafkajs from the topic's: if the two differ, a session's records split
// over two partitions, and this count is how that shows.
import { kafkaPartition } from '@proctor/contracts';

export function countOffPartition(
  messages: readonly { key: Buffer | null }[],
  partition: number,
  partitions: number,
): number {
  let off = 0;
  for (const m of messages) if (m.key?.length && kafkaPartition(m.key, partitions) !== partition) off++;
  return off;
}
