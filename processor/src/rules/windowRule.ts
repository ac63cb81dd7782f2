// The shared shape of the two duration rules (look-away, no-face): add the interval, alert on a window over limit.
import type { AlertRule, ExamConfig, Severity } from '@proctor/contracts';
import { evidenceOf, findWindowOverLimit, insertInterval, seconds, weightedConfidence } from './ruleWindow.ts';
import type { Interval, RuleResult, WindowState } from './types.ts';

interface WindowRuleSpec {
  rule: AlertRule;
  windowMs: number;
  limitMs: number;
  /** Words for the explanation: "looking away", "no face visible". */
  what: string;
  severity: (totalMs: number, limitMs: number) => Severity;
  /** Also alert when one interval alone is longer than the limit, even if the window clips it. */
  singleIntervalCounts: boolean;
}

/** The interval a duration event occupies in event time. */
export const intervalOf = (event: {
  eventId: string;
  timestamp: number;
  confidence: number;
  details: { durationMillis: number; meanLuma?: number };
}): Interval => ({
  eventId: event.eventId,
  start: event.timestamp,
  durationMs: event.details.durationMillis,
  confidence: event.confidence,
  ...(event.details.meanLuma !== undefined && { meanLuma: event.details.meanLuma }),
});

/**
 * The light condition behind a window's stretches, if the client reported one: a face missed in a dim room is a
 * condition for the candidate to fix, so the proctor must read it beside the time, never the time alone.
 */
function lightCondition(members: Interval[]): string {
  const dim = members.filter((m) => m.meanLuma !== undefined);
  if (dim.length === 0) return '';
  const luma = Math.round(Math.min(...dim.map((m) => m.meanLuma!)));
  return `; low light on the candidate's camera in ${dim.length} of ${members.length} stretches (mean luma down to ${luma}): a condition to fix, not evidence`;
}

function applyWindowRule(
  state: WindowState,
  item: Interval,
  newestTs: number,
  spec: WindowRuleSpec,
): RuleResult<WindowState> {
  const next = insertInterval(state, item, spec.windowMs, newestTs);
  if (next === state) return { state, alerts: [] }; // the same event again: nothing new to count
  let hit = findWindowOverLimit(next, item, spec.windowMs, spec.limitMs);
  if (!hit && spec.singleIntervalCounts && item.durationMs > spec.limitMs && item.start >= next.alertedUntil) {
    hit = { start: item.start, end: item.start + item.durationMs, totalMs: item.durationMs, members: [item] };
  }
  if (!hit) return { state: next, alerts: [] };
  const alert = {
    rule: spec.rule,
    severity: spec.severity(hit.totalMs, spec.limitMs),
    windowStart: hit.start,
    windowEnd: hit.end,
    windowBucket: Math.floor(hit.start / spec.windowMs),
    evidence: evidenceOf(hit.members),
    confidence: weightedConfidence(hit.members),
    explanation:
      `${seconds(hit.totalMs)} ${spec.what} within ${seconds(hit.end - hit.start)} ` +
      `(limit ${seconds(spec.limitMs)} in ${seconds(spec.windowMs)})${lightCondition(hit.members)}`,
  };
  return { state: { ...next, alertedUntil: Math.max(next.alertedUntil, hit.end) }, alerts: [alert] };
}

/** Twice the limit or more is high, otherwise medium. */
const doubledIsHigh = (totalMs: number, limitMs: number): Severity => (totalMs >= 2 * limitMs ? 'high' : 'medium');

/**
 * A duration rule (look-away, no-face): the event's interval through applyWindowRule, its window and limit read in
 * seconds from the exam config, twice the limit or more high.
 */
export function durationRule(spec: {
  rule: AlertRule;
  what: string;
  seconds: (config: ExamConfig) => { window: number; limit: number };
  singleIntervalCounts: boolean;
}) {
  return (
    state: WindowState,
    event: Parameters<typeof intervalOf>[0],
    config: ExamConfig,
    newestTs: number,
  ): RuleResult<WindowState> => {
    const { window, limit } = spec.seconds(config);
    return applyWindowRule(state, intervalOf(event), newestTs, {
      rule: spec.rule,
      windowMs: window * 1000,
      limitMs: limit * 1000,
      what: spec.what,
      severity: doubledIsHigh,
      singleIntervalCounts: spec.singleIntervalCounts,
    });
  };
}
