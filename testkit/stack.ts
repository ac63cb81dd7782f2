// The local stack for integration tests (@proctor/testkit/stack): random topics, groups, Redis prefixes and a migrated
// MySQL database per test, and helpers to produce records and wait for what the processor wrote.

import { randomBytes } from 'node:crypto';
import type { ProctorRecord } from '@proctor/contracts';
import { sleep } from '@proctor/contracts';
import { createRedisClient, type RedisClient } from '@proctor/contracts/redis';
import { stackConfig } from '@proctor/infra/stack/config';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type mysql from 'mysql2/promise';
import { freshDatabase, type TestDb } from './mysql.ts';
import { dropPrefix } from './redis.ts';

export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The stack's Kafka REST bridge (BRIDGE_PORT or KAFKA_BRIDGE_URL), where the edge's records enter. */
export const BRIDGE_URL = stackConfig().bridge.url;

export const randomName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;
// Generous retries: other engineers' failure tests restart the shared broker now and then.
export const kafka = () =>
  new Kafka({
    clientId: 'processor-test',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 300, retries: 12 },
  });

/** A quiet Kafka client on the stack's broker as its config names it (stack dir, ports file), for admin and reads. */
export const stackKafka = (clientId: string) =>
  new Kafka({ clientId, brokers: [stackConfig().kafka.bootstrap], logLevel: logLevel.NOTHING });

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export async function createTopics(names: string[], partitions: number): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({
    topics: names.map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  await admin.disconnect();
}

export async function deleteTopics(names: string[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics: names }).catch(() => undefined);
  await admin.disconnect();
}

async function deleteGroups(groupIds: string[]): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  await admin.deleteGroups(groupIds).catch(() => undefined); // a group that never formed is not an error here
  await admin.disconnect();
}

/** Committed offsets of a group on a topic, summed over partitions (−1 for "none" counts as 0). */
export async function committedTotal(groupId: string, topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function produceRecords(
  producer: Producer,
  topic: string,
  records: (ProctorRecord | { key: string; value: string })[],
) {
  const messages = records.map((r) =>
    'value' in r && typeof r.value === 'string' ? r : { key: (r as ProctorRecord).sessionId, value: JSON.stringify(r) },
  );
  for (let i = 0; i < messages.length; i += 500) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) as { key: string; value: string }[] });
  }
}

// One copy of the database and prefix helpers for every workspace: the testkit's.

/** One Redis or, with REDIS_URL=redis+cluster://…, the cluster (the suites run against both). */
export const newRedis = () => createRedisClient(REDIS_URL);

export interface TestEnv {
  topic: string;
  dlqTopic: string;
  groupId: string;
  prefix: string;
  db: TestDb;
  redis: RedisClient;
  producer: Producer;
  /** The processor's environment for this test (random everything). */
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/**
 * A random topic (and DLQ), group, Redis prefix and migrated database (on `mysqlServer`, `mysql://…/`, when a test
 * runs its own); cleanup() removes them all.
 */
export async function testEnv(partitions = 3, mysqlServer?: string): Promise<TestEnv> {
  const topic = randomName('proctor.events.it');
  const dlqTopic = `${topic}.dlq`;
  const groupId = randomName('processor-it');
  const prefix = randomName('ptest');
  await createTopics([topic, dlqTopic], partitions);
  const db = await freshDatabase({ server: mysqlServer });
  const redis = newRedis();
  const producer = kafka().producer();
  await producer.connect();
  return {
    topic,
    dlqTopic,
    groupId,
    prefix,
    db,
    redis,
    producer,
    env: {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_DLQ_TOPIC: dlqTopic,
      KAFKA_GROUP_ID: groupId,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      MYSQL_URL: db.url,
      SWEEP_ENABLED: 'false',
    },
    async cleanup() {
      await producer.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
      await db.drop();
      await deleteTopics([topic, dlqTopic]);
      await deleteGroups([groupId, `${groupId}-dlq-reader`]);
    },
  };
}

/** Alert ids in the database. */
export async function alertIds(pool: mysql.Pool): Promise<string[]> {
  const [rows] = await pool.query('SELECT alert_id FROM alerts');
  return (rows as { alert_id: string }[]).map((r) => r.alert_id);
}

/** Sessions that reached status 'ended' (the last record of each test session). */
export async function endedSessions(pool: mysql.Pool): Promise<number> {
  const [rows] = await pool.query("SELECT COUNT(*) AS n FROM sessions WHERE status = 'ended'");
  return Number((rows as { n: number }[])[0]!.n);
}
