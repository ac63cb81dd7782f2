// Brightness statistics of a frame, for CAMERA_BLOCKED: a covered lens is dark or nearly uniform.

/** Mean and standard deviation of luma (BT.601, 0–255) over every `step`-th pixel of both axes of RGBA data. */
export function frameLuma(
  rgba: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  step = 4,
): { mean: number; stdDev: number } {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      const luma = 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
      sum += luma;
      sumSq += luma * luma;
      n++;
    }
  }
  if (n === 0) return { mean: 0, stdDev: 0 };
  const mean = sum / n;
  return { mean, stdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}
