// The dead-letter topic: records the processor cannot apply, with the reason, so they never block a partition.
import type { DeadLetterRecord } from '@proctor/contracts';
import type { Producer } from 'kafkajs';

/**
 * Bytes of message values per produce request. A broker refuses a record batch above its `max.message.bytes`
 * (1 MiB by default) with a non-retriable error, so a flood of large poison records must go out in several sends.
 */
const DLQ_SEND_MAX_BYTES = 256 * 1024;

type Message = { key: string | null; value: string };

/** Splits messages into consecutive groups of at most `maxBytes` (a single larger message goes alone). */
export function chunkByBytes(messages: Message[], maxBytes = DLQ_SEND_MAX_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = Buffer.byteLength(m.value) + (m.key ? Buffer.byteLength(m.key) : 0);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function createDeadLetterSink(producer: Producer, topic: string) {
  return {
    /** Resolves once Kafka has every record (acks=all): only then may their offsets be committed. */
    async send(records: DeadLetterRecord[]): Promise<void> {
      if (!records.length) return;
      const messages = records.map((r) => ({ key: r.key, value: JSON.stringify(r) }));
      for (const chunk of chunkByBytes(messages)) await producer.send({ topic, acks: -1, messages: chunk });
    },
  };
}
export type DeadLetterSink = ReturnType<typeof createDeadLetterSink>;
