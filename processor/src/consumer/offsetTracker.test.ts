import { describe, expect, it } from 'vitest';
import { createOffsetTracker } from './offsetTracker.ts';

describe('ordered offset commits', () => {
  it('commits nothing until the oldest in-flight message finishes', () => {
    const t = createOffsetTracker();
    for (const o of ['5', '6', '7']) t.begin(0, o);
    t.finish(0, '7');
    t.finish(0, '6');
    expect(t.committable(0)).toBeUndefined();
    t.finish(0, '5');
    expect(t.committable(0)).toBe('8');
  });

  it('commits up to the first unfinished message', () => {
    const t = createOffsetTracker();
    for (const o of ['10', '11', '12', '13']) t.begin(3, o);
    t.finish(3, '10');
    t.finish(3, '11');
    t.finish(3, '13');
    expect(t.committable(3)).toBe('12');
    t.markCommitted(3, '12');
    expect(t.committable(3)).toBeUndefined();
    expect(t.inFlight()).toBe(2);
  });

  it('keeps partitions independent', () => {
    const t = createOffsetTracker();
    t.begin(0, '1');
    t.begin(1, '1');
    t.finish(1, '1');
    expect(t.committable(0)).toBeUndefined();
    expect(t.committable(1)).toBe('2');
  });

  it('accepts a rewind only when nothing is in flight', () => {
    const t = createOffsetTracker();
    t.begin(0, '4');
    expect(() => t.begin(0, '3')).toThrow(/out of order/);
    t.finish(0, '4');
    t.markCommitted(0, '5');
    t.begin(0, '2');
    expect(t.committable(0)).toBeUndefined();
    t.finish(0, '2');
    expect(t.committable(0)).toBe('3');
  });

  it('handles offsets past 2^53', () => {
    const t = createOffsetTracker();
    t.begin(0, '9007199254740993');
    t.finish(0, '9007199254740993');
    expect(t.committable(0)).toBe('9007199254740994');
  });
});
