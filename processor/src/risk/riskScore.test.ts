import { describe, expect, it } from 'vitest';
import {
  addAlert,
  decayTo,
  emptyRisk,
  RISK_HALF_LIFE_MS,
  riskContributions,
  riskScore,
  shouldSnapshot,
} from './riskScore.ts';

const t = 1_767_225_600_000;

describe('risk score', () => {
  it.each([
    { severity: 'low', points: 10 },
    { severity: 'medium', points: 25 },
    { severity: 'high', points: 45 },
    { severity: 'critical', points: 70 },
  ] as const)('adds SEVERITY_POINTS for $severity', ({ severity, points }) => {
    expect(riskScore(addAlert(emptyRisk(), 'look_away', severity, t))).toBe(points);
  });

  it.each([
    { after: 0, score: 70 },
    { after: RISK_HALF_LIFE_MS, score: 35 },
    { after: 2 * RISK_HALF_LIFE_MS, score: 17.5 },
  ])('halves every half-life ($after ms → $score)', ({ after, score }) => {
    expect(riskScore(decayTo(addAlert(emptyRisk(), 'multi_person', 'critical', t), t + after))).toBe(score);
  });

  it('caps at 100 and explains per rule, largest first', () => {
    let r = addAlert(emptyRisk(), 'multi_person', 'critical', t);
    r = addAlert(r, 'look_away', 'high', t);
    expect(riskScore(r)).toBe(100);
    expect(riskContributions(r)).toEqual([
      { rule: 'multi_person', points: 70 },
      { rule: 'look_away', points: 45 },
    ]);
  });

  it('adds an out-of-order (older) alert already decayed, and never decays backwards', () => {
    const r = addAlert(decayTo(emptyRisk(), t + RISK_HALF_LIFE_MS), 'no_face', 'high', t);
    expect(r.points.no_face).toBeCloseTo(22.5);
    expect(decayTo(r, t)).toBe(r);
  });

  it.each([
    { last: undefined, bucket: 0, score: 0, forced: false, want: true },
    { last: { bucketStart: 0, score: 10 }, bucket: 0, score: 14, forced: false, want: false },
    { last: { bucketStart: 0, score: 10 }, bucket: 0, score: 15, forced: false, want: true },
    { last: { bucketStart: 0, score: 10 }, bucket: 60_000, score: 10, forced: false, want: true },
    { last: { bucketStart: 0, score: 10 }, bucket: 0, score: 10, forced: true, want: true },
  ])('snapshots on a new bucket, a significant change or when forced (%#)', ({ last, bucket, score, forced, want }) => {
    expect(shouldSnapshot(last, bucket, score, forced)).toBe(want);
  });
});
