import { randomBytes } from 'node:crypto';
import {
  type ConnectionLostRecord,
  KAFKA_SCHEMA_VERSION,
  kafkaPartition,
  murmur2,
  recordKey,
} from '@proctor/contracts';
import { Partitioners, type Producer, type ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createRecordPublisher } from './publish.ts';

const PARTITIONS = 12;
const partitionMetadata = Array.from({ length: PARTITIONS }, (_, i) => ({
  partitionId: i,
  leader: 1,
  partitionErrorCode: 0,
  replicas: [1],
  isr: [1],
}));
// kafkajs' default partitioner is the Java client's (murmur2 of the key bytes), the one the REST bridge runs.
const partitionOf = (key: string | Buffer) =>
  Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
// What the edge's records carry: the REST v2 JSON embedded format writes the key as JSON (Jackson), quotes included.
const edgeKeyBytes = (sessionId: string) => Buffer.from(JSON.stringify(sessionId));

describe('connection_lost records', () => {
  it("land on the partition of the session's own records (the edge's key bytes, not the bare id)", async () => {
    const sent: ProducerRecord[] = [];
    const producer = { send: async (r: ProducerRecord) => void sent.push(r) } as unknown as Producer;
    const sessionIds = Array.from({ length: 40 }, () => randomBytes(32).toString('hex'));
    const records: ConnectionLostRecord[] = sessionIds.map((sessionId) => ({
      schemaVersion: KAFKA_SCHEMA_VERSION,
      kind: 'connection_lost',
      sessionId,
      deadline: 1,
      detectedAt: 2,
    }));
    await createRecordPublisher(producer, 'events')(records);
    const messages = sent.flatMap((r) => r.messages);
    expect(messages).toHaveLength(sessionIds.length);
    messages.forEach((m, i) => {
      expect(partitionOf(m.key!)).toBe(partitionOf(edgeKeyBytes(sessionIds[i]!)));
    });
  });

  it("go where the edge names a session's partition: kafkajs' default partitioner is contracts' kafkaPartition", () => {
    const sessionIds = Array.from({ length: 500 }, () => randomBytes(32).toString('hex'));
    // Half the keys hash negative: the sign mask is exercised, not just the positive half.
    expect(sessionIds.filter((id) => murmur2(Buffer.from(recordKey(id))) < 0).length).toBeGreaterThan(100);
    for (const id of sessionIds) expect(partitionOf(recordKey(id))).toBe(kafkaPartition(recordKey(id), PARTITIONS));
  });
});
