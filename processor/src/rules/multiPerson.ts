// Multi-person: a MULTI_PERSON event at or above multiPersonMinConfidence alerts; repeats escalate to critical.
import type { AnomalyEventOf, ExamConfig, Severity } from '@proctor/contracts';
import { applyBucketRule, ordinal, percent } from './bucketRule.ts';
import type { BucketState, RuleResult } from './types.ts';

/**
 * The first alert is high; a second one in the session, or three or more faces, is critical. Without a faceCount
 * (the event only says "more than one") it counts as two: the least the event claims.
 */
function multiPersonSeverity(nth: number, faceCount: number | undefined): Severity {
  return nth >= 2 || (faceCount ?? 2) >= 3 ? 'critical' : 'high';
}

/** "3 faces", or "2 or more people" when the client did not count them. */
const peopleSeen = (faceCount: number | undefined) =>
  faceCount === undefined ? '2 or more people' : `${faceCount} faces`;

export function multiPersonRule(
  state: BucketState,
  event: AnomalyEventOf<'MULTI_PERSON'>,
  config: ExamConfig,
): RuleResult<BucketState> {
  if (event.confidence < config.multiPersonMinConfidence) return { state, alerts: [] };
  const { faceCount, durationMillis, meanLuma } = event.details;
  // Faces counted in a dim room: the detector that finds people further back is least reliable there (docs/fairness.md).
  const light =
    meanLuma === undefined
      ? ''
      : `; low light on the candidate's camera (mean luma ${Math.round(meanLuma)}): a condition to fix, read the faces with care`;
  return applyBucketRule(
    state,
    { ...event, ...(durationMillis === undefined ? {} : { durationMillis }) },
    'multi_person',
    (nth) => multiPersonSeverity(nth, faceCount),
    (nth) =>
      `${peopleSeen(faceCount)} at ${percent(event.confidence)} confidence (minimum ${percent(config.multiPersonMinConfidence)}); ` +
      `${ordinal(nth)} multi-person alert this session${light}`,
  );
}
