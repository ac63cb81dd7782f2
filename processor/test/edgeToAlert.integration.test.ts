// The whole write path with every real part: a candidate's batch through the edge in workerd, the Upstash shim,
// the Kafka REST bridge, Kafka, the processor as its own process, Redis and MariaDB — ending in explained alerts.
import { randomUUID } from 'node:crypto';
import type { AnomalyEvent } from '@proctor/contracts';
import { type Candidate, candidate } from '@proctor/testkit/edge';
import { waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { writePathPerFile } from './writePath.ts';

const w = writePathPerFile(3);

const event = (type: AnomalyEvent['type'], at: number, details: object, confidence = 0.9) =>
  ({ eventId: randomUUID(), type, timestamp: at, confidence, details }) as AnomalyEvent;

interface AlertRow {
  rule: string;
  severity: string;
  status: string;
  tenant_id: string;
  session_id: string;
  evidence: string | { eventId: string }[];
  explanation: string;
}

async function alertsOf(sessionId: string): Promise<AlertRow[]> {
  const [rows] = await w.env.db.pool.query('SELECT * FROM alerts WHERE session_id = ? ORDER BY rule', [sessionId]);
  return rows as AlertRow[];
}

describe('candidate → edge → Kafka → processor → MySQL', () => {
  let c: Candidate;

  it('turns one batch of anomalies into one explained alert per rule, exactly once across a retry', async () => {
    c = await candidate(w.edge.url);
    const start = await c.callRetrying('/sessions/start', { examConfig: { noFaceMaxSeconds: 10 } });
    expect(start.status).toBe(201);

    const t0 = Date.now() - 60_000;
    const events = [
      event('LOOK_AWAY', t0, { durationMillis: 3_000, direction: 'LEFT' }),
      event('LOOK_AWAY', t0 + 10_000, { durationMillis: 3_500, direction: 'RIGHT' }),
      event('MULTI_PERSON', t0 + 20_000, { faceCount: 3 }, 0.95),
      event('NO_FACE', t0 + 30_000, { durationMillis: 12_000 }),
    ];
    const first = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ accepted: 4, duplicates: 0, rejected: [] });

    // The client retries after a lost response: the edge dedupes, and nothing downstream doubles either.
    const retry = await c.callRetrying('/events/batch', { sessionId: c.sessionId, events });
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: 4 });

    const rows = await waitFor(
      'three alerts in MySQL',
      async () => {
        const r = await alertsOf(c.sessionId);
        return r.length >= 3 && r;
      },
      60_000,
    );
    expect(rows.map((r) => r.rule)).toEqual(['look_away', 'multi_person', 'no_face']);
    for (const r of rows) {
      expect(r.tenant_id).toBe(c.identity.tenant_id);
      expect(r.status).toBe('open');
      expect(r.explanation.length).toBeGreaterThan(10);
    }
    const evidence = (r: AlertRow) =>
      (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence).map((e: { eventId: string }) => e.eventId);
    expect(evidence(rows[0]!).sort()).toEqual([events[0]!.eventId, events[1]!.eventId].sort());
    expect(evidence(rows[1]!)).toEqual([events[2]!.eventId]);
    expect(evidence(rows[2]!)).toEqual([events[3]!.eventId]);

    const [snapshots] = await w.env.db.pool.query('SELECT score FROM risk_snapshots WHERE session_id = ?', [
      c.sessionId,
    ]);
    expect((snapshots as { score: number }[]).some((s) => Number(s.score) > 0)).toBe(true);
    expect(await w.processor.metric('processor_messages_dead_lettered_total')).toBe(0);
  }, 120_000);

  it('records the session lifecycle the edge published', async () => {
    const end = await c.callRetrying('/sessions/end', { sessionId: c.sessionId });
    expect(end.status).toBe(200);
    const row = await waitFor('the session row to be ended', async () => {
      const [rows] = await w.env.db.pool.query('SELECT status, tenant_id, user_id FROM sessions WHERE session_id = ?', [
        c.sessionId,
      ]);
      const r = (rows as { status: string; tenant_id: string; user_id: string }[])[0];
      return r?.status === 'ended' && r;
    });
    expect(row).toMatchObject({ tenant_id: c.identity.tenant_id, user_id: c.identity.user_id });
    // Six records in (start, four events, end): still exactly one alert per rule.
    expect((await alertsOf(c.sessionId)).length).toBe(3);
  }, 60_000);
});
