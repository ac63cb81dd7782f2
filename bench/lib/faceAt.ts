// Runs a face engine on one raw RGB frame and returns the best-scored face at a known position: the detector
// benches' one question per frame, "was this face found, and how sure was the detector".
import type { FaceDetection } from '@proctor/client';
import type { FaceEngine } from '@proctor/client/detector/faceEngine';
import * as tf from '@tensorflow/tfjs-core';
import { contains } from './webcamFrame.ts';

/** Every face `engine` finds in the `width`×`height` RGB frame (`t`: the frame's time, for a scheduled engine). */
export async function detectRgb(
  engine: FaceEngine,
  rgb: Uint8Array,
  width: number,
  height: number,
  t?: number,
): Promise<FaceDetection[]> {
  const input = tf.tensor3d(rgb, [height, width, 3], 'int32');
  try {
    return await engine.detect(input, t);
  } finally {
    input.dispose();
  }
}

/** The best-scored of `faces` that holds the face centred at `at` (normalized), if any. */
export const faceAt = (faces: FaceDetection[], at: { x: number; y: number }) =>
  faces.filter((f) => contains(f, at)).sort((a, b) => b.score - a.score)[0];
