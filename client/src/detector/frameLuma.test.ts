import { describe, expect, it } from 'vitest';
import { frameLuma } from './frameLuma.ts';

const solid = (w: number, h: number, rgb: [number, number, number]) =>
  Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[i % 4]!));

describe('frameLuma', () => {
  it('a black frame is dark and flat', () => {
    expect(frameLuma(solid(64, 48, [0, 0, 0]), 64, 48)).toEqual({ mean: 0, stdDev: 0 });
  });

  it('a uniform grey frame is flat but not dark', () => {
    const { mean, stdDev } = frameLuma(solid(64, 48, [128, 128, 128]), 64, 48);
    expect(mean).toBeCloseTo(128, 5);
    expect(stdDev).toBeLessThan(1e-3);
  });

  it('half black, half white has mean 127.5 and deviation 127.5', () => {
    const data = solid(64, 48, [0, 0, 0]);
    for (let y = 0; y < 48; y++) for (let x = 32; x < 64; x++) data.fill(255, (y * 64 + x) * 4, (y * 64 + x) * 4 + 3);
    const { mean, stdDev } = frameLuma(data, 64, 48);
    expect(mean).toBeCloseTo(127.5, 1);
    expect(stdDev).toBeCloseTo(127.5, 1);
  });
});
