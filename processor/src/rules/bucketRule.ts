// The shared shape of the instant rules (multi-person, camera): one alert per rule per event-time bucket.
import type { AlertRule, Severity } from '@proctor/contracts';
import { ALERT_BUCKET_MS, type BucketState, REMEMBERED_BUCKETS, type RuleResult } from './types.ts';

export interface BucketEvent {
  eventId: string;
  timestamp: number;
  confidence: number;
  durationMillis?: number;
}

/**
 * Raises an alert for the event's bucket unless that bucket already alerted. `severity` sees the 1-based count
 * this alert would be, so repeats can escalate.
 */
export function applyBucketRule(
  state: BucketState,
  event: BucketEvent,
  rule: AlertRule,
  severity: (nth: number) => Severity,
  explain: (nth: number) => string,
): RuleResult<BucketState> {
  const bucket = Math.floor(event.timestamp / ALERT_BUCKET_MS);
  if (state.buckets.includes(bucket)) return { state, alerts: [] };
  // Older than every remembered bucket while the memory is full: this bucket may have alerted and been forgotten,
  // so raising it again could re-raise an existing alert with an escalated severity and add its risk twice. A
  // redelivery must never do that; a genuinely new event this late loses at most one alert.
  if (state.buckets.length >= REMEMBERED_BUCKETS && bucket < (state.buckets[0] ?? 0)) return { state, alerts: [] };
  const nth = state.count + 1;
  const buckets = [...state.buckets, bucket].sort((a, b) => a - b).slice(-REMEMBERED_BUCKETS);
  const evidence = {
    eventId: event.eventId,
    timestamp: event.timestamp,
    confidence: event.confidence,
    ...(event.durationMillis === undefined ? {} : { durationMillis: event.durationMillis }),
  };
  return {
    state: { buckets, count: nth },
    alerts: [
      {
        rule,
        severity: severity(nth),
        windowStart: bucket * ALERT_BUCKET_MS,
        windowEnd: (bucket + 1) * ALERT_BUCKET_MS,
        windowBucket: bucket,
        evidence: [evidence],
        confidence: event.confidence,
        explanation: explain(nth),
      },
    ],
  };
}

export const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
export const percent = (c: number) => `${Math.round(c * 100)}%`;
