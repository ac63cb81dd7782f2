import { describe, expect, it } from 'vitest';
import { AnomalyEvent, EVENT_TYPES } from './events.ts';
import { ON_DEVICE_EVENT_TYPES } from './onDeviceEvents.ts';

const base = { eventId: '00000000-0000-4000-8000-000000000001', timestamp: 1_767_225_600_000, confidence: 0.9 };

describe('on-device events', () => {
  it('are event types and parse with their details', () => {
    for (const t of ON_DEVICE_EVENT_TYPES) expect(EVENT_TYPES).toContain(t);
    const ok = [
      { type: 'IDENTITY_CHANGED', details: { durationMillis: 6000, similarity: 0.21, threshold: 0.45 } },
      { type: 'FOCUS_LOST', details: { durationMillis: 3000, cause: 'HIDDEN' } },
      { type: 'FULLSCREEN_EXIT', details: { durationMillis: 2000 } },
      { type: 'SECOND_DISPLAY', details: { source: 'SCREEN_IS_EXTENDED' } },
      { type: 'CLIPBOARD', details: { durationMillis: 30_000, copies: 1, cuts: 0, pastes: 2 } },
      { type: 'LOW_LIGHT', details: { durationMillis: 10_000, meanLuma: 31.5 } },
    ];
    for (const e of ok) expect(AnomalyEvent.safeParse({ ...base, ...e }).success, e.type).toBe(true);
  });

  it('drop an embedding or clipboard content (never stored) and refuse out-of-range values', () => {
    const withVector = AnomalyEvent.parse({
      ...base,
      type: 'IDENTITY_CHANGED',
      details: { durationMillis: 6000, similarity: 0.2, threshold: 0.45, embedding: [0.1, 0.2] },
    });
    expect(Object.keys(withVector.details).sort()).toEqual(['durationMillis', 'similarity', 'threshold']);
    const withText = AnomalyEvent.parse({
      ...base,
      type: 'CLIPBOARD',
      details: { durationMillis: 1, copies: 1, cuts: 0, pastes: 0, text: 'answer' },
    });
    expect(JSON.stringify(withText)).not.toContain('answer');
    const bad = [
      { type: 'IDENTITY_CHANGED', details: { durationMillis: 6000, similarity: 1.5, threshold: 0.45 } },
      { type: 'FOCUS_LOST', details: { durationMillis: 7_200_000, cause: 'HIDDEN' } },
      { type: 'LOW_LIGHT', details: { durationMillis: 1000, meanLuma: 300 } },
      { type: 'CLIPBOARD', details: { durationMillis: 1000, copies: -1, cuts: 0, pastes: 0 } },
    ];
    for (const e of bad) expect(AnomalyEvent.safeParse({ ...base, ...e }).success, e.type).toBe(false);
  });
});
