// The preflight verdict: each problem is named with its fix, and a good setup passes.
import { describe, expect, it } from 'vitest';
import type { FaceDetection, FrameObservation } from '../derive/types.ts';
import { assessSetup, PREFLIGHT_DEFAULTS, PREFLIGHT_MESSAGES } from './assessSetup.ts';

const face = (score: number, width: number, x = 0.35): FaceDetection => ({
  score,
  box: { x, y: 0.25, width, height: width * 1.33 },
  keypoints: [],
});
const frames = (n: number, mean: number, faces: FaceDetection[]): FrameObservation[] =>
  Array.from({ length: n }, (_, i) => ({ t: i * 500, faces, luma: { mean, stdDev: 40 } }));
const problems = (fs: FrameObservation[]) =>
  Object.fromEntries(assessSetup(fs).checks.map((c) => [c.name, c.problem ?? 'ok']));

describe('assessSetup', () => {
  it('a lit, centred, clearly seen face passes', () => {
    const r = assessSetup(frames(6, 110, [face(0.92, 0.3)]));
    expect(r.state).toBe('pass');
    expect(r.checks.map((c) => c.message)).toEqual([
      PREFLIGHT_MESSAGES.light,
      PREFLIGHT_MESSAGES.faceSize,
      PREFLIGHT_MESSAGES.confidence,
    ]);
  });

  it('is measuring until the window is full', () => {
    expect(assessSetup(frames(PREFLIGHT_DEFAULTS.frames - 1, 110, [face(0.92, 0.3)])).state).toBe('measuring');
    expect(assessSetup([]).state).toBe('measuring');
  });

  it('a dim room says turn on a light; a covered lens says uncover it; glare says too bright', () => {
    expect(problems(frames(6, 40, [face(0.9, 0.3)]))).toEqual({ light: 'too-dark', faceSize: 'ok', confidence: 'ok' });
    expect(problems(frames(6, 10, []))).toMatchObject({ light: 'covered', faceSize: 'no-face' });
    expect(problems(frames(6, 240, [face(0.9, 0.3)])).light).toBe('too-bright');
    const dark = assessSetup(frames(6, 40, [face(0.9, 0.3)]));
    expect(dark.state).toBe('fix');
    expect(dark.checks[0]!.message).toMatch(/Too dark: turn on a light/);
  });

  it('a small face says move closer, a huge one move back', () => {
    const small = assessSetup(frames(6, 110, [face(0.9, 0.06)]));
    expect(small.checks[1]).toMatchObject({ problem: 'too-small', value: 0.06 });
    expect(small.checks[1]!.message).toMatch(/too small: move closer/);
    expect(problems(frames(6, 110, [face(0.9, 0.8, 0.1)])).faceSize).toBe('too-close');
  });

  it('a face the detector is unsure of asks for a clearer view; no face says sit in front', () => {
    expect(problems(frames(6, 110, [face(0.6, 0.3)]))).toEqual({
      light: 'ok',
      faceSize: 'ok',
      confidence: 'low-confidence',
    });
    expect(problems(frames(6, 110, []))).toEqual({ light: 'ok', faceSize: 'no-face', confidence: 'no-face' });
  });

  it('two people in most frames: only you in view', () => {
    expect(problems(frames(6, 110, [face(0.9, 0.3), face(0.8, 0.2, 0.7)])).faceSize).toBe('several-faces');
  });

  it('takes medians: one bad frame in six does not fail the check', () => {
    const fs = frames(6, 110, [face(0.9, 0.3)]);
    fs[2] = { ...fs[2]!, faces: [], luma: { mean: 20, stdDev: 5 } };
    expect(assessSetup(fs).state).toBe('pass');
  });
});

describe('assessSetup: the room, not the face', () => {
  const light = (mean: number, room: number) =>
    assessSetup(frames(6, mean, [face(0.95, 0.3)]).map((f) => ({ ...f, roomLuma: { mean: room } }))).checks[0]!;

  it('judges darkness by the room around the face: a dark face in a lit room is told the light is good', () => {
    expect(light(PREFLIGHT_DEFAULTS.minMeanLuma - 10, PREFLIGHT_DEFAULTS.minMeanLuma + 10)).toMatchObject({ ok: true });
    expect(light(PREFLIGHT_DEFAULTS.minMeanLuma + 10, PREFLIGHT_DEFAULTS.minMeanLuma - 10)).toMatchObject({
      problem: 'too-dark',
    });
  });

  it('judges glare by the whole picture: a pale wall behind a well-lit face is not too bright', () => {
    expect(light(PREFLIGHT_DEFAULTS.maxMeanLuma - 20, PREFLIGHT_DEFAULTS.maxMeanLuma + 20)).toMatchObject({ ok: true });
  });
});
