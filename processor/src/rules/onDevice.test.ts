import { describe, expect, it } from 'vitest';
import { eventRecord, onDevice, runRules, startedRecord } from '../../test/events.ts';
import { applyRecord, type SessionState } from '../session/applyRecord.ts';
import { decodeState, encodeState } from '../state/codec.ts';

const identity = (atS: number, similarity = 0.2) =>
  onDevice('IDENTITY_CHANGED', atS, { durationMillis: 6000, similarity, threshold: 0.45 });
const lowLight = (atS: number) => onDevice('LOW_LIGHT', atS, { durationMillis: 10_000, meanLuma: 22 });

describe('on-device rules', () => {
  it('identity change is high, critical on repeat, explained with similarity and duration', () => {
    const { alerts } = runRules([identity(0), identity(5), identity(90)]);
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([
      ['identity_changed', 'high'],
      ['identity_changed', 'critical'],
    ]);
    expect(alerts[0]!.explanation).toContain('20% similarity');
    expect(alerts[0]!.explanation).toContain('below 45%');
    expect(alerts[0]!.explanation).toContain('6 s');
  });

  it('browser signals each have their own rule and words', () => {
    const { alerts } = runRules([
      onDevice('FOCUS_LOST', 0, { durationMillis: 4000, cause: 'HIDDEN' }),
      onDevice('FOCUS_LOST', 61, { durationMillis: 45_000, cause: 'BLUR' }),
      onDevice('FULLSCREEN_EXIT', 1, { durationMillis: 3000 }),
      onDevice('SECOND_DISPLAY', 2, { source: 'SCREEN_IS_EXTENDED' }),
      onDevice('CLIPBOARD', 3, { durationMillis: 30_000, copies: 2, cuts: 0, pastes: 1 }),
    ]);
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([
      ['focus_lost', 'low'],
      ['focus_lost', 'medium'],
      ['fullscreen_exit', 'medium'],
      ['second_display', 'medium'],
      ['clipboard', 'medium'],
    ]);
    expect(alerts[0]!.explanation).toContain('hidden for 4 s');
    expect(alerts[4]!.explanation).toContain('1 paste');
  });

  it('LOW_LIGHT is a condition: an alert with no risk points', () => {
    let s: SessionState | undefined;
    for (const r of [startedRecord(), eventRecord(lowLight(1)), eventRecord(lowLight(70))]) s = applyRecord(s, r).state;
    expect(s!.risk.points).toEqual({});
    const { alerts } = runRules([lowLight(1)]);
    expect(alerts[0]!.explanation).toMatch(/^condition, not misconduct/);
    // The same session with an identity change does score: the zero is the condition's, not a broken sum.
    s = applyRecord(s, eventRecord(identity(80))).state;
    expect(s.risk.points.identity_changed).toBe(45);
  });

  it('on-device buckets survive the Redis codec, and a 15-field state from before decodes', () => {
    let s: SessionState | undefined;
    for (const r of [startedRecord(), eventRecord(identity(1)), eventRecord(lowLight(2))]) s = applyRecord(s, r).state;
    const back = decodeState(encodeState(s!));
    expect(back.rules.onDevice).toEqual(s!.rules.onDevice);
    expect(back.rules.onDevice.identity_changed?.count).toBe(1);
    const old = JSON.parse(encodeState(s!)).slice(0, 15);
    expect(decodeState(JSON.stringify(old)).rules.onDevice).toEqual({});
  });
});
