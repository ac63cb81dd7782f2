// The scene's pace: when the loop slows, what brings it back at once, full-range's cadence, and the slow bound.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { DERIVE_DEFAULTS } from '../derive/config.ts';
import { createEventDeriver } from '../derive/eventDeriver.ts';
import type { FaceDetection, FrameObservation } from '../derive/types.ts';
import { createScenePace, type FrameDue, slowIntervalMs } from './scenePace.ts';

const FPS = 2;
const TICK_MS = 500;
/** A frontal face: ears either side of the nose, so the head pose reads about 0°. */
const face = (x = 0.3, y = 0.3, w = 0.4, score = 0.9): FaceDetection => ({
  score,
  box: { x, y, width: w, height: w },
  keypoints: [
    { x: x + 0.3 * w, y: y + 0.4 * w },
    { x: x + 0.7 * w, y: y + 0.4 * w },
    { x: x + 0.5 * w, y: y + 0.55 * w },
    { x: x + 0.5 * w, y: y + 0.75 * w },
    { x: x + 0.05 * w, y: y + 0.5 * w },
    { x: x + 0.95 * w, y: y + 0.5 * w },
  ],
});
const lit = { luma: { mean: 120, stdDev: 40 }, roomLuma: { mean: 120 } };
type Scene = Omit<FrameObservation, 't'>;
const one: Scene = { faces: [face()], ...lit };

/** Ticks at the full rate for `ms`, feeding each analysed frame what `scene(t)` shows; returns what was analysed. */
function run(scene: (t: number) => Scene, ms: number, pace = createScenePace(DERIVE_DEFAULTS, FPS), from = 0) {
  const analysed: Array<{ t: number; due: FrameDue; steady: boolean }> = [];
  for (let t = from; t < from + ms; t += TICK_MS) {
    const due = pace.tick(t);
    if (!due) continue;
    pace.observe({ t, width: 320, height: 240, ...scene(t) });
    analysed.push({ t, due, steady: pace.steady });
  }
  return { analysed, pace };
}

describe('scenePace', () => {
  it('one steady face: full rate for 3 s, then one frame a second', () => {
    const { analysed } = run(() => one, 10_000);
    const times = analysed.map((a) => a.t);
    expect(times.filter((t) => t < 3000)).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(times.filter((t) => t >= 3000)).toEqual([3500, 4500, 5500, 6500, 7500, 8500, 9500]);
  });

  it('small movements keep it slow', () => {
    const jitter = (t: number): Scene => ({ ...one, faces: [face(0.3 + ((t / 500) % 2) * 0.03, 0.3, 0.41)] });
    const { analysed } = run(jitter, 10_000);
    expect(analysed.filter((a) => a.t >= 3000)).toHaveLength(7);
  });

  const changes: Array<[string, Scene]> = [
    ['the face is lost', { ...one, faces: [] }],
    ['a second face', { ...one, faces: [face(), face(0.8, 0.05, 0.1, 0.7)] }],
    ['a large move', { ...one, faces: [face(0.5, 0.3)] }],
    ['closer to the camera', { ...one, faces: [face(0.25, 0.25, 0.55)] }],
    ['the light drops', { ...one, roomLuma: { mean: 80 } }],
    ['the room goes dim', { faces: [face()], luma: { mean: 50, stdDev: 30 }, roomLuma: { mean: 50 } }],
    ['the camera is covered', { faces: [], luma: { mean: 5, stdDev: 2 }, roomLuma: { mean: 5 } }],
  ];
  for (const [what, changed] of changes) {
    it(`${what}: the full rate from the next tick, slow again only after 3 steady s`, () => {
      const { pace } = run(() => one, 6000);
      expect(pace.steady).toBe(true);
      // The change lands at 6600 ms, between slow frames: the next slow frame (7500) sees it.
      const { analysed } = run((t) => (t >= 6600 ? changed : one), 4000, pace, 6000);
      expect(analysed.map((a) => a.t)).toEqual([6500, 7500, 8000, 8500, 9000, 9500]);
      expect(analysed.at(-1)?.due).toEqual({});
    });
  }

  it('a head turned halfway to LOOK_AWAY brings the full rate back', () => {
    const turned = face();
    turned.keypoints[2] = { x: 0.3 + 0.4 * 0.7, y: 0.3 + 0.55 * 0.4 }; // nose toward the left ear: yaw ~24°
    const { pace } = run(() => one, 6000);
    const { analysed } = run((t) => (t >= 6600 ? { ...one, faces: [turned] } : one), 2500, pace, 6000);
    expect(analysed.map((a) => a.t)).toEqual([6500, 7500, 8000]);
  });

  it('a steady frame tells the detector it is steady (lean); rate-only paces the rate and cadence alone', () => {
    const lean = run(() => one, 6000).analysed;
    expect(lean.filter((a) => a.t < 3000).every((a) => a.due.steady === undefined)).toBe(true);
    expect(lean.filter((a) => a.t >= 3000).every((a) => a.due.steady === true)).toBe(true);
    const rateOnly = run(() => one, 6000, createScenePace(DERIVE_DEFAULTS, FPS, false)).analysed;
    expect(rateOnly.map((a) => a.t)).toEqual(lean.map((a) => a.t));
    expect(rateOnly.map((a) => a.due.fullRange)).toEqual(lean.map((a) => a.due.fullRange));
    expect(rateOnly.every((a) => a.due.steady === undefined)).toBe(true);
  });

  it('in steady state full-range runs on every 3rd frame, and the detector decides outside it', () => {
    const { analysed } = run(() => one, 12_000);
    expect(analysed.filter((a) => a.t < 3000).every((a) => a.due.fullRange === undefined)).toBe(true);
    expect(analysed.filter((a) => a.t >= 3000).map((a) => a.due.fullRange)).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
  });
});

