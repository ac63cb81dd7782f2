// Look-away: cumulative look-away time inside a sliding event-time window exceeds maxLookAwaySeconds.
import type { AnomalyEventOf, ExamConfig } from '@proctor/contracts';
import type { RuleResult, WindowState } from './types.ts';
import { applyWindowRule, doubledIsHigh, intervalOf } from './windowRule.ts';

export function lookAwayRule(
  state: WindowState,
  event: AnomalyEventOf<'LOOK_AWAY'>,
  config: ExamConfig,
  newestTs: number,
): RuleResult<WindowState> {
  return applyWindowRule(state, intervalOf(event), newestTs, {
    rule: 'look_away',
    windowMs: config.maxLookAwayWindowSeconds * 1000,
    limitMs: config.maxLookAwaySeconds * 1000,
    what: 'looking away',
    severity: doubledIsHigh,
    singleIntervalCounts: false,
  });
}
