import type { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { multiPerson, runRules } from '../../test/events.ts';

const alertsOf = (events: AnomalyEvent[], overrides = {}) => runRules(events, overrides).alerts;

// Default minimum confidence 0.8; one alert per 60 s bucket; the second alert of a session is critical.
const cases: { name: string; events: AnomalyEvent[]; overrides?: Record<string, number>; severities: string[] }[] = [
  { name: 'below the minimum confidence', events: [multiPerson(0, 0.79)], severities: [] },
  { name: 'at the minimum confidence', events: [multiPerson(0, 0.8)], severities: ['high'] },
  { name: 'three faces at once', events: [multiPerson(0, 0.9, 3)], severities: ['critical'] },
  { name: 'repeat in the same bucket', events: [multiPerson(1, 0.9), multiPerson(30, 0.95)], severities: ['high'] },
  {
    name: 'repeat in a later bucket escalates',
    events: [multiPerson(0, 0.9), multiPerson(61, 0.9)],
    severities: ['high', 'critical'],
  },
  {
    name: 'out of order: an earlier bucket arriving late is its own alert',
    events: [multiPerson(130, 0.9), multiPerson(10, 0.9), multiPerson(20, 0.9)],
    severities: ['high', 'critical'],
  },
  {
    name: 'accommodation: a lower minimum',
    overrides: { multiPersonMinConfidence: 0.5 },
    events: [multiPerson(0, 0.6)],
    severities: ['high'],
  },
  {
    name: 'accommodation: a higher minimum',
    overrides: { multiPersonMinConfidence: 0.95 },
    events: [multiPerson(0, 0.9)],
    severities: [],
  },
];

describe('multi-person rule', () => {
  it.each(cases)('$name', ({ events, overrides, severities }) => {
    const alerts = alertsOf(events, overrides);
    expect(alerts.map((a) => a.severity)).toEqual(severities);
    for (const a of alerts) {
      expect(a.rule).toBe('multi_person');
      expect(a.evidence).toHaveLength(1);
      expect(a.windowEnd - a.windowStart).toBe(60_000);
    }
  });

  it('names the light when the client counted the faces in a dim room, and only then', () => {
    const dim = { ...multiPerson(0, 0.9), details: { faceCount: 2, meanLuma: 31.4 } } as AnomalyEvent;
    const [alert] = alertsOf([dim]);
    expect(alert!.explanation).toContain("low light on the candidate's camera (mean luma 31)");
    expect(alertsOf([multiPerson(0, 0.9)])[0]!.explanation).not.toContain('low light');
  });

  it('gives the same bucket, so the same alert id, to events in one minute', () => {
    const [a] = alertsOf([multiPerson(0, 0.9)]);
    const [b] = alertsOf([multiPerson(59, 0.9)]);
    expect(a!.windowBucket).toBe(b!.windowBucket);
  });
});

describe('late duplicates of bucketed rules', () => {
  it('the same event redelivered after more newer alerts than the rule remembers raises nothing', () => {
    const first = multiPerson(0, 0.9);
    const newer = Array.from({ length: 6 }, (_, i) => multiPerson(61 * (i + 1), 0.9));
    const { alerts } = runRules([first, ...newer, first, multiPerson(5, 0.9)]);
    expect(alerts).toHaveLength(7);
    expect(alerts[0]!.severity).toBe('high');
    expect(new Set(alerts.map((a) => a.windowBucket)).size).toBe(7);
  });
});
