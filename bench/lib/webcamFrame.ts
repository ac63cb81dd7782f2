// What a webcam and the client do to a frame before the detector sees it, as pure pixel maths shared by the
// detector benches: room light and the sensor noise of a raised gain, RGB to the canvas's RGBA, the client's
// downscale to its analysis size, and whether a detected box holds a known face.
import type { FaceDetection } from '@proctor/client';

/** A seeded uniform generator in (0, 1) (mulberry32): the same noise on every run. */
export function seededUniform(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4_294_967_297;
  };
}

/** Standard normal samples from a uniform generator (Box–Muller). */
export const gaussian = (uniform: () => number) => () =>
  Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

/**
 * The room's light: every RGB channel times `f` (f < 1 a dimmer room, f > 1 over-exposure, clipped at 255), plus
 * Gaussian noise of σ `sigma` levels drawn from `noise`.
 */
export function expose(rgb: Uint8Array, f: number, sigma: number, noise: () => number): Uint8Array {
  return rgb.map((v) => Math.max(0, Math.min(255, Math.round(v * f + (sigma ? sigma * noise() : 0)))));
}

/**
 * Sensor noise (σ in levels at the camera's 640×480) for a room `f` times as bright as a well-lit one: the camera
 * holds the picture up by raising its gain as the light falls, which amplifies read noise by the same factor.
 * None at full light; 4 at ×0.5; about 11 at ×0.12 (about half of that after the client's 2× downscale).
 */
export const sensorNoise = (f: number) => (f >= 1 ? 0 : 4 * Math.sqrt(1 / f - 1));

/** Raw RGB to the RGBA layout of a canvas's ImageData, opaque. */
export function toRgba(rgb: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i]!;
    out[j + 1] = rgb[i + 1]!;
    out[j + 2] = rgb[i + 2]!;
    out[j + 3] = 255;
  }
  return out;
}

/**
 * Raw RGB `width`×`height` to half that size by averaging each 2×2 block: what the client's bilinear drawImage does
 * when it draws a 640×480 camera frame at its 320×240 analysis size (each output pixel centre falls between four).
 */
export function halve(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const at = (dy: number, dx: number) => rgb[((2 * y + dy) * width + 2 * x + dx) * 3 + c]!;
        out[(y * w + x) * 3 + c] = Math.round((at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4);
      }
    }
  }
  return out;
}

/** Whether a detected box holds a known face centre, with a quarter box of slack (hand-placed centres). */
export function contains(face: FaceDetection, p: { x: number; y: number }): boolean {
  const { x, y, width, height } = face.box;
  return p.x >= x - 0.25 * width && p.x <= x + 1.25 * width && p.y >= y - 0.25 * height && p.y <= y + 1.25 * height;
}
