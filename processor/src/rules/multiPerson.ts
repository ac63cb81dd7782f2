// Multi-person: a MULTI_PERSON event at or above multiPersonMinConfidence alerts; repeats escalate to critical.
import type { AnomalyEventOf, ExamConfig, Severity } from '@proctor/contracts';
import { applyBucketRule, ordinal, percent } from './bucketRule.ts';
import type { BucketState, RuleResult } from './types.ts';

/** The first alert is high; a second one in the session, or three or more faces, is critical. */
export function multiPersonSeverity(nth: number, faceCount: number): Severity {
  return nth >= 2 || faceCount >= 3 ? 'critical' : 'high';
}

export function multiPersonRule(
  state: BucketState,
  event: AnomalyEventOf<'MULTI_PERSON'>,
  config: ExamConfig,
): RuleResult<BucketState> {
  if (event.confidence < config.multiPersonMinConfidence) return { state, alerts: [] };
  const { faceCount, durationMillis } = event.details;
  return applyBucketRule(
    state,
    { ...event, ...(durationMillis === undefined ? {} : { durationMillis }) },
    'multi_person',
    (nth) => multiPersonSeverity(nth, faceCount),
    (nth) =>
      `${faceCount} faces at ${percent(event.confidence)} confidence (minimum ${percent(config.multiPersonMinConfidence)}); ` +
      `${ordinal(nth)} multi-person alert this session`,
  );
}
