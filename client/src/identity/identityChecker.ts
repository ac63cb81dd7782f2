// The detector side of identity continuity: embeds the one face every few seconds and compares it with the
// calibration reference. The reference and every embedding stay in this closure: only a similarity leaves it.
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../derive/types.ts';
import { cosine, cropBox, type EmbeddingModel, embedFace } from './embedding.ts';

/**
 * Once calibrated, a steady scene (the same face held still in the same place since, scenePace.ts) whose last check
 * matched is checked this many times less often: another person cannot take the seat without the face being lost or
 * moving, which ends the steady run and brings the normal interval back on that frame; and a check that does not
 * match brings it back whatever the scene.
 */
export const STEADY_INTERVAL_FACTOR = 4;

export interface IdentityCheckOptions {
  model: EmbeddingModel;
  /** Minimum time between two checks, ms (STEADY_INTERVAL_FACTOR times that in a steady scene). */
  intervalMs: number;
  /** Embeddings averaged into the reference. */
  calibrationChecks: number;
  /** Only a face at least this confident is embedded (a blurry half-face would compare badly). */
  minScore: number;
  /** A similarity at or above this matches the reference (IdentityConfig.threshold); absent, none counts as one. */
  matchThreshold?: number;
}

/** What a frame's check produced: nothing, calibration progress, or a similarity. Never an embedding. */
export type IdentityCheck = { calibrated: number } | { similarity: number };

export interface IdentityChecker {
  /** `steady`: the frame is part of a steady scene (FrameDue.steady). */
  check(image: ImageData, faces: FaceDetection[], t: number, steady?: boolean): Promise<IdentityCheck | undefined>;
  /** Forgets the reference (session end, dispose). */
  dispose(): void;
}

export function createIdentityChecker(model: GraphModel, o: IdentityCheckOptions): IdentityChecker {
  let lastCheck = Number.NEGATIVE_INFINITY;
  let sum: Float32Array | undefined;
  let n = 0;
  let reference: Float32Array | undefined;
  let matched = false;
  return {
    async check(image, faces, t, steady) {
      if (t - lastCheck < checkIntervalMs(o.intervalMs, matched, steady)) return undefined;
      const confident = faces.filter((f) => f.score >= o.minScore);
      if (confident.length !== 1) return undefined; // two faces is MULTI_PERSON's business, none is NO_FACE's
      lastCheck = t;
      const c = cropBox(confident[0]!.box, image.width, image.height);
      if (c.w < 16 || c.h < 16) return undefined;
      const crop = tf.tidy(() => tf.slice(tf.browser.fromPixels(image), [c.y, c.x, 0], [c.h, c.w, 3]) as tf.Tensor3D);
      const e = await embedFace(model, o.model, crop);
      crop.dispose();
      if (reference) {
        const similarity = cosine(reference, e);
        matched = o.matchThreshold !== undefined && similarity >= o.matchThreshold;
        return { similarity };
      }
      sum ??= new Float32Array(e.length);
      for (let i = 0; i < e.length; i++) sum[i]! += e[i]!;
      n++;
      if (n >= o.calibrationChecks) {
        const norm = Math.hypot(...sum) || 1;
        reference = sum.map((v) => v / norm);
        sum = undefined;
      }
      return { calibrated: n / o.calibrationChecks };
    },
    dispose() {
      reference?.fill(0);
      reference = undefined;
      sum = undefined;
      model.dispose();
    },
  };
}

/** The time a check waits for since the last: longer only in a steady scene whose last check matched the reference. */
export function checkIntervalMs(intervalMs: number, lastMatched: boolean, steady = false): number {
  return lastMatched && steady ? intervalMs * STEADY_INTERVAL_FACTOR : intervalMs;
}
