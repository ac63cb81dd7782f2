// Managed Kafka: the processor over SASL_SSL (a private broker, a CA made in the test) applies records, and a wrong
// password is refused without the password ever reaching a log line.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freshDatabase,
  type ProcessorChild,
  type SaslKafka,
  type SaslUser,
  startProcessor,
  startSaslKafka,
  type TestDb,
} from '@proctor/testkit';
import { endedSessions, produceRecords, REDIS_URL, randomName, waitFor } from '@proctor/testkit/stack';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newSessions } from '../../test/events.ts';
import { sessionRecords } from '../../test/workload.ts';
import { loadConfig } from '../config.ts';
import { kafkaClientConfig } from './kafka.ts';

let broker: SaslKafka;
let dir: string;
const topic = randomName('proctor.events.sasl');
const procs: ProcessorChild[] = [];
let db: TestDb | undefined;

/** The processor's Kafka variables for `user` on the private broker. */
const kafkaEnv = (user: SaslUser, password = user.password): Record<string, string> => ({
  KAFKA_BROKERS: broker.bootstrap,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: broker.caFile,
  KAFKA_SASL_MECHANISM: user.mechanism,
  KAFKA_SASL_USERNAME: user.username,
  KAFKA_SASL_PASSWORD: password,
});

/** A kafkajs client built the way the processor builds its own, from the same variables. */
const clientFor = (user: SaslUser) =>
  new Kafka({ ...kafkaClientConfig(loadConfig(kafkaEnv(user))), logLevel: logLevel.NOTHING, retry: { retries: 2 } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proctor-sasl-kafka-'));
  broker = await startSaslKafka(dir);
  const admin = clientFor(broker.users['scram-sha-256']).admin();
  await admin.connect();
  await admin.createTopics({ topics: [topic, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: 2 })) });
  await admin.disconnect();
});

afterEach(async () => {
  for (const p of procs.splice(0)) await p.stop('SIGKILL');
  await db?.drop();
  db = undefined;
});

afterAll(async () => {
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function runProcessor(env: Record<string, string>, waitReady: boolean) {
  db = await freshDatabase();
  const p = await startProcessor(
    {
      ...env,
      KAFKA_EVENTS_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: randomName('processor-sasl'),
      REDIS_URL,
      REDIS_KEY_PREFIX: randomName('psasl'),
      MYSQL_URL: db.url,
      SWEEP_ENABLED: 'false',
      LIFECYCLE_ENABLED: 'false',
    },
    waitReady,
  );
  procs.push(p);
  return p;
}

describe('processor over SASL_SSL', () => {
  it('connects with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 through the one client config', async () => {
    for (const user of Object.values(broker.users)) {
      const admin = clientFor(user).admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain(topic);
      await admin.disconnect();
    }
  });

  it('consumes and applies a session produced over SASL_SSL (SCRAM-SHA-512)', async () => {
    const user = broker.users['scram-sha-512'];
    const p = await runProcessor(kafkaEnv(user), true);
    const producer = clientFor(broker.users.plain).producer();
    await producer.connect();
    const [session] = await newSessions(1);
    const records = sessionRecords(session!, 0);
    await produceRecords(producer, topic, records);
    await producer.disconnect();
    await waitFor('the session applied and ended', async () => (await endedSessions(db!.pool)) === 1);
    await waitFor(
      'every record counted ok',
      async () => (await p.metric('processor_messages_processed_total', { outcome: 'ok' })) >= records.length,
    );
  });

  it('refuses a wrong password: the processor exits non-zero and never logs the password', async () => {
    const wrong = `wrong-${randomName('pw')}`;
    const p = await runProcessor(kafkaEnv(broker.users['scram-sha-256'], wrong), false);
    expect(await p.exited).not.toBe(0);
    const logs = JSON.stringify(p.logs);
    expect(logs).toMatch(/SASL SCRAM SHA256 authentication failed/);
    expect(logs).not.toContain(wrong);
  });
});
