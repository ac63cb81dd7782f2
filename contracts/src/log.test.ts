// Log lines are one JSON object each, and credentials never survive into them.
import { describe, expect, it } from 'vitest';
import { createLogger, errorContext, redact } from './log.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('logger', () => {
  it('writes an event name and context as one JSON line, honouring the level', () => {
    const lines: string[] = [];
    const log = createLogger('info', { requestId: 'r1' }, (l) => lines.push(l));
    log.debug('hidden');
    log.info('session_started', { sessionId: 's' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      event: 'session_started',
      requestId: 'r1',
      sessionId: 's',
    });
  });

  it('redacts secret-named fields and JWT-shaped strings anywhere', () => {
    const out = JSON.stringify(
      redact({
        authorization: `Bearer ${jwt}`,
        nested: { message: `upstream said ${jwt}`, list: [jwt] },
        token: 'abc',
      }),
    );
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('abc');
    expect(out).toContain('[redacted-jwt]');
  });

  it('turns errors into name, message and code', () => {
    const err = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(errorContext(err)).toEqual({ name: 'Error', message: 'refused', code: 'ECONNREFUSED' });
    expect(errorContext('plain')).toEqual({ message: 'plain' });
  });
});
