// The dead-letter topic: records the processor cannot apply, with the reason, so they never block a partition.
import type { DeadLetterRecord } from '@proctor/contracts';
import type { Producer } from 'kafkajs';

export function createDeadLetterSink(producer: Producer, topic: string) {
  return {
    /** Resolves once Kafka has the records (acks=all): only then may their offsets be committed. */
    async send(records: DeadLetterRecord[]): Promise<void> {
      if (!records.length) return;
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r) })),
      });
    },
  };
}
export type DeadLetterSink = ReturnType<typeof createDeadLetterSink>;
