// Shapes the pure rules share: the per-session rule state and the alert a rule proposes.
import type { AlertRule, Evidence, Severity } from '@proctor/contracts';

/** One event with a duration, as a sliding window keeps it (event time, epoch ms). */
export interface Interval {
  eventId: string;
  start: number;
  durationMs: number;
  confidence: number;
  /** NO_FACE in a dim room: the room's mean luma the client reported (the alert names the light condition). */
  meanLuma?: number;
}

/** A sliding window's memory: recent intervals sorted by start, and the end of the last window that alerted. */
export interface WindowState {
  entries: Interval[];
  /** Windows that alert must start at or after this, so one stretch of behaviour raises one alert. */
  alertedUntil: number;
}

/** Recently alerted time buckets of a bucketed rule: a repeat in the same bucket adds no second alert. */
export interface BucketState {
  buckets: number[];
  /** Alerts this rule raised in the session (drives escalation). */
  count: number;
}

export interface RuleState {
  lookAway: WindowState;
  noFace: WindowState;
  multiPerson: BucketState;
  cameraBlocked: BucketState;
  cameraLost: BucketState;
  /** The on-device rules (identity, browser signals, low light), by rule; absent until one alerts. */
  onDevice: OnDeviceState;
  /** Latest event time seen; windows prune relative to it. */
  maxEventTs: number;
}

/** An alert a rule raised; the pipeline derives its id from (sessionId, rule, windowBucket). */
export interface AlertDraft {
  rule: AlertRule;
  severity: Severity;
  windowStart: number;
  windowEnd: number;
  windowBucket: number;
  evidence: Evidence[];
  confidence: number;
  explanation: string;
}

export type OnDeviceState = Partial<Record<AlertRule, BucketState>>;

export interface RuleResult<S> {
  state: S;
  alerts: AlertDraft[];
}

const emptyWindow = (): WindowState => ({ entries: [], alertedUntil: 0 });
export const emptyBuckets = (): BucketState => ({ buckets: [], count: 0 });
export const emptyRuleState = (): RuleState => ({
  lookAway: emptyWindow(),
  noFace: emptyWindow(),
  multiPerson: emptyBuckets(),
  cameraBlocked: emptyBuckets(),
  cameraLost: emptyBuckets(),
  onDevice: {},
  maxEventTs: 0,
});

/**
 * How late (event time behind the newest event seen) an event may arrive and still meet every interval it
 * could share a window with. Older events are still applied, against whatever the window still holds.
 */
export const ALLOWED_LATENESS_MS = 120_000;
/**
 * A window keeps at most this many intervals (the newest): bounds Redis memory per session (two full windows
 * encode to about 0.8 KB). Intervals that ended inside an alerted window are dropped first: they cannot count again.
 */
export const MAX_WINDOW_ENTRIES = 8;
/** Bucketed rules (multi-person, camera) raise at most one alert per rule per bucket of this length. */
export const ALERT_BUCKET_MS = 60_000;
/** How many alerted buckets a bucketed rule remembers, so out-of-order repeats are still recognised. */
export const REMEMBERED_BUCKETS = 4;
