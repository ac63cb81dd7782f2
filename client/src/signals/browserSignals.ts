// Browser integrity signals as a pure state machine: focus, fullscreen, clipboard counts and displays → events.
import type { AnomalyEvent } from '@proctor/contracts';

export interface SignalsConfig {
  /** FULLSCREEN_EXIT only when the exam requires fullscreen (policy `browserSignals.requireFullscreen`). */
  requireFullscreen: boolean;
  /** Focus lost for less than this is not reported (a permission prompt, a click on the browser's own UI). */
  minFocusLostMs: number;
  /** Clipboard counts are reported at most once per this window (and at the end). */
  clipboardWindowMs: number;
}

const SIGNALS_DEFAULTS: Omit<SignalsConfig, 'requireFullscreen'> = {
  minFocusLostMs: 1000,
  clipboardWindowMs: 30_000,
};

type ClipboardKind = 'copies' | 'cuts' | 'pastes';

export interface SignalTracker {
  /** Page visibility or window focus changed (`hidden` wins over `blurred`). */
  focus(t: number, state: { hidden: boolean; blurred: boolean }): AnomalyEvent[];
  fullscreen(t: number, isFullscreen: boolean): AnomalyEvent[];
  clipboard(t: number, kind: ClipboardKind): AnomalyEvent[];
  /** `screen.isExtended` as read now (undefined where the browser cannot tell). */
  displays(t: number, isExtended: boolean | undefined): AnomalyEvent[];
  /** Session end: closes an open focus loss or fullscreen exit and reports pending clipboard counts. */
  close(t: number): AnomalyEvent[];
}

const dur = (ms: number) => Math.min(3_600_000, Math.max(0, Math.round(ms)));

export function createSignalTracker(
  config: Partial<SignalsConfig> & Pick<SignalsConfig, 'requireFullscreen'>,
  newId: () => string = () => crypto.randomUUID(),
): SignalTracker {
  const c: SignalsConfig = { ...SIGNALS_DEFAULTS, ...config };
  let lost: { since: number; cause: 'HIDDEN' | 'BLUR' } | undefined;
  let wasFullscreen = false;
  let exitedAt: number | undefined;
  let clip: { since: number; copies: number; cuts: number; pastes: number } | undefined;
  let extendedReported = false;
  const ev = (t: number, e: Pick<AnomalyEvent, 'type' | 'details'>) =>
    ({ eventId: newId(), timestamp: Math.round(t), confidence: 1, ...e }) as AnomalyEvent;

  const endFocus = (t: number): AnomalyEvent[] => {
    if (!lost) return [];
    const { since, cause } = lost;
    lost = undefined;
    return t - since < c.minFocusLostMs
      ? []
      : [ev(since, { type: 'FOCUS_LOST', details: { durationMillis: dur(t - since), cause } })];
  };
  const endFullscreen = (t: number): AnomalyEvent[] => {
    if (exitedAt === undefined) return [];
    const since = exitedAt;
    exitedAt = undefined;
    return [ev(since, { type: 'FULLSCREEN_EXIT', details: { durationMillis: dur(t - since) } })];
  };
  const flushClipboard = (t: number): AnomalyEvent[] => {
    if (!clip) return [];
    const { since, copies, cuts, pastes } = clip;
    clip = undefined;
    return [ev(since, { type: 'CLIPBOARD', details: { durationMillis: dur(t - since), copies, cuts, pastes } })];
  };

  return {
    focus(t, { hidden, blurred }) {
      if (!hidden && !blurred) return endFocus(t);
      if (!lost) lost = { since: t, cause: hidden ? 'HIDDEN' : 'BLUR' };
      else if (hidden) lost.cause = 'HIDDEN'; // a blur that became a tab switch is reported as hidden
      return [];
    },
    fullscreen(t, isFullscreen) {
      if (!c.requireFullscreen) return [];
      if (isFullscreen) {
        wasFullscreen = true;
        return endFullscreen(t);
      }
      // Only a real exit counts: the exam page asks for fullscreen with a button (browsers need a user gesture).
      if (wasFullscreen && exitedAt === undefined) exitedAt = t;
      return [];
    },
    clipboard(t, kind) {
      const out = clip && t - clip.since >= c.clipboardWindowMs ? flushClipboard(t) : [];
      clip ??= { since: t, copies: 0, cuts: 0, pastes: 0 };
      clip[kind]++;
      return out;
    },
    displays(t, isExtended) {
      if (isExtended !== true) {
        extendedReported = false; // unplugged: a later second display is reported again
        return [];
      }
      if (extendedReported) return [];
      extendedReported = true;
      return [ev(t, { type: 'SECOND_DISPLAY', details: { source: 'SCREEN_IS_EXTENDED' } })];
    },
    close(t) {
      return [...endFocus(t), ...endFullscreen(t), ...flushClipboard(t)];
    },
  };
}
