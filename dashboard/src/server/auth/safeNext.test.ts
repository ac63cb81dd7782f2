// The post-login redirect stays on this site whatever is encoded into `next`.
import { describe, expect, it } from 'vitest';
import { safeNext } from './safeNext.ts';

describe('safeNext', () => {
  it.each(['/schedules/exam-a?status=flagged', '/sessions/abc#alert-1', '/'])(
    'keeps the same-origin path %s',
    (next) => {
      expect(safeNext(next)).toBe(next);
    },
  );

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    '/%09/evil.example/phish',
    '/\t/evil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '/%252F/evil.example',
    '/%5Cevil.example',
    '/x%0d%0aSet-Cookie:%20a=b',
    '/x\r\nLocation: https://evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '%2F%2Fevil.example',
    '/%E0%A4%A',
    '',
    '/'.padEnd(3000, 'a'),
  ])('sends %j to /', (next) => {
    expect(safeNext(next)).toBe('/');
  });

  it('re-encodes what it keeps, so the Location header is ASCII', () => {
    expect(safeNext('/schedules/prüfung')).toBe('/schedules/pr%C3%BCfung');
  });
});
