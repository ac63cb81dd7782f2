// Erasure holds against every real part: once a candidate is erased, their still-valid exam token cannot start the
// session again (SESSION_ERASED), and the session's records still in Kafka bring back no row.
import { EXAM_CONFIG_DEFAULTS, type ProctorRecord } from '@proctor/contracts';
import { candidate, noFaceEvent } from '@proctor/testkit/edge';
import { produceRecords, waitFor } from '@proctor/testkit/stack';
import { expect, it } from 'vitest';
import { runPendingErasures } from '../src/lifecycle/erasure.ts';
import { writePathPerFile } from './writePath.ts';

// One partition: records produced later are applied later, so a marker session's row means the replay was consumed.
const w = writePathPerFile(1);

async function sessionRow(sessionId: string) {
  const [rows] = await w.env.db.pool.query('SELECT status FROM sessions WHERE session_id = ?', [sessionId]);
  return (rows as { status: string }[])[0];
}

it('refuses to start an erased session again and applies none of its replayed records', async () => {
  const c = await candidate(w.edge.url);
  const { sessionId } = c;
  expect((await c.callRetrying('/sessions/start')).status).toBe(201);
  const event = noFaceEvent();
  expect((await c.callRetrying('/events/batch', { sessionId, events: [event] })).status).toBe(200);
  expect((await c.callRetrying('/sessions/end', { sessionId })).status).toBe(200);
  await waitFor('the session row ended', async () => (await sessionRow(sessionId))?.status === 'ended', 60_000);

  await w.env.db.pool.query('INSERT INTO erasure_requests (tenant_id, user_id, requested_by) VALUES (?, ?, ?)', [
    c.identity.tenant_id,
    c.identity.user_id,
    'admin-1',
  ]);
  const [done] = await runPendingErasures(w.env.db.pool, w.env.redis, w.env.prefix);
  expect(done?.counts.sessions).toBe(1);
  expect(await sessionRow(sessionId)).toBeUndefined();

  // The candidate's client re-opens a session the edge lost: with the same token, it stays closed.
  const again = await c.call('/sessions/start');
  expect(again.status).toBe(410);
  expect(again.json.error.code).toBe('SESSION_ERASED');
  expect((await c.call('/events/batch', { sessionId, events: [noFaceEvent()] })).status).toBe(404);

  // Its records, delivered again (a lagging or rewound consumer), are dropped: no row, no alert.
  const base = { schemaVersion: 1 as const, tenantId: c.identity.tenant_id, sessionId };
  const now = Date.now();
  const replay: ProctorRecord[] = [
    {
      ...base,
      kind: 'session_started',
      receivedAt: now,
      session: {
        examScheduleId: c.identity.exam_schedule_id,
        userId: c.identity.user_id,
        attemptNo: c.identity.attempt_no,
        examConfig: { ...EXAM_CONFIG_DEFAULTS },
        startedAt: now,
      },
    },
    { ...base, kind: 'event', receivedAt: now, event },
  ];
  await produceRecords(w.env.producer, w.env.topic, replay);
  const marker = await candidate(w.edge.url);
  expect((await marker.callRetrying('/sessions/start')).status).toBe(201);
  await waitFor('the marker session row', async () => (await sessionRow(marker.sessionId)) !== undefined, 60_000);

  expect(await sessionRow(sessionId)).toBeUndefined();
  const [alerts] = await w.env.db.pool.query('SELECT 1 FROM alerts WHERE session_id = ?', [sessionId]);
  expect(alerts).toEqual([]);
  expect(await w.processor.metric('processor_messages_processed_total', { outcome: 'drop' })).toBeGreaterThanOrEqual(2);
}, 120_000);
