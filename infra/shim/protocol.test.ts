// Pure protocol logic of the shim: RESP parsing, Upstash base64 encoding rules, command checks.
import { describe, expect, it } from 'vitest';
import { checkCommand, checkCommandList } from './commands.ts';
import { toJsonReply, toResultEntry } from './encoding.ts';
import { encodeCommand, parseReply, RedisReplyError } from './resp.ts';

describe('RESP', () => {
  it('encodes commands as arrays of bulk strings, counting bytes not characters', () => {
    expect(encodeCommand(['SET', 'k', 'é']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n');
  });

  it('parses every reply type and keeps bulk strings binary', () => {
    const buf = Buffer.concat([
      Buffer.from('*5\r\n+OK\r\n:42\r\n$-1\r\n-ERR boom\r\n$3\r\n'),
      Buffer.from([0, 255, 10]),
      Buffer.from('\r\n'),
    ]);
    const parsed = parseReply(buf, 0);
    if (!parsed) throw new Error('a complete reply must parse');
    expect(parsed.next).toBe(buf.length);
    const [ok, n, nil, err, bin] = parsed.value as [Buffer, number, null, RedisReplyError, Buffer];
    expect(ok.toString()).toBe('OK');
    expect(n).toBe(42);
    expect(nil).toBeNull();
    expect(err).toBeInstanceOf(RedisReplyError);
    expect(err.message).toBe('ERR boom');
    expect([...bin]).toEqual([0, 255, 10]);
  });

  it('waits for more bytes when a reply is incomplete', () => {
    expect(parseReply(Buffer.from('$5\r\nhel'), 0)).toBeUndefined();
    expect(parseReply(Buffer.from('*2\r\n:1\r\n'), 0)).toBeUndefined();
    expect(parseReply(Buffer.from(':1'), 0)).toBeUndefined();
  });
});

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
