// The session cookie refuses any value it did not seal, and never outlives its token.
import { describe, expect, it } from 'vitest';
import { sealSession, sessionCookieOptions, unsealSession } from './sessionCookie.ts';

const secret = 'x'.repeat(40);
const token = 'aaa.bbb.ccc';

describe('session cookie', () => {
  it('round-trips a sealed token', () => {
    expect(unsealSession(sealSession(token, secret), secret)).toBe(token);
  });
  it('refuses another secret, a swapped token, a bare token and garbage', () => {
    const sealed = sealSession(token, secret);
    expect(unsealSession(sealed, 'y'.repeat(40))).toBeNull();
    expect(unsealSession(sealed.replace('aaa', 'aab'), secret)).toBeNull();
    expect(unsealSession(token, secret)).toBeNull();
    expect(unsealSession('~', secret)).toBeNull();
    expect(unsealSession(undefined, secret)).toBeNull();
  });
  it('expires with the token', () => {
    const now = 1_800_000_000_000;
    expect(sessionCookieOptions(now / 1000 + 600, now)).toMatchObject({ maxAge: 600, httpOnly: true, secure: true });
    expect(sessionCookieOptions(now / 1000 - 5, now).maxAge).toBe(0);
  });
});
