import { describe, expect, it } from 'vitest';
import { contains, expose, gaussian, halve, seededUniform, sensorNoise, toRgba } from './webcamFrame.ts';

describe('expose', () => {
  it('scales every channel by the light and clips to 0–255', () => {
    const none = () => 0;
    expect([...expose(Uint8Array.from([100, 200, 10]), 0.5, 0, none)]).toEqual([50, 100, 5]);
    expect([...expose(Uint8Array.from([100, 200, 10]), 2, 0, none)]).toEqual([200, 255, 20]);
  });

  it('adds noise of the given σ, the same on every run for a seed', () => {
    const flat = new Uint8Array(30_000).fill(100);
    const a = expose(flat, 1, 8, gaussian(seededUniform(5)));
    expect([...a]).toEqual([...expose(flat, 1, 8, gaussian(seededUniform(5)))]);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(mean).toBeCloseTo(100, 0);
    expect(sd).toBeGreaterThan(7.5);
    expect(sd).toBeLessThan(8.5);
  });
});

describe('sensorNoise', () => {
  it('is none in a well-lit room and grows as the light falls', () => {
    expect(sensorNoise(1)).toBe(0);
    expect(sensorNoise(1.5)).toBe(0);
    expect(sensorNoise(0.5)).toBeCloseTo(4, 5);
    expect(sensorNoise(0.12)).toBeGreaterThan(sensorNoise(0.3));
    expect(sensorNoise(0.12)).toBeCloseTo(10.8, 1);
  });
});

describe('halve', () => {
  it('averages each 2×2 block, per channel', () => {
    // 4×2 RGB: left block (0,0,0),(40,0,0),(0,0,0),(40,0,0); right block all (10,20,30).
    const rgb = Uint8Array.from([0, 0, 0, 40, 0, 0, 10, 20, 30, 10, 20, 30, 0, 0, 0, 40, 0, 0, 10, 20, 30, 10, 20, 30]);
    expect([...halve(rgb, 4, 2)]).toEqual([20, 0, 0, 10, 20, 30]);
  });

  it('halves the noise of independent pixels', () => {
    const noisy = expose(new Uint8Array(640 * 480 * 3).fill(128), 1, 8, gaussian(seededUniform(9)));
    const small = halve(noisy, 640, 480);
    const sd = (xs: Uint8Array) => {
      const m = xs.reduce((s, v) => s + v, 0) / xs.length;
      return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length);
    };
    expect(sd(small) / sd(noisy)).toBeCloseTo(0.5, 1);
  });
});

describe('toRgba', () => {
  it('adds an opaque alpha after each pixel', () => {
    expect([...toRgba(Uint8Array.from([1, 2, 3, 4, 5, 6]))]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });
});

describe('contains', () => {
  const face = { score: 0.9, box: { x: 0.4, y: 0.4, width: 0.2, height: 0.2 }, keypoints: [] };
  it('holds a centre inside the box or within a quarter box of it, not beyond', () => {
    expect(contains(face, { x: 0.5, y: 0.5 })).toBe(true);
    expect(contains(face, { x: 0.36, y: 0.64 })).toBe(true);
    expect(contains(face, { x: 0.34, y: 0.5 })).toBe(false);
  });
});
