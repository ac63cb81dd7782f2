import { EXAM_CONFIG_DEFAULTS, resolveExamConfig } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import {
  connectionLostRecord,
  endedRecord,
  eventRecord,
  heartbeatRecord,
  lookAway,
  startedRecord,
  T0,
} from '../../test/events.ts';
import { applyRecord, type SessionState } from './applyRecord.ts';

function run(records: Parameters<typeof applyRecord>[1][]) {
  let state: SessionState | undefined;
  const alerts = [];
  for (const r of records) {
    const out = applyRecord(state, r);
    state = out.state;
    alerts.push(...out.alerts);
  }
  return { state: state!, alerts };
}

describe('session record reducer', () => {
  it('falls back to contracts defaults when the start record was not seen', () => {
    const { state, alerts } = run([eventRecord(lookAway(0, 3)), eventRecord(lookAway(10, 3))]);
    expect(state.configFromStart).toBe(false);
    expect(state.config).toEqual(EXAM_CONFIG_DEFAULTS);
    expect(alerts).toHaveLength(1);
  });

  it('applies the accommodations carried by session_started', () => {
    const accommodated = resolveExamConfig({}, { reason: 'medical', overrides: { maxLookAwaySeconds: 10 } });
    const { state, alerts } = run([
      startedRecord(accommodated),
      eventRecord(lookAway(0, 3)),
      eventRecord(lookAway(10, 3)),
    ]);
    expect(state.config.maxLookAwaySeconds).toBe(10);
    expect(alerts).toHaveLength(0);
  });

  it('scores alerts into risk and records the end', () => {
    const { state } = run([
      startedRecord(),
      eventRecord(lookAway(0, 3)),
      eventRecord(lookAway(10, 3)),
      endedRecord(60),
    ]);
    expect(state.risk.points.look_away).toBeCloseTo(25, 0);
    expect(state.endedAt).toBe(T0 + 60_000);
    expect(state.lastSeenAt).toBe(T0 + 60_000);
  });

  it('scores each connection-lost deadline into risk once and keeps lastSeenAt', () => {
    const { state } = run([eventRecord(lookAway(0, 1))]);
    // The event arrived at T0 + 0.5 s: its deadline is 45 s (3 × 15 s) later.
    const once = applyRecord(state, connectionLostRecord(46));
    expect(once.alerts.map((a) => [a.rule, a.windowBucket])).toEqual([['connection_lost', T0 + 46_000]]);
    expect(once.state.risk.points.connection_lost).toBe(25);
    expect(once.state.lastSeenAt).toBe(state.lastSeenAt);
    const repeat = applyRecord(once.state, connectionLostRecord(46));
    expect(repeat.state).toBe(once.state);
    expect(repeat.alerts.map((a) => a.windowBucket)).toEqual([T0 + 46_000]); // same id: an idempotent upsert
    expect(applyRecord(once.state, connectionLostRecord(47)).state.risk.points.connection_lost).toBeGreaterThan(49);
  });

  it('takes a heartbeat as a sign of life, and drops a lapse counted before a record it applied since', () => {
    const { state } = run([eventRecord(lookAway(0, 1))]);
    const beat = applyRecord(state, heartbeatRecord(30));
    expect(beat).toMatchObject({ alerts: [], reason: 'heartbeat' });
    expect(beat.state.lastSeenAt).toBe(T0 + 30_000);
    // The sweep counted the deadline from the event (T0 + 45.5 s); the heartbeat ahead of its record moved it.
    const lapse = applyRecord(beat.state, connectionLostRecord(46));
    expect(lapse).toMatchObject({ alerts: [], reason: 'connection_lost_superseded' });
    expect(applyRecord(beat.state, connectionLostRecord(76)).reason).toBe('alerted');
  });
});
