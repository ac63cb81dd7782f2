import { describe, expect, it } from 'vitest';
import {
  config,
  endedRecord,
  eventRecord,
  lookAway,
  multiPerson,
  noFace,
  startedRecord,
  uuid,
} from '../../test/events.ts';
import { applyRecord, type SessionState } from '../session/applyRecord.ts';
import { decodeState, encodeState } from './codec.ts';

function busySession(): SessionState {
  let s: SessionState | undefined;
  const records = [
    startedRecord(config({ maxLookAwaySeconds: 8 })),
    ...Array.from({ length: 30 }, (_, i) => eventRecord(lookAway(i * 2, 1.5, 0.87))),
    ...Array.from({ length: 20 }, (_, i) => eventRecord(noFace(i * 3, 2))),
    eventRecord(multiPerson(5, 0.9)),
    eventRecord(multiPerson(75, 0.9)),
  ];
  for (const r of records) s = applyRecord(s, r).state;
  return {
    ...s!,
    lastSnapshot: { bucketStart: 1_767_225_600_000, score: 42.5 },
    connectionLostMerged: 1_767_225_601_000,
  };
}

describe('session state codec', () => {
  it('round-trips a busy session (points to 0.001, confidence to 0.001)', () => {
    const s = busySession();
    const back = decodeState(encodeState(s));
    expect({ ...back, risk: undefined }).toEqual({ ...s, risk: undefined });
    for (const [rule, p] of Object.entries(s.risk.points)) {
      expect(back.risk.points[rule as keyof typeof s.risk.points]).toBeCloseTo(p, 3);
    }
    expect(decodeState(encodeState(back))).toEqual(back);
  });

  it('round-trips a fresh session on defaults, and an ended one', () => {
    const s = applyRecord(undefined, eventRecord(lookAway(0, 1))).state;
    expect(decodeState(encodeState(s))).toEqual(s);
    const ended = applyRecord(s, endedRecord(100)).state;
    expect(decodeState(encodeState(ended))).toEqual(ended);
  });

  it('stays under 1 KB even with both windows full', () => {
    const bytes = Buffer.byteLength(encodeState(busySession()));
    expect(bytes).toBeLessThan(1024);
  });

  it('round-trips free-form event ids exactly, beside packed UUIDs', () => {
    const ids = ['evt-1', 'EVT-1', 'a.b:c_d-e', 'x'.repeat(128), '0F8E2C4A-6B1D-4E3F-9A7C-5D2B8E1F0A36', uuid(7)];
    let s: SessionState | undefined;
    ids.forEach((id, i) => {
      s = applyRecord(s, eventRecord(lookAway(i * 2, 1, 0.9, id))).state;
      s = applyRecord(s, eventRecord(noFace(i * 2, 1, 0.9, `nf-${id}`.slice(0, 128)))).state;
    });
    const back = decodeState(encodeState(s!));
    expect(back.rules.lookAway.entries.map((e) => e.eventId).sort()).toEqual([...ids].sort());
    expect(back).toEqual(s);
    // Only a canonical lower-case UUID is packed (22 chars); anything else is kept verbatim.
    expect(encodeState(s!)).toContain(`"=${'x'.repeat(128)}"`);
    expect(encodeState(s!)).not.toContain(`"${uuid(7)}"`);
  });

  it('keeps the low light a NO_FACE reported (to 0.1), and reads entries written without it', () => {
    const dim = noFace(0, 4);
    if (dim.type !== 'NO_FACE') throw new Error('noFace() must make a NO_FACE');
    let s = applyRecord(undefined, eventRecord({ ...dim, details: { ...dim.details, meanLuma: 31.44 } })).state;
    s = applyRecord(s, eventRecord(noFace(10, 4))).state;
    const back = decodeState(encodeState(s));
    expect(back.rules.noFace.entries.map((e) => e.meanLuma)).toEqual([31.4, undefined]);
    expect(back.rules.noFace.entries[1]).not.toHaveProperty('meanLuma');
  });

  it('refuses what it did not write', () => {
    expect(() => decodeState('[2]')).toThrow();
    expect(() => decodeState('{}')).toThrow();
  });
});
