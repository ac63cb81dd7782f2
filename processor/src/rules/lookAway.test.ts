import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { lookAway, runRules, T0 } from '../../test/events.ts';

const run = runRules;

// Times and durations in seconds after T0; the default limit is more than 5 s inside a 30 s window.
const cases: {
  name: string;
  events: AnomalyEvent[];
  overrides?: Record<string, number>;
  expect: { start: number; end: number; totalS: number; evidence: number }[];
}[] = [
  { name: 'one stretch under the limit', events: [lookAway(0, 4)], expect: [] },
  { name: 'exactly the limit is not over it', events: [lookAway(0, 3), lookAway(10, 2)], expect: [] },
  {
    name: 'two stretches summing past the limit',
    events: [lookAway(0, 3), lookAway(10, 3)],
    expect: [{ start: 0, end: 30, totalS: 6, evidence: 2 }],
  },
  {
    name: 'a single long stretch',
    events: [lookAway(5, 8)],
    expect: [{ start: 5, end: 35, totalS: 8, evidence: 1 }],
  },
  { name: 'window edge: 30 s apart are two windows', events: [lookAway(0, 3), lookAway(30, 3)], expect: [] },
  {
    name: 'window edge: clipped at the window end stays at the limit',
    events: [lookAway(0, 3), lookAway(28, 3)],
    expect: [],
  },
  {
    name: 'window edge: one millisecond more crosses it',
    events: [lookAway(0, 3), lookAway(27.999, 3)],
    expect: [{ start: 0, end: 30, totalS: 5.001, evidence: 2 }],
  },
  {
    name: 'out of order: a late event fills the window',
    events: [lookAway(20, 2), lookAway(0, 2), lookAway(10, 2)],
    expect: [{ start: 0, end: 30, totalS: 6, evidence: 3 }],
  },
  {
    name: 'accommodation: a 10 s allowance keeps 6 s quiet',
    overrides: { maxLookAwaySeconds: 10 },
    events: [lookAway(0, 3), lookAway(10, 3)],
    expect: [],
  },
  {
    name: 'accommodation: a longer window joins stretches 40 s apart',
    overrides: { maxLookAwayWindowSeconds: 60 },
    events: [lookAway(0, 3), lookAway(40, 3)],
    expect: [{ start: 0, end: 60, totalS: 6, evidence: 2 }],
  },
  {
    name: 'one alert per stretch: more look-away inside the alerted window adds none',
    events: [lookAway(0, 3), lookAway(10, 3), lookAway(15, 3)],
    expect: [{ start: 0, end: 30, totalS: 6, evidence: 2 }],
  },
  {
    name: 'a new window after the alerted one alerts again',
    events: [lookAway(0, 3), lookAway(10, 3), lookAway(31, 3), lookAway(40, 3)],
    expect: [
      { start: 0, end: 30, totalS: 6, evidence: 2 },
      { start: 31, end: 61, totalS: 6, evidence: 2 },
    ],
  },
];

describe('look-away rule', () => {
  it.each(cases)('$name', ({ events, overrides, expect: want }) => {
    const { alerts } = run(events, overrides);
    expect(
      alerts.map((a) => ({
        start: (a.windowStart - T0) / 1000,
        end: (a.windowEnd - T0) / 1000,
        totalS: Number(a.explanation.split(' ')[0]),
        evidence: a.evidence.length,
      })),
    ).toEqual(want);
    for (const a of alerts) expect(a.rule).toBe('look_away');
  });

  it('is order-independent: any arrival order of the same events gives the same alert', () => {
    const events = [lookAway(0, 2), lookAway(9, 2), lookAway(18, 2)];
    const inOrder = run(events).alerts;
    const reversed = run([...events].reverse()).alerts;
    expect(inOrder).toHaveLength(1);
    expect(reversed.map((a) => [a.windowStart, a.windowBucket, a.evidence.map((e) => e.eventId).sort()])).toEqual(
      inOrder.map((a) => [a.windowStart, a.windowBucket, a.evidence.map((e) => e.eventId).sort()]),
    );
  });

  it('counts a redelivered event once', () => {
    const e = lookAway(0, 3);
    expect(run([e, e]).alerts).toEqual([]);
  });

  it('weights confidence by duration and escalates at twice the limit', () => {
    const { alerts } = run([lookAway(0, 4, 0.5), lookAway(10, 2, 1)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.confidence).toBeCloseTo((4 * 0.5 + 2 * 1) / 6);
    expect(alerts[0]!.severity).toBe('medium');
    expect(run([lookAway(0, 10)]).alerts[0]!.severity).toBe('high');
  });

  it('bounds its memory: old intervals are pruned relative to the newest event', () => {
    const events = Array.from({ length: 50 }, (_, i) => lookAway(i * 60, 1));
    const { state } = run(events);
    expect(state.lookAway.entries.length).toBeLessThanOrEqual(4);
    expect(state.lookAway.entries.at(-1)!.start).toBe(T0 + 49 * 60_000);
  });
});
