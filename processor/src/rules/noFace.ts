// No face: one NO_FACE stretch, or the sum inside the no-face window, exceeds noFaceMaxSeconds.
import type { AnomalyEventOf, ExamConfig } from '@proctor/contracts';
import type { RuleResult, WindowState } from './types.ts';
import { applyWindowRule, doubledIsHigh, intervalOf } from './windowRule.ts';

export function noFaceRule(
  state: WindowState,
  event: AnomalyEventOf<'NO_FACE'>,
  config: ExamConfig,
  newestTs: number,
): RuleResult<WindowState> {
  return applyWindowRule(state, intervalOf(event), newestTs, {
    rule: 'no_face',
    windowMs: config.noFaceWindowSeconds * 1000,
    limitMs: config.noFaceMaxSeconds * 1000,
    what: 'with no face visible',
    severity: doubledIsHigh,
    singleIntervalCounts: true,
  });
}
