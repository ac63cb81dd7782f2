// Camera: CAMERA_BLOCKED and CAMERA_LOST each alert once per bucket; a revoked permission is the most severe.
import type { AnomalyEventOf, Severity } from '@proctor/contracts';
import { applyBucketRule, ordinal } from './bucketRule.ts';
import { seconds } from './ruleWindow.ts';
import type { BucketState, RuleResult } from './types.ts';

export function cameraBlockedRule(
  state: BucketState,
  event: AnomalyEventOf<'CAMERA_BLOCKED'>,
): RuleResult<BucketState> {
  const { durationMillis, meanLuma } = event.details;
  const luma = meanLuma === undefined ? '' : ` (mean luma ${Math.round(meanLuma)})`;
  const length = durationMillis === undefined ? ' (length not reported)' : ` for ${seconds(durationMillis)}`;
  return applyBucketRule(
    state,
    { ...event, ...(durationMillis === undefined ? {} : { durationMillis }) },
    'camera_blocked',
    (nth) => (nth >= 3 ? 'critical' : 'high'),
    (nth) => `camera blocked${length}${luma}; ${ordinal(nth)} time this session`,
  );
}

/**
 * A revoked permission is deliberate: high, critical on repeat. A track ending, a device error or no reason given
 * starts medium: only a reported revocation is treated as deliberate.
 */
function cameraLostSeverity(reason: AnomalyEventOf<'CAMERA_LOST'>['details']['reason'], nth: number): Severity {
  if (reason === 'PERMISSION_REVOKED') return nth >= 2 ? 'critical' : 'high';
  return nth >= 3 ? 'high' : 'medium';
}

export function cameraLostRule(state: BucketState, event: AnomalyEventOf<'CAMERA_LOST'>): RuleResult<BucketState> {
  const { reason } = event.details;
  return applyBucketRule(
    state,
    event,
    'camera_lost',
    (nth) => cameraLostSeverity(reason, nth),
    (nth) =>
      `camera lost (${reason ? reason.toLowerCase().replaceAll('_', ' ') : 'reason not given'}); ${ordinal(nth)} time this session`,
  );
}
