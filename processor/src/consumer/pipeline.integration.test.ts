// Kafka → rules → Redis → MySQL against the real stack: alerts, snapshots, redelivery, poison records.

import { dropPrefix } from '@proctor/testkit';
import {
  alertIds,
  BRIDGE_URL,
  committedTotal,
  endedSessions,
  kafka,
  produceRecords,
  type TestEnv,
  waitFor,
} from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { endedRecord, eventRecord, multiPerson, newSessions, startedRecord, TENANT } from '../../test/events.ts';
import { processorUnderTest } from '../../test/processorUnderTest.ts';
import { expectedOutcome, interleave, sessionRecords } from '../../test/workload.ts';

const processors = processorUnderTest();
const run = (extra: Record<string, string> = {}) => processors.run(extra);
let env: TestEnv | undefined;

/** A fresh topic of `partitions` with `sessions` interleaved workload sessions produced to it, and what they must give. */
async function produceWorkload(partitions: number, sessions: number) {
  env = await processors.setup(partitions);
  const records = interleave((await newSessions(sessions)).map((s, i) => sessionRecords(s, i)));
  const want = await expectedOutcome(records);
  await produceRecords(env.producer, env.topic, records);
  return { env, records, want };
}

describe('processor pipeline', () => {
  it('turns produced events into the expected alerts, snapshots and session rows', async () => {
    const { env, records, want } = await produceWorkload(3, 12);
    const p = await run();
    await waitFor('all sessions ended', async () => (await endedSessions(env!.db.pool)) === 12);

    expect(new Set(await alertIds(env.db.pool))).toEqual(want.alertIds);
    const [alerts] = await env.db.pool.query('SELECT rule, severity, evidence, explanation, status FROM alerts');
    const rules = new Set((alerts as { rule: string }[]).map((a) => a.rule));
    expect(rules).toEqual(new Set(['look_away', 'multi_person', 'no_face', 'camera_blocked']));
    for (const a of alerts as { evidence: { eventId: string; confidence: number }[]; status: string }[]) {
      expect(a.evidence.length).toBeGreaterThan(0);
      expect(a.evidence[0]!.confidence).toBeGreaterThan(0);
      expect(a.status).toBe('open');
    }
    const [sessions] = await env.db.pool.query('SELECT session_id, risk_score FROM sessions');
    for (const s of sessions as { session_id: string; risk_score: string }[]) {
      expect(Number(s.risk_score)).toBeCloseTo(want.finalScores.get(s.session_id)!, 1);
    }
    const [snaps] = await env.db.pool.query(
      'SELECT session_id, score, contributions FROM risk_snapshots ORDER BY session_id, bucket_start',
    );
    const snapRows = snaps as { session_id: string; score: string; contributions: { rule: string }[] }[];
    expect(new Set(snapRows.map((s) => s.session_id)).size).toBe(12);
    expect(snapRows.some((s) => Number(s.score) > 0 && s.contributions.length > 0)).toBe(true);
    // Outcome metrics move right after the MySQL commit the queries above saw: wait for them, then compare.
    await waitFor(
      'outcomes counted',
      async () => (await p.metric('processor_messages_processed_total')) >= records.length,
    );
    expect(await p.metric('processor_messages_processed_total', { outcome: 'ok' })).toBe(records.length);
    expect(await p.metric('processor_alerts_total')).toBe(want.alertIds.size);
    const health = await fetch(`http://127.0.0.1:${p.metricsPort()}/healthz`);
    expect(health.status).toBe(200);
  });

  it('gives exactly one alert when the same batch is delivered twice, and keeps an acknowledgement', async () => {
    const { env, records, want } = await produceWorkload(2, 6);
    const first = await run();
    await waitFor('first pass', async () => (await endedSessions(env!.db.pool)) === 6);
    // SIGTERM drains: a clean exit with every offset committed.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await committedTotal(env.groupId, env.topic)).toBe(records.length);
    expect(new Set(await alertIds(env.db.pool))).toEqual(want.alertIds);
    await env.db.pool.query("UPDATE alerts SET status = 'acknowledged'");

    // Redelivery 1: the group rewinds (offsets lost) while Redis still holds the applied positions.
    const admin = kafka().admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: env.groupId, topic: env.topic, earliest: true });
    const second = await run();
    await waitFor(
      'replay skipped',
      async () =>
        (await second.metric('processor_messages_processed_total', { reason: 'already_applied' })) === records.length,
    );
    await second.stop('SIGTERM');

    // Redelivery 2: rewound again and Redis state gone too (a crash before the save): rules recompute, upsert.
    await admin.resetOffsets({ groupId: env.groupId, topic: env.topic, earliest: true });
    await admin.disconnect();
    await dropPrefix(env.redis, env.prefix);
    const third = await run();
    await waitFor(
      'recomputed',
      async () => (await third.metric('processor_messages_processed_total', { outcome: 'ok' })) === records.length,
    );
    // The same records produced a second time (an edge retry) are counted once as well.
    await produceRecords(env.producer, env.topic, records);
    await waitFor(
      'duplicates applied',
      async () => (await third.metric('processor_messages_processed_total')) === 2 * records.length,
    );

    const ids = await alertIds(env.db.pool);
    expect(ids.length).toBe(want.alertIds.size);
    expect(new Set(ids)).toEqual(want.alertIds);
    const [statuses] = await env.db.pool.query('SELECT DISTINCT status FROM alerts');
    expect(statuses).toEqual([{ status: 'acknowledged' }]);
  });

  it('never re-raises, escalates or re-scores an alert when its event is redelivered after newer alerts', async () => {
    env = await processors.setup(1);
    const [session] = await newSessions(1, TENANT);
    const { sessionId } = session!;
    const first = multiPerson(10, 0.9);
    // Six newer alerts: more than the rule remembers, so the first alert's bucket is forgotten by then.
    const newer = Array.from({ length: 6 }, (_, i) => eventRecord(multiPerson(70 + 60 * i, 0.9), sessionId));
    const clean = [startedRecord(undefined, session), eventRecord(first, sessionId), ...newer];
    const want = await expectedOutcome([...clean, endedRecord(500, sessionId)]);
    // The edge retried the first batch: the same event arrives again, as a new record, after all of them.
    await produceRecords(env.producer, env.topic, [
      ...clean,
      eventRecord(first, sessionId),
      endedRecord(500, sessionId),
    ]);
    await run();
    await waitFor('session ended', async () => (await endedSessions(env!.db.pool)) === 1);

    const [rows] = await env.db.pool.query('SELECT severity FROM alerts ORDER BY window_start');
    const severities = (rows as { severity: string }[]).map((r) => r.severity);
    expect(severities).toHaveLength(7);
    expect(severities[0]).toBe('high'); // the first multi-person alert stays high, not "critical, 8th alert"
    expect(new Set(await alertIds(env.db.pool))).toEqual(want.alertIds);
    const [sessions] = await env.db.pool.query('SELECT risk_score FROM sessions');
    expect(Number((sessions as { risk_score: string }[])[0]!.risk_score)).toBeCloseTo(
      want.finalScores.get(sessionId)!,
      1,
    );
  });

  it('dead-letters poison records with a reason and does not stall the partition', async () => {
    env = await processors.setup(1);
    const [session] = await newSessions(1);
    const { sessionId } = session!;
    const good = sessionRecords(session!, 0);
    const poison = [
      { key: sessionId, value: '{"not json' },
      { key: sessionId, value: JSON.stringify({ ...good[1], schemaVersion: 99 }) },
    ];
    // start, poison, poison, the rest, then a multi-person event: everything after the poison must still apply.
    const tail = eventRecord(multiPerson(300, 0.95), sessionId, 'tenant-test');
    await produceRecords(env.producer, env.topic, [good[0]!, ...poison, ...good.slice(1), tail]);
    const p = await run();
    await waitFor('session ended', async () => (await endedSessions(env!.db.pool)) === 1);
    await waitFor(
      'tail applied',
      async () => (await p.metric('processor_messages_processed_total', { outcome: 'ok' })) === good.length + 1,
    );

    const dlq: { reason: string; sourceOffset: string; value: string | null }[] = [];
    const consumer = kafka().consumer({ groupId: `${env.groupId}-dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: env.dlqTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void dlq.push(JSON.parse(message.value!.toString())) });
    await waitFor('dlq records', async () => dlq.length === 2);
    await consumer.disconnect();

    expect(dlq.map((d) => d.sourceOffset).sort()).toEqual(['1', '2']);
    expect(dlq.map((d) => d.reason.split(':')[0]).sort()).toEqual(['invalid_json', 'schema_invalid']);
    expect(dlq[0]!.value).toBe('{"not json');
    expect(await p.metric('processor_messages_dead_lettered_total')).toBe(2);
    expect(await alertIds(env.db.pool)).toHaveLength((await expectedOutcome([...good, tail])).alertIds.size);
  });

  it('dead-letters a flood of large poison records without exceeding the broker batch limit', async () => {
    env = await processors.setup(1);
    const [session] = await newSessions(1);
    const { sessionId } = session!;
    // 3000 records of 1 KB: one produce of them all would be a ~3.5 MB batch, which the broker refuses outright.
    const flood = Array.from({ length: 3000 }, (_, n) => ({
      key: sessionId,
      value: JSON.stringify({ kind: 'event', n, pad: 'x'.repeat(1000) }),
    }));
    const tail = sessionRecords(session!, 0);
    await produceRecords(env.producer, env.topic, [...flood, ...tail]);
    const p = await run();
    await waitFor('session after the flood ended', async () => (await endedSessions(env!.db.pool)) === 1, 60_000);
    expect(await p.metric('processor_messages_dead_lettered_total')).toBe(3000);
  });

  it('applies records produced through the REST v2 bridge the edge uses (JSON-encoded keys)', async () => {
    env = await processors.setup(2);

    const records = sessionRecords((await newSessions(1))[0]!, 0);
    const res = await fetch(`${BRIDGE_URL}/topics/${env.topic}`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.kafka.json.v2+json' },
      body: JSON.stringify({ records: records.map((r) => ({ key: r.sessionId, value: r })) }),
    });
    expect(res.status).toBe(200);
    const p = await run();
    await waitFor('session ended', async () => (await endedSessions(env!.db.pool)) === 1);
    await waitFor(
      'outcomes counted',
      async () => (await p.metric('processor_messages_processed_total')) >= records.length,
    );
    expect(await p.metric('processor_messages_processed_total', { outcome: 'ok' })).toBe(records.length);
    expect(new Set(await alertIds(env.db.pool))).toEqual((await expectedOutcome(records)).alertIds);
  });
});
