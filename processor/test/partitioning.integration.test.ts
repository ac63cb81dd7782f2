// One session, one partition, whatever the REST server's partitioner: the edge names each record's partition through
// a REST proxy that hashes as Redpanda does (no sign mask), and the processor's kafkajs connection_lost lands beside.
import type { ConnectionLostRecord } from '@proctor/contracts';
import { KAFKA_SCHEMA_VERSION, kafkaPartition, murmur2, recordKey } from '@proctor/contracts';
import {
  type Candidate,
  candidate,
  createTestTopic,
  localStackEnv,
  noFaceEvent,
  type StartedEdge,
  startEdge,
  startUnmaskedPartitionProxy,
  type TestTopic,
  type UnmaskedPartitionProxy,
} from '@proctor/testkit/edge';
import { stackKafka } from '@proctor/testkit/stack';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordPublisher } from '../src/liveness/publish.ts';

const PARTITIONS = 12;
let topic: TestTopic;
let proxy: UnmaskedPartitionProxy;
let edge: StartedEdge;
let producer: Producer;

beforeAll(async () => {
  topic = await createTestTopic(PARTITIONS);
  proxy = await startUnmaskedPartitionProxy((await localStackEnv()).KAFKA_REST_URL!, PARTITIONS);
  edge = await startEdge({
    env: { KAFKA_REST_URL: proxy.url, KAFKA_TOPIC: topic.name, KAFKA_TOPIC_PARTITIONS: String(PARTITIONS) },
  });
  producer = stackKafka('partitioning-test').producer();
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await edge?.stop();
  await proxy?.close();
  await topic?.delete();
});

/** Whether the session's key hashes negative: where an unmasked hash picks another partition than Java's. */
const hashesNegative = (c: Candidate) => murmur2(new TextEncoder().encode(recordKey(c.sessionId))) < 0;

describe('partitioning through a REST server with its own partitioner', () => {
  it("puts a session's edge records and its kafkajs connection_lost on the partition Java's partitioner names", async () => {
    // Sessions until two hash negative (about half do): those are the ones Redpanda's hashing would split.
    const sessions: Candidate[] = [];
    while (sessions.filter(hashesNegative).length < 2) {
      const c = await candidate(edge.url);
      expect((await c.callRetrying('/sessions/start')).status).toBe(201);
      const batch = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()] });
      expect(batch.status).toBe(200);
      sessions.push(c);
    }
    const lost: ConnectionLostRecord[] = sessions.map((c) => ({
      schemaVersion: KAFKA_SCHEMA_VERSION,
      kind: 'connection_lost',
      sessionId: c.sessionId,
      deadline: Date.now(),
      detectedAt: Date.now(),
    }));
    await createRecordPublisher(producer, topic.name)(lost);

    const records = await topic.readAll(sessions.length * 3);
    for (const c of sessions) {
      const mine = records.filter((r) => r.key === recordKey(c.sessionId));
      expect(mine.map((r) => r.value.kind).sort()).toEqual(['connection_lost', 'event', 'session_started']);
      expect(new Set(mine.map((r) => r.partition))).toEqual(
        new Set([kafkaPartition(recordKey(c.sessionId), PARTITIONS)]),
      );
    }
  });
});
