// Each event is judged alone: bad ones are reported by index and eventId, repeats within a batch are counted once.
import { EVENT_LIMITS } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { validateEvents } from './validateEvents.ts';

const now = Date.UTC(2026, 10, 25, 12);
const event = (id: number, overrides: Record<string, unknown> = {}) => ({
  eventId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  type: 'NO_FACE',
  timestamp: now - 1000,
  confidence: 0.5,
  details: { durationMillis: 100 },
  ...overrides,
});

describe('validateEvents', () => {
  it('keeps valid events, first occurrence only', () => {
    const r = validateEvents([event(1), event(2), event(1)], now);
    expect(r.valid.map((e) => e.eventId)).toEqual([event(1).eventId, event(2).eventId]);
    expect(r.repeats).toBe(1);
    expect(r.rejected).toEqual([]);
  });

  it('reports schema problems and skew separately, with the eventId when there is one', () => {
    const r = validateEvents(
      [
        event(1, { confidence: 2 }),
        event(2, { timestamp: now + EVENT_LIMITS.maxFutureSkewMs + 1 }),
        event(3, { timestamp: now - EVENT_LIMITS.maxEventAgeMs - 1 }),
        42,
        event(4, { eventId: 'x'.repeat(500) }),
      ],
      now,
    );
    expect(r.valid).toEqual([]);
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual([
      [0, 'INVALID_EVENT'],
      [1, 'TIMESTAMP_OUT_OF_RANGE'],
      [2, 'EVENT_TOO_OLD'],
      [3, 'INVALID_EVENT'],
      [4, 'INVALID_EVENT_ID'],
    ]);
    expect(r.rejected[0]?.message).toMatch(/^confidence/);
    expect(r.rejected[1]?.eventId).toBe(event(2).eventId);
    expect(r.rejected[3]?.eventId).toBeUndefined();
    expect(r.rejected[4]?.eventId?.length).toBe(128);
    expect(r.rejected[2]?.message).toMatch(/older than the accepted age of 6 h/);
    expect(r.rejected[1]?.message).toMatch(/more than 60 s ahead/);
  });

  it('refuses a timestamp past the range of Date as out of range, never throwing', () => {
    const r = validateEvents([event(1, { timestamp: Number.MAX_SAFE_INTEGER })], now);
    expect(r.rejected.map((x) => x.code)).toEqual(['TIMESTAMP_OUT_OF_RANGE']);
    expect(r.rejected[0]?.message).toContain(`${Number.MAX_SAFE_INTEGER} ms`);
  });

  it('accepts the skew boundaries exactly', () => {
    const r = validateEvents(
      [
        event(1, { timestamp: now + EVENT_LIMITS.maxFutureSkewMs }),
        event(2, { timestamp: now - EVENT_LIMITS.maxEventAgeMs }),
      ],
      now,
    );
    expect(r.valid).toHaveLength(2);
  });
});
