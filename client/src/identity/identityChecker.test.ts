// When identity is checked: the normal interval, and a longer one only in a steady scene whose last check matched.
import { describe, expect, it } from 'vitest';
import { checkIntervalMs, STEADY_INTERVAL_FACTOR } from './identityChecker.ts';

describe('checkIntervalMs', () => {
  it('waits the normal interval until a check matched (calibrating, or a mismatch), steady or not, and outside a steady scene', () => {
    expect(checkIntervalMs(3000, false, false)).toBe(3000);
    expect(checkIntervalMs(3000, false, true)).toBe(3000);
    expect(checkIntervalMs(3000, true, false)).toBe(3000);
    expect(checkIntervalMs(3000, true)).toBe(3000);
  });

  it('a steady scene whose last check matched is checked STEADY_INTERVAL_FACTOR times less often', () => {
    expect(STEADY_INTERVAL_FACTOR).toBeGreaterThan(1);
    expect(checkIntervalMs(3000, true, true)).toBe(3000 * STEADY_INTERVAL_FACTOR);
  });
});
