// Rules for the on-device checks: identity continuity, browser signals and the LOW_LIGHT condition.
import type { AlertRule, AnomalyEventOf, OnDeviceEventType, Severity } from '@proctor/contracts';
import { applyBucketRule, ordinal, percent } from './bucketRule.ts';
import { seconds } from './ruleWindow.ts';
import { emptyBuckets, type OnDeviceState, type RuleResult } from './types.ts';

type OnDeviceEvent = AnomalyEventOf<OnDeviceEventType>;

interface Verdict {
  rule: AlertRule;
  severity: (nth: number) => Severity;
  explain: (nth: number) => string;
  durationMillis?: number;
}

function verdict(event: OnDeviceEvent): Verdict {
  switch (event.type) {
    case 'IDENTITY_CHANGED': {
      const { similarity, threshold, durationMillis } = event.details;
      return {
        rule: 'identity_changed',
        // Another person taking over is the gravest on-device finding; a repeat is critical.
        severity: (nth) => (nth >= 2 ? 'critical' : 'high'),
        explain: (nth) =>
          `the face in view matched the calibrated candidate at ${percent(Math.max(0, similarity))} similarity ` +
          `(below ${percent(threshold)}) for ${seconds(durationMillis)}; ${ordinal(nth)} time this session`,
        durationMillis,
      };
    }
    case 'FOCUS_LOST': {
      const { durationMillis, cause } = event.details;
      return {
        rule: 'focus_lost',
        // A glance at a notification is common; long or repeated absences from the page matter more.
        severity: (nth) => (durationMillis >= 30_000 || nth >= 3 ? 'medium' : 'low'),
        explain: (nth) =>
          `exam page ${cause === 'HIDDEN' ? 'hidden' : 'not focused'} for ${seconds(durationMillis)}; ` +
          `${ordinal(nth)} time this session`,
        durationMillis,
      };
    }
    case 'FULLSCREEN_EXIT': {
      const { durationMillis } = event.details;
      return {
        rule: 'fullscreen_exit',
        severity: (nth) => (nth >= 3 ? 'high' : 'medium'),
        explain: (nth) =>
          `left the required fullscreen for ${seconds(durationMillis)}; ${ordinal(nth)} time this session`,
        durationMillis,
      };
    }
    case 'SECOND_DISPLAY':
      return {
        rule: 'second_display',
        severity: () => 'medium',
        explain: () => 'the browser reports a second display (screen.isExtended)',
      };
    case 'CLIPBOARD': {
      const { copies, cuts, pastes, durationMillis } = event.details;
      return {
        rule: 'clipboard',
        severity: () => (pastes > 0 ? 'medium' : 'low'),
        explain: () =>
          `clipboard used on the exam page: ${copies} copy, ${cuts} cut, ${pastes} paste in ` +
          `${seconds(durationMillis)} (counts only, no content)`,
        durationMillis,
      };
    }
    case 'LOW_LIGHT': {
      const { durationMillis, meanLuma } = event.details;
      return {
        rule: 'low_light',
        // A condition: CONDITION_RULES gives it no risk points whatever the severity.
        severity: () => 'low',
        explain: () =>
          `condition, not misconduct: the room was too dark for reliable detection for ${seconds(durationMillis)} ` +
          `(mean luma ${Math.round(meanLuma)})`,
        durationMillis,
      };
    }
  }
}

/** One alert per rule per bucket, like the camera rules; each on-device rule keeps its own buckets. */
export function onDeviceRule(state: OnDeviceState, event: OnDeviceEvent): RuleResult<OnDeviceState> {
  const v = verdict(event);
  const r = applyBucketRule(
    state[v.rule] ?? emptyBuckets(),
    { ...event, ...(v.durationMillis === undefined ? {} : { durationMillis: v.durationMillis }) },
    v.rule,
    v.severity,
    v.explain,
  );
  return { state: r.alerts.length ? { ...state, [v.rule]: r.state } : state, alerts: r.alerts };
}
