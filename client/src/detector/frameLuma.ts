// Brightness statistics of a frame: for CAMERA_BLOCKED (a covered lens is dark or nearly uniform), and of the room
// around the candidate for LOW_LIGHT and the preflight's light advice.
import type { FaceDetection } from '../derive/types.ts';

type Box = FaceDetection['box'];

/**
 * Mean and standard deviation of luma (BT.601, 0–255) over every `step`-th pixel of both axes of RGBA data,
 * leaving out pixels inside any of `exclude` (normalized boxes); the whole frame if they leave nothing.
 */
export function frameLuma(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  step = 4,
  exclude: Box[] = [],
): { mean: number; stdDev: number } {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  const px = exclude.map((b) => ({
    x0: b.x * width,
    x1: (b.x + b.width) * width,
    y0: b.y * height,
    y1: (b.y + b.height) * height,
  }));
  for (let y = 0; y < height; y += step) {
    const rows = px.filter((b) => y >= b.y0 && y < b.y1);
    for (let x = 0; x < width; x += step) {
      if (rows.some((b) => x >= b.x0 && x < b.x1)) continue;
      const i = (y * width + x) * 4;
      const luma = 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
      sum += luma;
      sumSq += luma * luma;
      n++;
    }
  }
  if (n === 0) return exclude.length ? frameLuma(rgba, width, height, step) : { mean: 0, stdDev: 0 };
  const mean = sum / n;
  return { mean, stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

/**
 * The room's light: luma of the frame outside each detected face, grown by half its size on every side to leave
 * out hair and neck too. Skin and hair are darker or lighter from person to person; the light advice
 * must depend on the room, or a darker face in the same room would be told to turn on a light more often.
 */
export function roomLuma(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  faces: FaceDetection[],
): { mean: number; stdDev: number } {
  const heads = faces.map(({ box: b }) => ({
    x: b.x - b.width / 2,
    y: b.y - b.height / 2,
    width: 2 * b.width,
    height: 2 * b.height,
  }));
  return frameLuma(rgba, width, height, 4, heads);
}
