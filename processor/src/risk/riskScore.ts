// Per-session risk: severity points per alert (contracts' SEVERITY_POINTS), decaying with a half-life, capped at 100.
import {
  type AlertRule,
  CONDITION_RULES,
  type RiskContribution,
  SEVERITY_POINTS,
  type Severity,
} from '@proctor/contracts';

/**
 * Half-life of an alert's points: 10 minutes. A critical alert (70) counts 35 after 10 min and under 9 after
 * 30 min, so a session's score tracks recent behaviour while a burst of alerts still reaches 100. Time is event
 * time (the newest event of the session), so replaying the same records gives the same scores.
 */
export const RISK_HALF_LIFE_MS = 10 * 60_000;
/** Snapshots are keyed (session, bucket_start) with buckets of one minute. */
const SNAPSHOT_BUCKET_MS = 60_000;
/** A score moving this many points since the last snapshot is written at once, inside the same bucket too. */
const SIGNIFICANT_SCORE_CHANGE = 5;

/** Decayed points per rule, as of `asOf` (event time, epoch ms). */
export interface RiskState {
  asOf: number;
  points: Partial<Record<AlertRule, number>>;
}

export const emptyRisk = (): RiskState => ({ asOf: 0, points: {} });

const factor = (dtMs: number) => 2 ** (-dtMs / RISK_HALF_LIFE_MS);

/** The state decayed forward to `t`; never backwards (an older t leaves it as it is). */
export function decayTo(state: RiskState, t: number): RiskState {
  if (t <= state.asOf) return state;
  // Nothing to decay (the common case): move the clock, share the (empty) points.
  if (state.asOf === 0 || Object.keys(state.points).length === 0) return { asOf: t, points: state.points };
  const f = factor(t - state.asOf);
  const points: RiskState['points'] = {};
  for (const [rule, p] of Object.entries(state.points) as [AlertRule, number][]) {
    const v = p * f;
    if (v >= 0.01) points[rule] = v; // forget what no longer shows at two decimals
  }
  return { asOf: t, points };
}

/**
 * Adds an alert raised at event time `at`; an out-of-order (older) alert adds its already-decayed points.
 * A condition (CONDITION_RULES, e.g. low light) adds nothing: the environment is not misconduct.
 */
export function addAlert(state: RiskState, rule: AlertRule, severity: Severity, at: number): RiskState {
  const now = decayTo(state, at);
  if (CONDITION_RULES.has(rule)) return now;
  const added = SEVERITY_POINTS[severity] * (at < now.asOf ? factor(now.asOf - at) : 1);
  return { asOf: now.asOf, points: { ...now.points, [rule]: (now.points[rule] ?? 0) + added } };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The score: the sum of decayed points, capped at 100. */
export function riskScore(state: RiskState): number {
  const sum = Object.values(state.points).reduce((s, p) => s + (p ?? 0), 0);
  return Math.min(100, round2(sum));
}

/** The explanation: each rule's decayed points, largest first (they may sum past the capped score). */
export function riskContributions(state: RiskState): RiskContribution[] {
  return (Object.entries(state.points) as [AlertRule, number][])
    .map(([rule, p]) => ({ rule, points: round2(p) }))
    .filter((c) => c.points > 0)
    .sort((a, b) => b.points - a.points || a.rule.localeCompare(b.rule));
}

export const snapshotBucket = (t: number) => Math.floor(t / SNAPSHOT_BUCKET_MS) * SNAPSHOT_BUCKET_MS;

/** Write a snapshot when the bucket moved on, the score moved significantly, or something forced it (alert, end). */
export function shouldSnapshot(
  last: { bucketStart: number; score: number } | undefined,
  bucketStart: number,
  score: number,
  forced: boolean,
): boolean {
  if (forced || !last) return true;
  return bucketStart !== last.bucketStart || Math.abs(score - last.score) >= SIGNIFICANT_SCORE_CHANGE;
}
