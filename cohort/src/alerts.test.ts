import { describe, expect, it } from 'vitest';
import { alertLatency } from './alerts.ts';

describe('alertLatency', () => {
  it('measures from the send of the batch that carried the last evidence event', () => {
    const sentAt = new Map([
      ['a', 1_000],
      ['b', 4_000],
    ]);
    expect(alertLatency(4_250, ['a', 'b'], sentAt)).toBe(250);
  });

  it('waits while an evidence event’s batch has no answer yet, rather than measuring from the older ones', () => {
    // 'b' is in MySQL already but its batch's answer is not back: measuring from 'a' would say 3.25 s.
    expect(alertLatency(4_250, ['a', 'b'], new Map([['a', 1_000]]))).toBe('wait');
  });

  it('never goes below zero (a retried batch answered after the alert was written)', () => {
    expect(alertLatency(4_000, ['a'], new Map([['a', 4_100]]))).toBe(0);
  });
});
