import { describe, expect, it } from 'vitest';
import { createSignalTracker } from './browserSignals.ts';

const T = 1_767_225_600_000;
const tracker = (requireFullscreen = true) => {
  let n = 0;
  return createSignalTracker({ requireFullscreen }, () => `id-${n++}`);
};

describe('browser signal tracker', () => {
  it('focus lost is reported when it ends, with duration; a blur that became hidden is HIDDEN', () => {
    const t = tracker();
    expect(t.focus(T, { hidden: false, blurred: true })).toEqual([]);
    expect(t.focus(T + 500, { hidden: true, blurred: true })).toEqual([]);
    const [e] = t.focus(T + 4000, { hidden: false, blurred: false });
    expect(e).toMatchObject({ type: 'FOCUS_LOST', timestamp: T, details: { durationMillis: 4000, cause: 'HIDDEN' } });
  });

  it('a focus flicker under a second is not an event', () => {
    const t = tracker();
    t.focus(T, { hidden: false, blurred: true });
    expect(t.focus(T + 300, { hidden: false, blurred: false })).toEqual([]);
  });

  it('fullscreen exit counts only after fullscreen, and only when required', () => {
    const t = tracker();
    expect(t.fullscreen(T, false)).toEqual([]); // never entered: nothing to exit
    t.fullscreen(T + 1, true);
    t.fullscreen(T + 1000, false);
    expect(t.fullscreen(T + 3000, true)).toMatchObject([
      { type: 'FULLSCREEN_EXIT', details: { durationMillis: 2000 } },
    ]);
    const off = tracker(false);
    off.fullscreen(T, true);
    off.fullscreen(T + 1, false);
    expect(off.close(T + 5000)).toEqual([]);
  });

  it('clipboard is counted per window, never content', () => {
    const t = tracker();
    t.clipboard(T, 'copies');
    t.clipboard(T + 1000, 'pastes');
    t.clipboard(T + 2000, 'pastes');
    const [e] = t.clipboard(T + 31_000, 'cuts');
    expect(e).toMatchObject({ type: 'CLIPBOARD', details: { copies: 1, cuts: 0, pastes: 2, durationMillis: 31_000 } });
    expect(t.close(T + 40_000)).toMatchObject([{ type: 'CLIPBOARD', details: { cuts: 1, copies: 0 } }]);
  });

  it('a second display is reported once while it stays, again after it was unplugged', () => {
    const t = tracker();
    expect(t.displays(T, undefined)).toEqual([]);
    expect(t.displays(T, true)).toHaveLength(1);
    expect(t.displays(T + 1, true)).toEqual([]);
    t.displays(T + 2, false);
    expect(t.displays(T + 3, true)).toHaveLength(1);
  });

  it('close ends an open focus loss and fullscreen exit', () => {
    const t = tracker();
    t.fullscreen(T, true);
    t.fullscreen(T + 10, false);
    t.focus(T + 10, { hidden: true, blurred: false });
    expect(t.close(T + 5010).map((e) => e.type)).toEqual(['FOCUS_LOST', 'FULLSCREEN_EXIT']);
  });
});
