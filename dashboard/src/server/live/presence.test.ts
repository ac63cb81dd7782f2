// Presence reads a liveness deadline: future is online, past is overdue, missing or ended is unknown.
import { describe, expect, it } from 'vitest';
import type { SessionBase } from '../queries/sessions.ts';
import { presenceOf } from './presence.ts';

const session = { status: 'active' } as SessionBase;
const now = 1_800_000_000_000;

describe('presenceOf', () => {
  it('maps the deadline against now', () => {
    expect(presenceOf(session, now + 1, now)).toBe('online');
    expect(presenceOf(session, now, now)).toBe('online');
    expect(presenceOf(session, now - 1, now)).toBe('overdue');
    expect(presenceOf(session, null, now)).toBe('unknown');
  });
  it('never calls an ended session online', () => {
    expect(presenceOf({ ...session, status: 'ended' }, now + 60_000, now)).toBe('unknown');
  });
});
