// The detector side of identity continuity: embeds the one face every few seconds and compares it with the
// calibration reference. The reference and every embedding stay in this closure: only a similarity leaves it.
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { FaceDetection } from '../derive/types.ts';
import { cosine, cropBox, type EmbeddingModel, embedFace } from './embedding.ts';

export interface IdentityCheckOptions {
  model: EmbeddingModel;
  /** Minimum time between two checks, ms. */
  intervalMs: number;
  /** Embeddings averaged into the reference. */
  calibrationChecks: number;
  /** Only a face at least this confident is embedded (a blurry half-face would compare badly). */
  minScore: number;
}

/** What a frame's check produced: nothing, calibration progress, or a similarity. Never an embedding. */
export type IdentityCheck = { calibrated: number } | { similarity: number };

export interface IdentityChecker {
  check(image: ImageData, faces: FaceDetection[], t: number): Promise<IdentityCheck | undefined>;
  /** Forgets the reference (session end, dispose). */
  dispose(): void;
}

export function createIdentityChecker(model: GraphModel, o: IdentityCheckOptions): IdentityChecker {
  let lastCheck = Number.NEGATIVE_INFINITY;
  let sum: Float32Array | undefined;
  let n = 0;
  let reference: Float32Array | undefined;
  return {
    async check(image, faces, t) {
      if (t - lastCheck < o.intervalMs) return undefined;
      const confident = faces.filter((f) => f.score >= o.minScore);
      if (confident.length !== 1) return undefined; // two faces is MULTI_PERSON's business, none is NO_FACE's
      lastCheck = t;
      const c = cropBox(confident[0]!.box, image.width, image.height);
      if (c.w < 16 || c.h < 16) return undefined;
      const crop = tf.tidy(() => tf.slice(tf.browser.fromPixels(image), [c.y, c.x, 0], [c.h, c.w, 3]) as tf.Tensor3D);
      const e = await embedFace(model, o.model, crop);
      crop.dispose();
      if (reference) return { similarity: cosine(reference, e) };
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
