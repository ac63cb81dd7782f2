// Look-away: cumulative look-away time inside a sliding event-time window exceeds maxLookAwaySeconds.
import { durationRule } from './windowRule.ts';

export const lookAwayRule = durationRule({
  rule: 'look_away',
  what: 'looking away',
  seconds: (c) => ({ window: c.maxLookAwayWindowSeconds, limit: c.maxLookAwaySeconds }),
  singleIntervalCounts: false,
});
