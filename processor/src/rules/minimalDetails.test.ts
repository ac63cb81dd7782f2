// The design's minimal details (LOOK_AWAY with only a length, MULTI_PERSON as {}, …), read through the contract as
// the edge reads them, still make explained alerts: nothing assumes a field the integrator may leave out.
import { AnomalyEvent } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { runRules, T0 } from '../../test/events.ts';

const read = (type: string, atS: number, details?: object, eventId = `evt-${type}-${atS}`) =>
  AnomalyEvent.parse({ eventId, type, timestamp: T0 + atS * 1000, confidence: 0.99, details });

describe('rules on minimal details', () => {
  it('MULTI_PERSON {} is "2 or more people": high, then critical on a repeat', () => {
    const alerts = runRules([read('MULTI_PERSON', 0, {}), read('MULTI_PERSON', 61)]).alerts;
    expect(alerts.map((a) => a.severity)).toEqual(['high', 'critical']);
    expect(alerts[0]!.explanation).toMatch(/^2 or more people at 99% confidence/);
    expect(alerts[0]!.explanation).not.toMatch(/undefined/);
    expect(alerts[0]!.evidence).toEqual([{ eventId: 'evt-MULTI_PERSON-0', timestamp: T0, confidence: 0.99 }]);
  });

  it('MULTI_PERSON with a faceCount still names it', () => {
    const [a] = runRules([read('MULTI_PERSON', 0, { faceCount: 3 })]).alerts;
    expect(a!.severity).toBe('critical');
    expect(a!.explanation).toMatch(/^3 faces/);
  });

  it('LOOK_AWAY without direction or angles adds up its length', () => {
    const alerts = runRules([
      read('LOOK_AWAY', 0, { durationMillis: 3000 }),
      read('LOOK_AWAY', 10, { durationMillis: 3000 }),
    ]).alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.rule).toBe('look_away');
    expect(alerts[0]!.explanation).toMatch(/6(\.0)? s looking away/);
    expect(alerts[0]!.explanation).not.toMatch(/undefined|LEFT|RIGHT/);
  });

  it('CAMERA_BLOCKED without a length says so', () => {
    const [a] = runRules([read('CAMERA_BLOCKED', 0)]).alerts;
    expect(a!.explanation).toBe('camera blocked (length not reported); 1st time this session');
    expect(a!.evidence[0]).not.toHaveProperty('durationMillis');
  });

  it('CAMERA_LOST without a reason is not taken for a revoked permission', () => {
    const [a] = runRules([read('CAMERA_LOST', 0, {})]).alerts;
    expect(a!.severity).toBe('medium');
    expect(a!.explanation).toBe('camera lost (reason not given); 1st time this session');
  });
});
