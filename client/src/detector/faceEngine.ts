// Runs the MediaPipe face detector (tfjs runtime) on one frame and returns every face with its score.

import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
// The tfjs detector alone: the package's ESM entry also imports @mediapipe/face_detection, a classic script
// with no ES exports that bundlers refuse (and the mediapipe runtime is never used here).
import { MediaPipeFaceDetectorTfjs } from '@tensorflow-models/face-detection/dist/tfjs/detector.js';
import type { FaceDetection } from '../derive/types.ts';
import { createFullRangeScheduler, type FullRangeSchedule, iou } from './fullRangeSchedule.ts';
import type { FrameDue } from './scenePace.ts';

export type ModelType = 'short' | 'full';
/**
 * Which detectors run on each frame: one model; both with their detections merged ('short+full'); or the
 * full-range model on every frame and the short-range one only on frames where full-range finds no face
 * ('full>short'). The default is 'short+full' with full-range on every 3rd frame: see client/MODEL_CHOICE.md.
 */
export type ModelChoice = ModelType | 'short+full' | 'full>short';

/** The models a choice needs, in the order they run. */
export function modelTypes(choice: ModelChoice): ModelType[] {
  if (choice === 'short+full') return ['short', 'full'];
  if (choice === 'full>short') return ['full', 'short'];
  return [choice];
}

/** Faces overlapping more than this (intersection over union) are one face seen by two models. */
const MERGE_IOU = 0.3;
/** NMS inside each model keeps at most this many faces; MULTI_PERSON only needs to count a few. */
const MAX_FACES = 8;

export interface FaceEngine {
  /**
   * `t`: the frame's time in ms (for 'short+full' with a schedule: when carried faces expire). Under a schedule,
   * `due.fullRange` overrides it for this frame (FullRangeScheduler.due).
   */
  detect(image: tf.Tensor3D | ImageData, t?: number, due?: FrameDue): Promise<FaceDetection[]>;
  dispose(): void;
}

/**
 * Wraps loaded graph models. `detectFaces` (the lower-level call) is used instead of `estimateFaces`
 * because only it returns each face's score, which MULTI_PERSON thresholds on. `schedule` applies to
 * 'short+full' only; absent, both models run on every frame.
 */
export function createFaceEngine(
  models: Partial<Record<ModelType, GraphModel>>,
  choice: ModelChoice = 'short+full',
  schedule?: FullRangeSchedule,
): FaceEngine {
  const detectors = modelTypes(choice).map((type) => {
    const model = models[type];
    if (!model) throw new Error(`createFaceEngine: model choice '${choice}' needs the ${type}-range model`);
    return new MediaPipeFaceDetectorTfjs(type, model, MAX_FACES);
  });
  // 'full>short': the short-range detector is a fallback, run only when full-range returns nothing. Full-range
  // drops faces under score 0.6 itself, so an empty result means "no face MULTI_PERSON would count"; the short
  // model then gets its chance at the desk-distance candidate full-range misses (a false NO_FACE otherwise).
  const fallbackOnly = choice === 'full>short';
  const scheduler =
    choice === 'short+full' && schedule && schedule.every > 1 ? createFullRangeScheduler(schedule) : undefined;
  const run = async (i: number, image: tf.Tensor3D | ImageData) =>
    (await detectors[i]!.detectFaces(image as never, false)).map(toFaceDetection);
  return {
    async detect(image, t = Date.now(), due) {
      if (scheduler) {
        const full = scheduler.due(t, due?.fullRange) ? await run(1, image) : undefined;
        // Short-range runs on every frame, steady or not: the candidate's head pose (LOOK_AWAY, the pace's own
        // steadiness) comes from its keypoints, and full-range's read the same face ~9° apart in pitch.
        return mergeDetections(scheduler.faces(t, await run(0, image), full));
      }
      const perModel: FaceDetection[][] = [];
      for (let i = 0; i < detectors.length; i++) {
        if (fallbackOnly && perModel.some((faces) => faces.length > 0)) break;
        perModel.push(await run(i, image));
      }
      return mergeDetections(perModel.flat());
    },
    dispose() {
      for (const detector of detectors) detector.dispose();
    },
  };
}

interface RawDetection {
  score?: number[];
  locationData: {
    relativeBoundingBox?: { xMin: number; yMin: number; width: number; height: number };
    relativeKeypoints?: Array<{ x: number; y: number }>;
  };
}

function toFaceDetection(d: RawDetection): FaceDetection {
  const b = d.locationData.relativeBoundingBox ?? { xMin: 0, yMin: 0, width: 0, height: 0 };
  return {
    score: d.score?.[0] ?? 0,
    box: { x: b.xMin, y: b.yMin, width: b.width, height: b.height },
    keypoints: (d.locationData.relativeKeypoints ?? []).map((k) => ({ x: k.x, y: k.y })),
  };
}

/** Greedy non-maximum suppression across models: highest score first, drop overlapping lower ones. */
export function mergeDetections(faces: FaceDetection[]): FaceDetection[] {
  const sorted = [...faces].sort((a, b) => b.score - a.score);
  const kept: FaceDetection[] = [];
  for (const face of sorted) {
    if (kept.every((k) => iou(k.box, face.box) <= MERGE_IOU)) kept.push(face);
  }
  return kept;
}
