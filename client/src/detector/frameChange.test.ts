// The steady scene's change test: sensor noise is no change; a small face far back, a head turning, the light are.
import { describe, expect, it } from 'vitest';
import { blockLuma, CHANGE_LUMA, largestChange, mayReuse, REUSE_MAX_MS } from './frameChange.ts';

const W = 320;
const H = 240;
/** An RGBA frame: a gradient room, optionally with a patch of `luma` at (x, y, w, h), plus seeded noise of σ `noise`. */
function frame(
  o: { patch?: [number, number, number, number, number]; gain?: number; noise?: number; seed?: number } = {},
) {
  const rgba = new Uint8ClampedArray(W * H * 4);
  let s = o.seed ?? 1;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [px, py, pw, ph, pl] = o.patch ?? [0, 0, 0, 0, 0];
      const inPatch = x >= px && x < px + pw && y >= py && y < py + ph;
      const v = (inPatch ? pl : 60 + (x + y) / 5) * (o.gain ?? 1) + (o.noise ?? 0) * gauss();
      rgba.set([v, v, v, 255], (y * W + x) * 4);
    }
  }
  return blockLuma(rgba, W, H);
}

describe('blockLuma and largestChange', () => {
  it('the same room with fresh sensor noise (σ 11, a very dim room at high gain) is no change', () => {
    expect(largestChange(frame({ noise: 11, seed: 1 }), frame({ noise: 11, seed: 2 }))).toBeLessThan(CHANGE_LUMA / 2);
  });

  it('a face 15 px wide far back, a light turned down by a fifth, are changes', () => {
    const room = frame();
    expect(largestChange(room, frame({ patch: [250, 30, 15, 18, 170] }))).toBeGreaterThan(CHANGE_LUMA);
    expect(largestChange(room, frame({ gain: 0.8 }))).toBeGreaterThan(CHANGE_LUMA);
  });

  it('grids of different sizes never compare as unchanged', () => {
    expect(largestChange(new Float32Array(4), new Float32Array(5))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('mayReuse', () => {
  const grid = frame();
  const last = { t: 10_000, grid };
  it('only in a steady scene, after an analysed frame, within REUSE_MAX_MS, with nothing changed', () => {
    expect(mayReuse(true, last, grid, 11_000)).toBe(true);
    expect(mayReuse(false, last, grid, 11_000)).toBe(false);
    expect(mayReuse(true, undefined, grid, 11_000)).toBe(false);
    expect(mayReuse(true, last, grid, 10_000 + REUSE_MAX_MS)).toBe(false);
    expect(mayReuse(true, last, frame({ patch: [100, 100, 40, 40, 200] }), 11_000)).toBe(false);
  });
});
