// The full-range schedule: when full-range runs, which of its faces carry over, and what MULTI_PERSON sees.
import { describe, expect, it } from 'vitest';
import { createEventDeriver } from '../derive/eventDeriver.ts';
import type { FaceDetection } from '../derive/types.ts';
import { mergeDetections } from './faceEngine.ts';
import { createFullRangeScheduler, fullRangeSchedule } from './fullRangeSchedule.ts';

const face = (x: number, y: number, w: number, score = 0.9): FaceDetection => ({
  score,
  box: { x, y, width: w, height: w },
  keypoints: [{ x: x + w / 2, y: y + w / 2 }],
});
const candidate = face(0.3, 0.3, 0.4);
const behind = face(0.8, 0.05, 0.1, 0.8); // small, top right: only full-range sees it
const FRAME_MS = 500;

/** Frames at 2 fps through a scheduler; `short`/`full` say what each model would see at frame i. */
function runFrames(
  every: number,
  n: number,
  short: (i: number) => FaceDetection[],
  full: (i: number) => FaceDetection[],
) {
  const scheduler = createFullRangeScheduler(fullRangeSchedule(every, 2));
  const ran: boolean[] = [];
  const frames = Array.from({ length: n }, (_, i) => {
    const t = 1_000_000 + i * FRAME_MS;
    const due = scheduler.due(t);
    ran.push(due);
    return { t, faces: mergeDetections(scheduler.faces(t, short(i), due ? full(i) : undefined)) };
  });
  return { frames, ran };
}

describe('fullRangeSchedule', () => {
  it('runs full-range on every n-th frame', () => {
    expect(
      runFrames(
        2,
        6,
        () => [],
        () => [],
      ).ran,
    ).toEqual([true, false, true, false, true, false]);
    expect(
      runFrames(
        3,
        6,
        () => [],
        () => [],
      ).ran,
    ).toEqual([true, false, false, true, false, false]);
    expect(
      runFrames(
        1,
        3,
        () => [],
        () => [],
      ).ran,
    ).toEqual([true, true, true]);
  });

  it('runs full-range early when frames were skipped past the carry limit', () => {
    const scheduler = createFullRangeScheduler(fullRangeSchedule(3, 2)); // carry limit 1750 ms
    expect(scheduler.due(0)).toBe(true);
    expect(scheduler.due(2000)).toBe(true); // only one frame later, but 2 s old
  });

  it("runs full-range when the frame loop's pace asks for it, and skips it when told to", () => {
    const scheduler = createFullRangeScheduler(fullRangeSchedule(3, 2));
    expect(scheduler.due(0)).toBe(true);
    expect(scheduler.due(500, true)).toBe(true); // the schedule would skip it
    expect(scheduler.due(3000, false)).toBe(false); // the schedule would run it: 2.5 s since the last
    expect(scheduler.due(3500)).toBe(true); // and with no word from the pace, the schedule decides again
  });

  it('refuses a period that would let a carried face confirm MULTI_PERSON alone', () => {
    expect(() => fullRangeSchedule(4, 2)).toThrow(RangeError);
    expect(() => fullRangeSchedule(1.5, 2)).toThrow(RangeError);
    expect(fullRangeSchedule(2, 2)).toEqual({ every: 2, maxCarryMs: 1250 });
  });

  it('keeps a second person seen only by full-range across skipped frames', () => {
    const { frames } = runFrames(
      2,
      6,
      () => [candidate],
      () => [candidate, behind],
    );
    expect(frames.map((f) => f.faces.length)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it("takes the candidate's face (keypoints) from the fresh short-range detection, not the carried one", () => {
    const moved = face(0.35, 0.32, 0.4); // the candidate moved a little since the full-range frame
    const scheduler = createFullRangeScheduler(fullRangeSchedule(2, 2));
    scheduler.due(0);
    scheduler.faces(0, [candidate], [candidate, behind]);
    expect(scheduler.due(500)).toBe(false);
    const faces = scheduler.faces(500, [moved], undefined);
    expect(faces).toEqual([moved, behind]);
  });

  it('a fresh face keeps the carried score of the same person when full-range was surer', () => {
    const scheduler = createFullRangeScheduler(fullRangeSchedule(2, 2));
    scheduler.faces(0, [face(0.3, 0.3, 0.4, 0.55)], [candidate]); // short 0.55, full 0.9: the merge counts 0.9
    const [fresh] = scheduler.faces(500, [face(0.31, 0.3, 0.4, 0.55)], undefined);
    expect(fresh).toMatchObject({ score: 0.9, box: { x: 0.31 } });
  });

  it('drops carried faces older than the carry limit', () => {
    const scheduler = createFullRangeScheduler({ every: 2, maxCarryMs: 1250 });
    scheduler.faces(0, [candidate], [candidate, behind]);
    expect(scheduler.faces(1000, [candidate], undefined)).toEqual([candidate, behind]);
    expect(scheduler.faces(1300, [candidate], undefined)).toEqual([candidate]);
  });

  it('a person who left is gone at the next full-range frame', () => {
    const { frames } = runFrames(
      2,
      6,
      () => [candidate],
      (i) => (i < 2 ? [candidate, behind] : [candidate]),
    );
    expect(frames.map((f) => f.faces.length)).toEqual([2, 2, 1, 1, 1, 1]);
  });
});

describe('fullRangeSchedule with the event deriver', () => {
  const multiPersonEvents = (frames: { t: number; faces: FaceDetection[] }[]) => {
    let n = 0;
    const deriver = createEventDeriver({}, () => `id-${++n}`);
    return frames
      .flatMap((f) => deriver.observe({ ...f, luma: { mean: 120, stdDev: 40 } }))
      .filter((e) => e.type === 'MULTI_PERSON');
  };

  it('MULTI_PERSON is confirmed for a person behind the candidate that only full-range sees', () => {
    const { frames } = runFrames(
      2,
      8,
      () => [candidate],
      () => [candidate, behind],
    );
    expect(multiPersonEvents(frames)).toHaveLength(1);
    // Without the carry (short alone on skipped frames) the count flickers 2,1,2,1 and the hysteresis never confirms.
    const flicker = frames.map((f, i) => (i % 2 === 0 ? f : { ...f, faces: [candidate] }));
    expect(multiPersonEvents(flicker)).toHaveLength(0);
  });

  it('a stale carried copy of a fast-moving candidate never confirms MULTI_PERSON on its own', () => {
    // The candidate jumps across the frame every frame: the carried box overlaps no fresh one.
    const at = (i: number) => [face(i % 2 === 0 ? 0.05 : 0.55, 0.3, 0.4)];
    for (const every of [2, 3]) {
      const { frames } = runFrames(every, 12, at, at);
      expect(frames.some((f) => f.faces.length === 2)).toBe(true);
      expect(multiPersonEvents(frames)).toHaveLength(0);
    }
  });
});
