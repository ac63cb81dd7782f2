import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { noFace, runRules, T0 } from '../../test/events.ts';

const alertsOf = (events: AnomalyEvent[], overrides = {}) => runRules(events, overrides).alerts;

// Defaults: more than 10 s without a face, in one stretch or summed inside 60 s.
const cases: {
  name: string;
  events: AnomalyEvent[];
  overrides?: Record<string, number>;
  windows: [number, number][];
}[] = [
  { name: 'a stretch at the limit', events: [noFace(0, 10)], windows: [] },
  { name: 'one stretch over the limit', events: [noFace(0, 11)], windows: [[0, 60]] },
  { name: 'the sum inside the window', events: [noFace(0, 6), noFace(40, 5)], windows: [[0, 60]] },
  { name: 'window edge: 60 s apart do not add up', events: [noFace(0, 6), noFace(60, 5)], windows: [] },
  { name: 'out of order sum', events: [noFace(40, 5), noFace(0, 6)], windows: [[0, 60]] },
  {
    name: 'one stretch longer than a window equal to the limit still alerts',
    overrides: { noFaceMaxSeconds: 5, noFaceWindowSeconds: 5 },
    events: [noFace(0, 7)],
    windows: [[0, 7]],
  },
  {
    name: 'accommodation: 20 s allowed',
    overrides: { noFaceMaxSeconds: 20 },
    events: [noFace(0, 6), noFace(40, 5), noFace(50, 8)],
    windows: [],
  },
];

describe('no-face rule', () => {
  it.each(cases)('$name', ({ events, overrides, windows }) => {
    const alerts = alertsOf(events, overrides);
    expect(alerts.map((a) => [(a.windowStart - T0) / 1000, (a.windowEnd - T0) / 1000])).toEqual(windows);
    for (const a of alerts) {
      expect(a.rule).toBe('no_face');
      expect(a.evidence.length).toBeGreaterThan(0);
    }
  });

  it('keeps look-away and no-face windows apart', () => {
    expect(alertsOf([noFace(0, 4)]).length).toBe(0);
  });
});

describe('no-face rule in a dim room', () => {
  const dim = (atS: number, durS: number, meanLuma: number): AnomalyEvent => {
    const e = noFace(atS, durS);
    return e.type === 'NO_FACE' ? { ...e, details: { ...e.details, meanLuma } } : e;
  };

  it('names the light condition the client reported, with how many stretches it covered', () => {
    const [alert] = alertsOf([dim(0, 4, 31.4), noFace(20, 4), dim(40, 4, 40)]);
    expect(alert?.explanation).toMatch(
      /^12 s with no face visible .*; low light on the candidate's camera in 2 of 3 stretches \(mean luma down to 31\): a condition to fix, not evidence$/,
    );
  });

  it('says nothing of the light when the client reported none', () => {
    const [alert] = alertsOf([noFace(0, 11)]);
    expect(alert?.explanation).not.toMatch(/light/);
  });
});
