// Records are checked where they are applied: records posted straight to the Kafka REST bridge (no edge, no token)
// with an invented session id or another tenant are dead-lettered with their reason, and no session row is made or
// moved. Also the sessions upsert itself: a start for an existing session never changes its tenant.

import { freshDatabase } from '@proctor/testkit';
import { BRIDGE_URL, kafka, type TestEnv, waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { eventRecord, lookAway, newSessions, startedRecord } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';
import { createMysqlPool, createMysqlSink } from '../sinks/mysqlSink.ts';

const h = processorUnderTest();

async function tenantOf(env: TestEnv, sessionId: string): Promise<string | undefined> {
  const [rows] = await env.db.pool.query('SELECT tenant_id FROM sessions WHERE session_id = ?', [sessionId]);
  return (rows as { tenant_id: string }[])[0]?.tenant_id;
}

async function deadLetters(env: TestEnv, count: number) {
  const dlq: { reason: string; key: string | null }[] = [];
  const consumer = kafka().consumer({ groupId: `${env.groupId}-dlq-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: env.dlqTopic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void dlq.push(JSON.parse(String(message.value))) });
  await waitFor('dead letters', async () => dlq.length >= count, 60_000);
  await consumer.disconnect();
  return dlq;
}

describe('forged records through the Kafka REST bridge', () => {
  it('dead-letters an invented session id or a foreign tenant with the reason, and never makes or moves a row', async () => {
    const env = await h.setup(1);
    const [real, victim] = await newSessions(2, 'tenant-a');
    const invented = { ...startedRecord(undefined, victim), sessionId: 'f'.repeat(64) };
    const records = [
      startedRecord(undefined, real),
      // The victim's identity under an id that is not derived from it.
      invented,
      eventRecord(lookAway(1, 9), invented.sessionId, 'tenant-a'),
      // The real session claimed by another tenant: as a start, and as an event.
      { ...startedRecord(undefined, real!), tenantId: 'tenant-b' },
      eventRecord(lookAway(2, 9), real!.sessionId, 'tenant-b'),
    ];
    const res = await fetch(`${BRIDGE_URL}/topics/${env.topic}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
      body: JSON.stringify({ records: records.map((r) => ({ key: r.sessionId, value: r })) }),
    });
    expect(res.status).toBe(200);
    await h.run();

    const dlq = await deadLetters(env, 4);
    expect(dlq.map((d) => d.reason.split(':')[0])).toEqual([
      'session_id_not_derived',
      'unknown_session',
      'session_id_not_derived',
      'tenant_mismatch',
    ]);
    expect(await tenantOf(env, real!.sessionId)).toBe('tenant-a');
    expect(await tenantOf(env, invented.sessionId)).toBeUndefined();
    const [alerts] = await env.db.pool.query('SELECT session_id FROM alerts');
    expect(alerts).toEqual([]);
  });
});

describe('the sessions upsert', () => {
  it('keeps a session in its tenant whatever a later start says', async () => {
    const db = await freshDatabase();
    const pool = createMysqlPool(db.url, 1);
    try {
      const sink = createMysqlSink(pool);
      const [s] = await newSessions(1, 'tenant-a');
      const start = startedRecord(undefined, s);
      if (start.kind !== 'session_started') throw new Error('a start record');
      const row = { sessionId: s!.sessionId, session: start.session, receivedAt: start.receivedAt };
      const empty = { alerts: [], snapshots: [], updates: [] };
      await sink.write({ ...empty, starts: [{ ...row, tenantId: 'tenant-a' }] });
      await sink.write({ ...empty, starts: [{ ...row, tenantId: 'tenant-b' }] });
      const [rows] = await db.pool.query('SELECT tenant_id FROM sessions');
      expect(rows).toEqual([{ tenant_id: 'tenant-a' }]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
