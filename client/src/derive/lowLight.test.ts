// LOW_LIGHT: a dim room is a reported condition, distinct from a blocked camera, with the frame's mean luma.
import { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { DERIVE_DEFAULTS } from './config.ts';
import { createEventDeriver } from './eventDeriver.ts';
import type { FrameObservation } from './types.ts';

const T = 1_767_225_600_000;
const face = { score: 0.9, box: { x: 0.3, y: 0.2, width: 0.4, height: 0.5 }, keypoints: [] };
const frames = (n: number, mean: number, from = 0): FrameObservation[] =>
  Array.from({ length: n }, (_, i) => ({ t: T + (from + i) * 500, faces: [face], luma: { mean, stdDev: 30 } }));

function run(fs: FrameObservation[]) {
  const d = createEventDeriver({}, () => crypto.randomUUID());
  const events = [...fs.flatMap((f) => d.observe(f)), ...d.close(fs.at(-1)!.t + 500)];
  for (const e of events) AnomalyEvent.parse(e);
  return events;
}

describe('LOW_LIGHT', () => {
  it('a dim room for 8 s gives one LOW_LIGHT with its luma, and no CAMERA_BLOCKED', () => {
    const events = run(frames(16, DERIVE_DEFAULTS.lowLightMeanLuma - 15));
    expect(events.map((e) => e.type)).toEqual(['LOW_LIGHT']);
    expect(events[0]!.details).toMatchObject({ durationMillis: 8000, meanLuma: DERIVE_DEFAULTS.lowLightMeanLuma - 15 });
  });

  it('a normally lit room, or a dim stretch under the minimum, gives nothing', () => {
    expect(run(frames(16, 120))).toEqual([]);
    expect(run([...frames(6, 40), ...frames(10, 120, 6)])).toEqual([]);
  });

  it('below the blocked threshold with no face it is CAMERA_BLOCKED, not LOW_LIGHT', () => {
    const covered = frames(16, DERIVE_DEFAULTS.blockedMeanLuma - 10).map((f) => ({ ...f, faces: [] }));
    expect(run(covered).map((e) => e.type)).toEqual(['CAMERA_BLOCKED']);
  });

  it('as dark as that but the candidate still detected: a dim room, LOW_LIGHT, never CAMERA_BLOCKED', () => {
    const events = run(frames(16, DERIVE_DEFAULTS.blockedMeanLuma - 10));
    expect(events.map((e) => e.type)).toEqual(['LOW_LIGHT']);
  });
});

describe('NO_FACE in a dim room', () => {
  const empty = (n: number, mean: number) => frames(n, mean).map((f) => ({ ...f, faces: [] }));

  it('carries the room’s light when it was under LOW_LIGHT’s line, even if LOW_LIGHT itself was not yet due', () => {
    const events = run(empty(8, DERIVE_DEFAULTS.lowLightMeanLuma - 20));
    expect(events.map((e) => e.type)).toEqual(['NO_FACE']);
    expect(events[0]!.details).toEqual({ durationMillis: 4000, meanLuma: DERIVE_DEFAULTS.lowLightMeanLuma - 20 });
  });

  it('says nothing of the light in a lit room', () => {
    const events = run(empty(8, 120));
    expect(events[0]!.details).toEqual({ durationMillis: 4000 });
  });
});

describe('LOW_LIGHT reads the room', () => {
  it('a dark face in a lit room is no LOW_LIGHT; a lit face in a dark room is', () => {
    const withRoom = (mean: number, room: number) => frames(16, mean).map((f) => ({ ...f, roomLuma: { mean: room } }));
    expect(run(withRoom(DERIVE_DEFAULTS.lowLightMeanLuma - 15, 120))).toEqual([]);
    expect(run(withRoom(120, DERIVE_DEFAULTS.lowLightMeanLuma - 15)).map((e) => e.type)).toEqual(['LOW_LIGHT']);
  });
});

describe('MULTI_PERSON in a dim room', () => {
  const two = (n: number, mean: number) =>
    frames(n, mean).map((f) => ({ ...f, faces: [face, { ...face, box: { ...face.box, x: 0.75, width: 0.2 } }] }));

  it('carries the room’s light when it was under LOW_LIGHT’s line', () => {
    const multi = run(two(8, DERIVE_DEFAULTS.lowLightMeanLuma - 20)).find((e) => e.type === 'MULTI_PERSON');
    expect(multi?.details).toMatchObject({ faceCount: 2, meanLuma: DERIVE_DEFAULTS.lowLightMeanLuma - 20 });
  });

  it('says nothing of the light in a lit room', () => {
    const multi = run(two(8, 120)).find((e) => e.type === 'MULTI_PERSON');
    expect(multi?.details).toMatchObject({ faceCount: 2 });
    expect(multi?.details).not.toHaveProperty('meanLuma');
  });
});
