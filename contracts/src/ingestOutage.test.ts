import { describe, expect, it } from 'vitest';
import { blockedIntervals, lapseCutoff } from './ingestOutage.ts';

const W = 45_000;
const G = 15_000;
const T0 = 1_700_000_000_000; // a whole second
const sec = (ms: number) => Math.floor(ms / 1000);
/** Failure seconds covering [from, to) ms. */
const outage = (from: number, to: number) =>
  Array.from({ length: Math.ceil((to - from) / 1000) }, (_, i) => sec(from) + i);

describe('blockedIntervals', () => {
  it('merges seconds closer than the grace into one interval ending one grace after the last', () => {
    expect(blockedIntervals([10, 11, 12, 16], 5000)).toEqual([[10_000, 22_000]]);
    expect(blockedIntervals([30, 10], 1000)).toEqual([
      [10_000, 12_000],
      [30_000, 32_000],
    ]);
  });
});

describe('lapseCutoff', () => {
  it('is now when the edge noted no failure', () => {
    expect(lapseCutoff({ now: T0, windowMs: W, graceMs: G, failureSeconds: [] })).toBe(T0);
  });

  it('holds back a deadline whose window met the outage by the blocked time, until the clients had their grace', () => {
    // The fault suite's case: last heartbeat 14 s before a 30 s outage, deadline 31 s into it.
    const a = T0;
    const failures = outage(a, a + 30_000);
    const deadline = a - 14_000 + W;
    // Just after the outage the deadline has passed by the wall clock, and is not claimable.
    const justAfter = a + 36_000;
    expect(deadline).toBeLessThan(justAfter);
    expect(lapseCutoff({ now: justAfter, windowMs: W, graceMs: G, failureSeconds: failures })).toBeLessThan(deadline);
    // Blocked: the 30 s outage + the grace, all inside [deadline − W, now] once now is past it.
    const blocked = 30_000 + G;
    const claimAt = deadline + blocked;
    expect(lapseCutoff({ now: claimAt - 1, windowMs: W, graceMs: G, failureSeconds: failures })).toBeLessThan(deadline);
    expect(lapseCutoff({ now: claimAt, windowMs: W, graceMs: G, failureSeconds: failures })).toBeGreaterThanOrEqual(
      deadline,
    );
  });

  it('leaves a deadline whose window ended before the outage as it was', () => {
    const a = T0;
    const failures = outage(a, a + 30_000);
    const deadline = a - 1000;
    expect(lapseCutoff({ now: a + 5000, windowMs: W, graceMs: G, failureSeconds: failures })).toBeGreaterThanOrEqual(
      deadline,
    );
  });

  it('returns to the wall clock once an outage is older than a window and its grace', () => {
    const failures = outage(T0, T0 + 30_000);
    const now = T0 + 30_000 + G + W + 2000;
    expect(lapseCutoff({ now, windowMs: W, graceMs: G, failureSeconds: failures })).toBe(now);
  });

  it('claims nothing inside the horizon while failures reach back to its first second', () => {
    const horizonMs = 120_000;
    const now = T0 + 200_000;
    const failures = outage(now - horizonMs, now);
    const cutoff = lapseCutoff({ now, windowMs: W, graceMs: G, failureSeconds: failures, horizonMs });
    expect(cutoff).toBeLessThan(now - horizonMs - W);
  });

  it('never claims a later deadline and not an earlier one (the claimable deadlines are a prefix)', () => {
    const failures = [...outage(T0, T0 + 7000), ...outage(T0 + 40_000, T0 + 43_000)];
    const now = T0 + 90_000;
    const cutoff = lapseCutoff({ now, windowMs: W, graceMs: G, failureSeconds: failures });
    const blockedIn = (d: number) =>
      blockedIntervals(failures, G).reduce((n, [a, b]) => n + Math.max(0, Math.min(b, now) - Math.max(a, d - W)), 0);
    for (let d = now - 120_000; d <= now; d += 250) expect(d + blockedIn(d) <= now).toBe(d <= cutoff);
  });
});
