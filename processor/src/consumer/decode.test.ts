import { describe, expect, it } from 'vitest';
import { eventRecord, lookAway, SESSION } from '../../test/events.ts';
import { decodeRecord } from './decode.ts';

const good = eventRecord(lookAway(0, 1));
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

describe('decodeRecord', () => {
  it.each([
    { name: 'no value', key: null, value: null, reason: 'empty_value' },
    { name: 'not JSON', key: null, value: buf('{oops'), reason: 'invalid_json' },
    { name: 'unknown kind', key: null, value: buf({ ...good, kind: 'nope' }), reason: 'schema_invalid' },
    { name: 'future schema version', key: null, value: buf({ ...good, schemaVersion: 2 }), reason: 'schema_invalid' },
    {
      name: 'seconds instead of ms',
      key: null,
      value: buf({ ...good, event: { ...(good.kind === 'event' && good.event), timestamp: 1_767_225_600 } }),
      reason: 'schema_invalid',
    },
    { name: 'key of another session', key: buf('b'.repeat(64)), value: buf(good), reason: 'key_mismatch' },
  ])('poison: $name → $reason', ({ key, value, reason }) => {
    const d = decodeRecord(key, value);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.reason).toBe(reason);
      expect(d.detail.length).toBeGreaterThan(0);
    }
  });

  it.each([
    { name: 'raw sessionId (kafkajs producers)', key: SESSION },
    { name: 'JSON-encoded sessionId (the REST v2 bridge, as the edge produces)', key: JSON.stringify(SESSION) },
  ])('accepts a valid record keyed by its session: $name', ({ key }) => {
    expect(decodeRecord(buf(key), buf(good))).toEqual({ ok: true, record: good });
  });

  it('still refuses a JSON-encoded key of another session', () => {
    expect(decodeRecord(buf(JSON.stringify('b'.repeat(64))), buf(good))).toMatchObject({
      ok: false,
      reason: 'key_mismatch',
    });
  });
});
