import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter } from './backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles per attempt within jitter bounds and caps at maxMs', () => {
    expect(backoffDelayMs(0, undefined, () => 0)).toBe(500);
    expect(backoffDelayMs(0, undefined, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, undefined, () => 1)).toBe(8000);
    expect(backoffDelayMs(20, undefined, () => 1)).toBe(60_000);
  });

  it('never retries sooner than Retry-After', () => {
    expect(backoffDelayMs(0, 30_000, () => 0)).toBe(30_000);
    expect(backoffDelayMs(10, 1000, () => 1)).toBe(60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
