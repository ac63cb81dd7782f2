// When the full-range model runs under 'short+full', and which of its faces stand in on the frames it skips.
import type { FaceDetection } from '../derive/types.ts';

/**
 * Full-range on every `every`-th frame (and whenever its last run is older than `maxCarryMs`), short-range on
 * every frame. `every: 1` runs both models on every frame. See client/MODEL_CHOICE.md.
 */
export interface FullRangeSchedule {
  every: number;
  maxCarryMs: number;
}

/** Default: every 3rd frame, the cheapest MAX_EVERY allows: 0.63–0.67× the CPU of every frame (MODEL_CHOICE.md). */
export const FULL_RANGE_EVERY = 3;
/**
 * At most the deriver's default `multiPersonFrames` (3): then any 3 consecutive frames include a fresh full-range
 * frame, so a stale carried face alone can never confirm MULTI_PERSON.
 */
const MAX_EVERY = 3;

/** The schedule for a frame rate: carried faces live one full-range period plus half a frame, no longer. */
export function fullRangeSchedule(every: number, fps: number): FullRangeSchedule {
  if (!Number.isInteger(every) || every < 1 || every > MAX_EVERY)
    throw new RangeError(`fullRangeEvery must be an integer from 1 to ${MAX_EVERY}, got ${every}`);
  const frameMs = 1000 / fps;
  return { every, maxCarryMs: every * frameMs + frameMs / 2 };
}

/**
 * A carried full-range face is dropped when a fresh face overlaps it by more than this (intersection over
 * union): that is the same person, seen now. Lower than the merge's 0.3 so a candidate who moved up to ~80% of a
 * face width since the full-range frame is not kept as a stale second face; people side by side overlap ~0.
 */
const CARRY_DROP_IOU = 0.1;

export interface FullRangeScheduler {
  /**
   * Whether the full-range model should run on the frame at `t` (call once per frame, before `faces`). `want`, when
   * given, decides instead of the schedule (the frame loop's steady pace, scenePace.ts).
   */
  due(t: number, want?: boolean): boolean;
  /**
   * This frame's faces to merge: the fresh short-range ones, plus either the fresh full-range ones (`full` given:
   * they become the carried set) or the carried full-range faces no fresh face overlaps, if not expired.
   */
  faces(t: number, short: FaceDetection[], full: FaceDetection[] | undefined): FaceDetection[];
}

export function createFullRangeScheduler(s: FullRangeSchedule): FullRangeScheduler {
  let lastFull: { t: number; faces: FaceDetection[] } | undefined;
  let sinceFull = Number.POSITIVE_INFINITY; // frames since the last full-range run

  return {
    due(t, want) {
      // Time as well as frames: when frames are skipped under load, the carried faces would outlive their period.
      const due = want ?? (sinceFull >= s.every || !lastFull || t - lastFull.t >= s.maxCarryMs || t < lastFull.t);
      sinceFull = due ? 1 : sinceFull + 1;
      return due;
    },
    faces(t, short, full) {
      if (full) {
        lastFull = { t, faces: full };
        return [...short, ...full];
      }
      if (!lastFull || t - lastFull.t > s.maxCarryMs) return short;
      // The candidate's keypoints (head pose) come from the fresh short-range face; only faces short-range does
      // not see now (a second person further back, beside the candidate) persist, so the count does not flicker.
      // A fresh face that a carried one overlaps keeps the higher score: on a full-range frame the merge would have
      // kept the full-range face's score for that person, so a static scene counts the same on every frame.
      const fresh = short.map((f) => {
        const seen = lastFull!.faces.filter((c) => iou(f.box, c.box) > CARRY_DROP_IOU && c.score > f.score);
        return seen.length ? { ...f, score: Math.max(...seen.map((c) => c.score)) } : f;
      });
      const carried = lastFull.faces.filter((c) => short.every((f) => iou(f.box, c.box) <= CARRY_DROP_IOU));
      return [...fresh, ...carried];
    },
  };
}

export function iou(a: FaceDetection['box'], b: FaceDetection['box']): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}
