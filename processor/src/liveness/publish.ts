// The sweeper's producer side: connection_lost records onto the events topic, keyed by session id, acks=all.
import { recordKey } from '@proctor/contracts';
import type { Producer } from 'kafkajs';
import type { PublishRecords } from './sweeper.ts';

export function createRecordPublisher(producer: Producer, topic: string): PublishRecords {
  return async (records) => {
    if (!records.length) return;
    // Keyed with the edge's key bytes (recordKey): the lapse lands in the session's partition, after its events.
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({ key: recordKey(r.sessionId), value: JSON.stringify(r) })),
    });
  };
}
