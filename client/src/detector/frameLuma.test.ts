import { describe, expect, it } from 'vitest';
import { frameLuma, roomLuma } from './frameLuma.ts';

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

describe('roomLuma', () => {
  const face = { score: 0.9, box: { x: 0.375, y: 0.375, width: 0.25, height: 0.25 }, keypoints: [] };
  /** A grey room with a black square face in the middle (the face's box grown by half fills 0.25–0.75). */
  const room = () => {
    const data = solid(64, 48, [120, 120, 120]);
    for (let y = 18; y < 30; y++) for (let x = 24; x < 40; x++) data.fill(0, (y * 64 + x) * 4, (y * 64 + x) * 4 + 3);
    return data;
  };

  it('leaves the face out: a dark face does not darken the room', () => {
    expect(frameLuma(room(), 64, 48).mean).toBeCloseTo(112.5, 5);
    expect(roomLuma(room(), 64, 48, [face]).mean).toBeCloseTo(120, 5);
  });

  it('counts the whole frame when no face was found', () => {
    expect(roomLuma(room(), 64, 48, [])).toEqual(frameLuma(room(), 64, 48));
  });

  it('falls back to the whole frame when the faces cover it', () => {
    const huge = { score: 0.9, box: { x: 0, y: 0, width: 1, height: 1 }, keypoints: [] };
    expect(roomLuma(room(), 64, 48, [huge])).toEqual(frameLuma(room(), 64, 48));
  });
});
