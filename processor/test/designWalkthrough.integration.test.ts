// The specification's own walkthrough through every real part (edge in workerd, Kafka, the processor, MariaDB):
// the example batch as written (dates moved to now) and the same batch in the other accepted forms each end in an
// explained multi-person alert whose evidence is the event the client named, exactly once.

import {
  type Candidate,
  candidate,
  WALKTHROUGH_START,
  WALKTHROUGH_VARIANTS,
  walkthroughVariant,
} from '@proctor/testkit/edge';
import { waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { writePathPerFile } from './writePath.ts';

const w = writePathPerFile(3);

interface AlertRow {
  rule: string;
  severity: string;
  explanation: string;
  evidence: { eventId: string; timestamp: number; confidence: number }[];
}

async function alertsOf(sessionId: string): Promise<AlertRow[]> {
  const [rows] = await w.env.db.pool.query(
    'SELECT rule, severity, explanation, evidence FROM alerts WHERE session_id = ? ORDER BY rule',
    [sessionId],
  );
  // mysql2 returns a JSON column parsed on MySQL and as text on MariaDB.
  return (rows as (Omit<AlertRow, 'evidence'> & { evidence: string | AlertRow['evidence'] })[]).map((r) => ({
    ...r,
    evidence: typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence,
  }));
}

describe('the design walkthrough, end to end', () => {
  const sessions: { variant: string; c: Candidate; batch: ReturnType<typeof walkthroughVariant> }[] = [];

  it('accepts the walkthrough batch in every form: as written, epoch ms, offsets with fractions, UUIDs', async () => {
    for (const variant of WALKTHROUGH_VARIANTS) {
      const c = await candidate(w.edge.url);
      const start = await c.callRetrying('/sessions/start', WALKTHROUGH_START);
      expect(start.status).toBe(201);
      const batch = walkthroughVariant(variant, c.sessionId);
      const reply = await c.callRetrying('/events/batch', batch.body);
      expect({ variant, status: reply.status, json: reply.json }).toEqual({
        variant,
        status: 200,
        json: { accepted: 2, duplicates: 0, rejected: [] },
      });
      sessions.push({ variant, c, batch });
    }
  }, 120_000);

  it('turns each MULTI_PERSON {} into one explained alert in MySQL, with the event as sent as evidence', async () => {
    expect(sessions).toHaveLength(WALKTHROUGH_VARIANTS.length);
    for (const { variant, c, batch } of sessions) {
      const rows = await waitFor(`the ${variant} alert`, async () => {
        const r = await alertsOf(c.sessionId);
        return r.length > 0 && r;
      });
      // The 2 s look-away stays under the walkthrough's 5 s limit: only the multi-person sighting alerts.
      expect(rows.map((r) => [r.rule, r.severity])).toEqual([['multi_person', 'high']]);
      expect(rows[0]!.explanation).toBe(
        '2 or more people at 99% confidence (minimum 80%); 1st multi-person alert this session',
      );
      expect(rows[0]!.evidence).toEqual([{ eventId: batch.eventIds[1], timestamp: batch.times[1], confidence: 0.99 }]);
    }
    expect(await w.processor.metric('processor_messages_dead_lettered_total')).toBe(0);
  }, 90_000);

  it('dedupes a retry of the free-form ids at the edge, and the alert stays one', async () => {
    const { c, batch } = sessions[0]!;
    const retry = await c.callRetrying('/events/batch', batch.body);
    expect(retry.json).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    // Another MULTI_PERSON two minutes earlier is the session's second alert: the first was not raised twice.
    const later = JSON.parse(batch.body);
    later.events = [{ ...later.events[1], eventId: 'evt-3', timestamp: batch.times[1] - 120_000 }];
    expect((await c.callRetrying('/events/batch', later)).json).toMatchObject({ accepted: 1 });
    const rows = await waitFor('the second alert', async () => {
      const r = await alertsOf(c.sessionId);
      return r.length === 2 && r;
    });
    expect(rows.map((r) => [r.severity, r.evidence[0]!.eventId]).sort()).toEqual([
      ['critical', 'evt-3'],
      ['high', 'evt-2'],
    ]);
  }, 90_000);
});
