// Runs the MediaPipe face detector (tfjs runtime) on one frame and returns every face with its score.

import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
// The tfjs detector alone: the package's ESM entry also imports @mediapipe/face_detection, a classic script
// with no ES exports that bundlers refuse (and the mediapipe runtime is never used here).
import { MediaPipeFaceDetectorTfjs } from '@tensorflow-models/face-detection/dist/tfjs/detector.js';
import type { FaceDetection } from '../derive/types.ts';

export type ModelType = 'short' | 'full';
/** Which detectors run on each frame: one model, or both with their detections merged. */
export type ModelChoice = ModelType | 'short+full';

/** Faces overlapping more than this (intersection over union) are one face seen by two models. */
const MERGE_IOU = 0.3;
/** NMS inside each model keeps at most this many faces; MULTI_PERSON only needs to count a few. */
const MAX_FACES = 8;

export interface FaceEngine {
  detect(image: tf.Tensor3D | ImageData): Promise<FaceDetection[]>;
  dispose(): void;
}

/**
 * Wraps loaded graph models. `detectFaces` (the lower-level call) is used instead of `estimateFaces`
 * because only it returns each face's score, which MULTI_PERSON thresholds on.
 */
export function createFaceEngine(models: Partial<Record<ModelType, GraphModel>>): FaceEngine {
  const detectors = (Object.entries(models) as Array<[ModelType, GraphModel]>).map(
    ([type, model]) => new MediaPipeFaceDetectorTfjs(type, model, MAX_FACES),
  );
  if (detectors.length === 0) throw new Error('createFaceEngine needs at least one model');
  return {
    async detect(image) {
      const perModel: FaceDetection[][] = [];
      for (const detector of detectors) {
        const raw = await detector.detectFaces(image as never, false);
        perModel.push(raw.map(toFaceDetection));
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

export function iou(a: FaceDetection['box'], b: FaceDetection['box']): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}
