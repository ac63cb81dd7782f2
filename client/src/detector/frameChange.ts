// Whether a frame of a steady scene shows anything the last analysed frame did not: the mean luma of each small block
// of the frame, compared block by block. A frame that changed nowhere is not analysed again; the detector would see
// in it what it saw last time. Only in a steady scene (scenePace.ts), and never for long.

/** Blocks of the analysis frame, across × down: 20×20 px at 320×240, about the smallest face the models find. */
const GRID = { across: 16, down: 12 } as const;
/**
 * A block whose mean luma moved more than this (0–255) is a change. A webcam's noise at high gain (σ ≈ 11 levels a
 * pixel at 640×480, bench/lib/webcamFrame.ts) moves a 20×20 block's mean by about half a level; a face turning,
 * a person entering the background even far back, a hand or a cover over the lens, a light switched move it by more.
 */
export const CHANGE_LUMA = 6;
/** A frame is analysed at least this often even when nothing changed: the full-range model's steady period. */
export const REUSE_MAX_MS = 3000;

/** Mean luma (BT.601) of each GRID block of RGBA data, row by row. */
export function blockLuma(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Float32Array {
  const sums = new Float32Array(GRID.across * GRID.down);
  const counts = new Uint32Array(sums.length);
  for (let y = 0; y < height; y++) {
    const row = Math.min(GRID.down - 1, Math.floor((y * GRID.down) / height)) * GRID.across;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const b = row + Math.min(GRID.across - 1, Math.floor((x * GRID.across) / width));
      sums[b]! += 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
      counts[b]!++;
    }
  }
  for (let b = 0; b < sums.length; b++) sums[b] = counts[b] ? sums[b]! / counts[b]! : 0;
  return sums;
}

/** The largest move of any block's mean luma between two grids (Infinity when they cannot be compared). */
export function largestChange(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
  return most;
}

/**
 * Whether the frame at `t` may take the last analysed frame's faces: only in a steady scene, only within
 * REUSE_MAX_MS of that analysis, and only when no block changed by more than CHANGE_LUMA since it.
 */
export function mayReuse(
  steady: boolean,
  last: { t: number; grid: Float32Array } | undefined,
  grid: Float32Array,
  t: number,
): boolean {
  return steady && last !== undefined && t - last.t < REUSE_MAX_MS && largestChange(last.grid, grid) <= CHANGE_LUMA;
}
