// No face: one NO_FACE stretch, or the sum inside the no-face window, exceeds noFaceMaxSeconds.
import { durationRule } from './windowRule.ts';

export const noFaceRule = durationRule({
  rule: 'no_face',
  what: 'with no face visible',
  seconds: (c) => ({ window: c.noFaceWindowSeconds, limit: c.noFaceMaxSeconds }),
  singleIntervalCounts: true,
});
