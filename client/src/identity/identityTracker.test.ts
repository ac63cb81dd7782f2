import { describe, expect, it } from 'vitest';
import { createIdentityTracker } from './identityTracker.ts';

const T = 1_767_225_600_000;
const run = (sims: number[], every = 2000) => {
  let n = 0;
  const t = createIdentityTracker({ threshold: 0.4 }, () => `id-${++n}`);
  return sims.flatMap((s, i) => t.observe(T + i * every, s));
};

describe('identity tracker', () => {
  it('the same person, with an occasional bad check, raises nothing', () => {
    expect(run([0.8, 0.7, 0.3, 0.75, 0.35, 0.8, 0.2, 0.3, 0.7, 0.9])).toEqual([]);
  });

  it('a different person seen persistently raises one event with similarity and duration', () => {
    const events = run([0.8, 0.8, 0.1, 0.15, 0.2, 0.1, 0.12, 0.1, 0.2, 0.1]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'IDENTITY_CHANGED',
      timestamp: T + 4000,
      details: { durationMillis: 4000, similarity: 0.15, threshold: 0.4 },
    });
  });

  it('a second takeover after the candidate came back raises a second event', () => {
    const events = run([0.1, 0.1, 0.1, 0.8, 0.8, 0.8, 0.1, 0.1, 0.1, 0.1]);
    expect(events.map((e) => e.timestamp)).toEqual([T, T + 12_000]);
  });

  it('needs the minimum time, not only the check count', () => {
    expect(run([0.1, 0.1, 0.1, 0.9], 500)).toEqual([]);
  });
});
