// Pure protocol logic of the shim: Upstash base64 encoding rules and command checks (ioredis speaks RESP).
import { describe, expect, it } from 'vitest';
import { checkCommand, checkCommandList } from './commands.ts';
import { toJsonReply, toResultEntry } from './encoding.ts';
import { RedisReplyError } from './redisClient.ts';

describe('Upstash encoding', () => {
  const b = (s: string) => Buffer.from(s);

  it('base64-encodes strings except a top-level OK', () => {
    expect(toJsonReply(b('OK'), true)).toBe('OK');
    expect(toJsonReply(b('héllo'), true)).toBe(Buffer.from('héllo').toString('base64'));
    expect(toJsonReply(b('PONG'), true)).toBe('UE9ORw==');
  });

  it('encodes "OK" inside arrays, because the client decodes every string in an array', () => {
    expect(toJsonReply([b('OK'), 1, null, [b('x')]], true)).toEqual(['T0s=', 1, null, ['eA==']]);
  });

  it('passes strings through as UTF-8 without the header', () => {
    expect(toJsonReply([b('héllo'), b('OK')], false)).toEqual(['héllo', 'OK']);
  });

  it('keeps binary values intact through base64', () => {
    const bytes = Buffer.from([0, 128, 255]);
    expect(Buffer.from(toJsonReply(bytes, true) as string, 'base64')).toEqual(bytes);
  });

  it('turns an error reply into {error} and leaves its text unencoded', () => {
    expect(toResultEntry(new RedisReplyError('WRONGTYPE x'), true)).toEqual({ error: 'WRONGTYPE x' });
    expect(toResultEntry(7, true)).toEqual({ result: 7 });
  });
});

describe('command checks', () => {
  it('stringifies numbers and booleans and flags blocking commands', () => {
    expect(checkCommand(['SET', 'k', 1, true])).toEqual({ ok: true, args: ['SET', 'k', '1', 'true'], blocking: false });
    expect(checkCommand(['blpop', 'k', 1])).toMatchObject({ ok: true, blocking: true });
    expect(checkCommand(['XREAD', 'BLOCK', 0, 'STREAMS', 's', '$'])).toMatchObject({ ok: true, blocking: true });
  });

  it('refuses connection-state commands and malformed bodies', () => {
    expect(checkCommand(['SUBSCRIBE', 'c'])).toMatchObject({ ok: false });
    expect(checkCommand(['multi'])).toMatchObject({ ok: false });
    expect(checkCommand([])).toMatchObject({ ok: false });
    expect(checkCommand('GET k')).toMatchObject({ ok: false });
    expect(checkCommand(['GET', null])).toMatchObject({ ok: false });
    expect(checkCommandList([['GET', 'k'], 'x'])).toMatchObject({ ok: false });
    expect(checkCommandList([])).toMatchObject({ ok: false });
  });
});
