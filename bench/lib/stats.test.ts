import { describe, expect, it } from 'vitest';
import { quantile, wilson } from './stats.ts';

describe('wilson', () => {
  it('matches the published interval for 8 of 10 (0.490–0.943)', () => {
    const { lo, hi } = wilson(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
  });

  it('stays honest at the ends: 13 of 13 is not certainty, 0 of 13 not impossibility', () => {
    expect(wilson(13, 13).hi).toBe(1);
    expect(wilson(13, 13).lo).toBeCloseTo(0.772, 3);
    expect(wilson(0, 13).lo).toBe(0);
    expect(wilson(0, 13).hi).toBeCloseTo(0.228, 3);
  });

  it('narrows as the sample grows and says nothing for no trials', () => {
    const width = (n: number) => wilson(n / 2, n).hi - wilson(n / 2, n).lo;
    expect(width(100)).toBeLessThan(width(10));
    expect(wilson(0, 0)).toEqual({ lo: 0, hi: 1 });
  });
});

describe('quantile', () => {
  it('interpolates between ranks, whatever the input order', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(quantile([0, 10], 0.1)).toBe(1);
  });

  it('is NaN for no values', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});