describe('the slow interval', () => {
  it('is 1000 ms at 2 fps: half the shortest minimum duration later at most, never beyond it', () => {
    expect(slowIntervalMs(DERIVE_DEFAULTS, 2)).toBe(1000);
    const shortest = Math.min(DERIVE_DEFAULTS.lookAwayMinMs, DERIVE_DEFAULTS.noFaceMinMs);
    expect(slowIntervalMs(DERIVE_DEFAULTS, 2) - 500).toBeLessThanOrEqual(shortest / 2);
  });

  it('follows the minimum durations and never slows a loop already at the bound', () => {
    expect(slowIntervalMs({ ...DERIVE_DEFAULTS, lookAwayMinMs: 600 }, 2)).toBe(600);
    expect(slowIntervalMs({ ...DERIVE_DEFAULTS, lookAwayMinMs: 1400, multiPersonFrames: 5 }, 2)).toBe(1200);
    expect(slowIntervalMs(DERIVE_DEFAULTS, 1)).toBe(1000);
    expect(slowIntervalMs(DERIVE_DEFAULTS, 0.5)).toBe(2000);
    expect(slowIntervalMs(DERIVE_DEFAULTS, 4)).toBe(500); // MULTI_PERSON's 3 frames span 500 ms at 4 fps
  });

  it('NO_FACE, LOOK_AWAY and MULTI_PERSON are confirmed at most half a shortest duration later than at the full rate', () => {
    const changed: Array<[string, Scene]> = [
      ['NO_FACE', { ...one, faces: [] }],
      ['MULTI_PERSON', { ...one, faces: [face(), face(0.8, 0.05, 0.15, 0.8)] }],
      ['LOOK_AWAY', { ...one, faces: [{ ...face(), keypoints: face().keypoints.with(2, { x: 0.38, y: 0.52 }) }] }],
    ];
    for (const [type, scene] of changed) {
      // The change at every phase between two slow frames: confirmed no later than the full rate's + 500 ms.
      for (const at of [6001, 6250, 6499, 6750, 6999]) {
        const confirmedAt = (paced: boolean) => {
          let n = 0;
          let confirmed = Number.POSITIVE_INFINITY;
          const deriver = createEventDeriver({}, () => `id-${++n}`, 4 / 3, {
            onAnomalyBegin: (b) => {
              if (b.type === type) confirmed = Math.min(confirmed, b.t);
            },
          });
          const pace = createScenePace(DERIVE_DEFAULTS, FPS);
          for (let t = 0; t < 20_000; t += TICK_MS) {
            if (paced && !pace.tick(t)) continue;
            const frame = { t, width: 320, height: 240, ...(t >= at ? scene : one) };
            pace.observe(frame);
            deriver.observe(frame);
          }
          return confirmed;
        };
        expect(confirmedAt(false), `${type} at ${at}`).toBeLessThan(Number.POSITIVE_INFINITY);
        expect(confirmedAt(true) - confirmedAt(false), `${type} at ${at}`).toBeLessThanOrEqual(500);
      }
    }
  });
});

describe('the recorded traces (client/fixtures) through the pace', () => {
  const traces = ['steady-real', 'steady-model', 'look-away-3s', 'two-faces', 'flicker', 'no-face-then-blocked'];
  const events = (frames: FrameObservation[], aspect: number) => {
    let n = 0;
    const deriver = createEventDeriver({}, () => `id-${++n}`, aspect);
    const out: AnomalyEvent[] = frames.flatMap((f) => deriver.observe(f));
    return [...out, ...deriver.close(frames.at(-1)!.t + 500)];
  };
  for (const name of traces) {
    it(`${name}: the same events as at the full rate, starting at most 500 ms later`, () => {
      const trace = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', `${name}.json`), 'utf8'),
      ) as { aspect: number; frames: FrameObservation[] };
      const pace = createScenePace(DERIVE_DEFAULTS, FPS);
      const paced = trace.frames.filter((f) => {
        if (!pace.tick(f.t)) return false;
        pace.observe({ ...f, width: 320 * trace.aspect, height: 320 });
        return true;
      });
      const full = events(trace.frames, trace.aspect);
      const slow = events(paced, trace.aspect);
      expect(slow.map((e) => e.type)).toEqual(full.map((e) => e.type));
      for (const [i, e] of slow.entries()) {
        expect(e.timestamp - full[i]!.timestamp).toBeGreaterThanOrEqual(0);
        expect(e.timestamp - full[i]!.timestamp).toBeLessThanOrEqual(500);
      }
      if (name.startsWith('steady')) expect(paced.length).toBeLessThan(trace.frames.length * 0.75);
    });
  }
});
