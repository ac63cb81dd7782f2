// The tolerant reader: the forms integrators send (ISO-8601 or epoch ms, free-form ids, minimal details) all read
// into the one canonical event (epoch ms, typed details, nothing unknown), and what stays refused says why.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnomalyEvent, EventBatchBody, EventId, type exampleEventBatch, TIMESTAMP_FORMS } from './index.ts';

const at = Date.UTC(2026, 0, 28, 10); // 2026-01-28T10:00:00Z
const base = { eventId: 'evt-1', type: 'MULTI_PERSON', confidence: 0.99, details: {} };
const timestampOf = (timestamp: unknown) => AnomalyEvent.parse({ ...base, timestamp }).timestamp;
const issues = (v: unknown) => {
  const r = AnomalyEvent.safeParse(v);
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('timestamp', () => {
  it.each([
    ['2026-01-28T10:00:00Z', at],
    ['2026-01-28T10:00:00.5Z', at + 500],
    ['2026-01-28T10:00:00.123456789Z', at + 123],
    ['2026-01-28T11:00:00+01:00', at],
    ['2026-01-28T04:30:00.250-05:30', at + 250],
    ['2024-02-29T10:00:00Z', Date.UTC(2024, 1, 29, 10)],
    [at, at],
  ])('reads %s as epoch ms', (input, ms) => {
    expect(timestampOf(input)).toBe(ms);
  });

  it.each([
    '2026-01-28T10:00:00', // no zone: ambiguous
    '2026-01-28 10:00:00Z',
    '2026-01-28T10:00Z',
    '2026-02-30T10:00:00Z',
    '2026-01-28T10:00:00+0100',
    'yesterday',
    '',
  ])('refuses %j naming the accepted forms', (input) => {
    expect(issues({ ...base, timestamp: input })).toBe(`timestamp: must be ${TIMESTAMP_FORMS}`);
  });

  it('refuses seconds (saying so) and fractions of a millisecond, naming the forms', () => {
    expect(issues({ ...base, timestamp: at / 1000 })).toMatch(/^timestamp: must be an ISO-8601.*seconds instead/);
    expect(issues({ ...base, timestamp: at + 0.5 })).toBe(`timestamp: must be ${TIMESTAMP_FORMS}`);
    expect(issues({ ...base, timestamp: null })).toBe(`timestamp: must be ${TIMESTAMP_FORMS}`);
  });
});

describe('eventId', () => {
  it.each(['evt-1', 'a', 'A.b_c:d-9', 'x'.repeat(128), '0F8E2C4A-6B1D-4E3F-9A7C-5D2B8E1F0A36'])('accepts %s', (id) => {
    expect(EventId.parse(id)).toBe(id);
  });
  it.each(['', 'x'.repeat(129), 'evt 1', 'evt/1', 'évt', '{tag}', 'a\nb', 42])('refuses %j', (id) => {
    expect(EventId.safeParse(id).success).toBe(false);
  });
});

describe('details', () => {
  it('LOOK_AWAY needs only durationMillis; unknown keys are dropped, at any level', () => {
    const e = AnomalyEvent.parse({
      ...base,
      type: 'LOOK_AWAY',
      timestamp: at,
      details: { durationMillis: 2000, gazeVector: [1, 2], note: 'x' },
      clientVersion: '9',
    });
    expect(e).toEqual({
      eventId: 'evt-1',
      type: 'LOOK_AWAY',
      timestamp: at,
      confidence: 0.99,
      details: { durationMillis: 2000 },
    });
    expect(issues({ ...base, type: 'LOOK_AWAY', timestamp: at, details: { direction: 'LEFT' } })).toMatch(
      /^details\.durationMillis/,
    );
  });

  it('MULTI_PERSON may be {} or omit details; faceCount when given is at least 2', () => {
    expect(AnomalyEvent.parse({ ...base, timestamp: at }).details).toEqual({});
    const { details: _omit, ...noDetails } = base;
    expect(AnomalyEvent.parse({ ...noDetails, timestamp: at }).details).toEqual({});
    expect(AnomalyEvent.parse({ ...base, timestamp: at, details: { faceCount: 2 } }).details).toEqual({ faceCount: 2 });
    expect(issues({ ...base, timestamp: at, details: { faceCount: 1 } })).toMatch(/^details\.faceCount/);
  });

  it('NO_FACE needs its length; CAMERA_BLOCKED and CAMERA_LOST may be empty', () => {
    expect(issues({ ...base, type: 'NO_FACE', timestamp: at })).toMatch(/^details/);
    expect(AnomalyEvent.parse({ ...base, type: 'CAMERA_BLOCKED', timestamp: at }).details).toEqual({});
    expect(AnomalyEvent.parse({ ...base, type: 'CAMERA_LOST', timestamp: at, details: {} }).details).toEqual({});
    expect(issues({ ...base, type: 'CAMERA_LOST', timestamp: at, details: { reason: 'GONE' } })).toMatch(
      /^details\.reason/,
    );
  });

  it('keeps the canonical record stable: parsing it again gives the same record', () => {
    const once = AnomalyEvent.parse({ ...base, timestamp: '2026-01-28T11:00:00.250+01:00', details: { x: 1 } });
    expect(AnomalyEvent.parse(once)).toEqual(once);
    expect(JSON.parse(JSON.stringify(once))).toEqual({ ...base, timestamp: at + 250, details: {} });
  });
});

describe('documented example', () => {
  it('is the design walkthrough with its dates at generation time, in both timestamp forms', () => {
    const before = Date.now();
    const examples = (z.globalRegistry.get(EventBatchBody)?.examples ?? []) as ReturnType<typeof exampleEventBatch>[];
    const [iso, epoch] = examples;
    expect(iso!.events.map((e) => [e.eventId, e.type, e.details])).toEqual([
      ['evt-1', 'LOOK_AWAY', { durationMillis: 2000 }],
      ['evt-2', 'MULTI_PERSON', {}],
    ]);
    for (const e of iso!.events) {
      expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(before - Date.parse(e.timestamp)).toBeLessThan(20_000);
    }
    expect(epoch!.events.map((e) => typeof e.timestamp)).toEqual(['number', 'number']);
    // Both examples are valid input, every event included.
    for (const ex of [iso, epoch]) {
      expect(EventBatchBody.safeParse(ex).success).toBe(true);
      for (const e of ex!.events) expect(AnomalyEvent.safeParse(e).success).toBe(true);
    }
  });
});
