import { describe, expect, it } from 'vitest';
import { compareToControl, faultsTable, RISK_TOLERANCE, type SessionOutcome, type Tally } from './compare.ts';

const session = (risk: number, alerts: Record<string, number> = {}, status = 'ended'): SessionOutcome => ({
  status,
  risk,
  alerts: new Map(Object.entries(alerts)),
});
const tally = (sessions: [number, SessionOutcome][], over: Partial<Tally> = {}): Tally => ({
  accepted: 10,
  inKafka: 10,
  kafkaRepeats: 0,
  applied: 10,
  unapplied: [],
  deadLettered: 0,
  sessions: new Map(sessions),
  ...over,
});

const control = tally([
  [0, session(0)],
  [1, session(25, { look_away: 1 })],
  [2, session(25, { connection_lost: 1 }, 'active')],
]);

describe('compareToControl', () => {
  it('passes a run equal to the control, within the risk tolerance', () => {
    const run = tally([
      [0, session(0)],
      [1, session(25 - RISK_TOLERANCE / 2, { look_away: 1 })],
      [2, session(25, { connection_lost: 1 }, 'active')],
    ]);
    expect(compareToControl(control, run, 10)).toEqual({
      duplicateAlerts: 0,
      missingAlerts: 0,
      riskMaxDiff: RISK_TOLERANCE / 2,
      problems: [],
    });
  });

  it('counts a doubled alert as a duplicate and its risk as a difference', () => {
    const run = tally([
      [0, session(0)],
      [1, session(50, { look_away: 2 })],
      [2, session(25, { connection_lost: 1 }, 'active')],
    ]);
    const v = compareToControl(control, run, 10);
    expect(v.duplicateAlerts).toBe(1);
    expect(v.missingAlerts).toBe(0);
    expect(v.riskMaxDiff).toBe(25);
    expect(v.problems).toHaveLength(2);
  });

  it('reports lost events, unapplied events, lost alerts, a wrong status and a missing session', () => {
    const run = tally(
      [
        [0, session(0, {}, 'active')],
        [1, session(0)],
      ],
      { accepted: 9, inKafka: 8, applied: 7, unapplied: ['lookAway #1 event at 0:3, committed 4, state at 0:2'] },
    );
    const v = compareToControl(control, run, 10);
    expect(v.missingAlerts).toBe(1);
    expect(v.problems).toEqual([
      'accepted 9 of 10 planned events',
      '1 accepted events not in Kafka',
      '2 accepted events not applied (lookAway #1 event at 0:3, committed 4, state at 0:2)',
      'session #0 is active, control ended',
      'session #1 risk 0, control 25',
      'session #1: 0 look_away alerts, control 1',
      'session #2 missing in MySQL',
    ]);
  });
});

describe('faultsTable', () => {
  it('prints one aligned row per case, with the recovery in seconds and the first problem of a failure', () => {
    const text = faultsTable([
      {
        case: 'control',
        accepted: 120,
        applied: 120,
        duplicates: 0,
        missing: 0,
        edge5xx: 0,
        recoveryMs: undefined,
        kafkaRepeats: 0,
        note: '',
        ok: true,
      },
      {
        case: 'MySQL stopped 30 s',
        accepted: 120,
        applied: 119,
        duplicates: 0,
        missing: 0,
        edge5xx: 0,
        recoveryMs: 4321,
        kafkaRepeats: 1,
        note: '1 accepted events not applied',
        ok: false,
      },
    ]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toContain('| –');
    expect(lines[3]).toContain('4.3 s');
    expect(lines[3]).toContain('FAILED: 1 accepted events not applied');
  });
});
