// Body reading enforces the byte cap both by header and by counting, and maps every failure to a contract code.

import { ApiError } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './readJsonBody.ts';

const req = (body: BodyInit | null, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  new Request('http://edge.test/x', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof ApiError ? err.code : String(err);
  }
}

describe('readJsonBody', () => {
  it('parses JSON under the cap', async () => {
    expect(await readJsonBody(req('{"a":1}'), { maxBytes: 100 })).toEqual({ a: 1 });
  });

  it('refuses by Content-Length and by counted bytes', async () => {
    expect(
      await codeOf(
        readJsonBody(req('{"a":1}', { 'Content-Type': 'application/json', 'Content-Length': '101' }), {
          maxBytes: 100,
        }),
      ),
    ).toBe('PAYLOAD_TOO_LARGE');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(`"${'x'.repeat(60)}`));
        c.enqueue(new TextEncoder().encode(`${'x'.repeat(60)}"`));
        c.close();
      },
    });
    expect(await codeOf(readJsonBody(req(stream), { maxBytes: 100 }))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps bad JSON, bad UTF-8 and a wrong type', async () => {
    expect(await codeOf(readJsonBody(req('{"a":'), { maxBytes: 100 }))).toBe('MALFORMED_JSON');
    expect(await codeOf(readJsonBody(req(new Uint8Array([0x22, 0xff, 0x22])), { maxBytes: 100 }))).toBe(
      'MALFORMED_JSON',
    );
    expect(await codeOf(readJsonBody(req('{}', { 'Content-Type': 'text/plain' }), { maxBytes: 100 }))).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('takes an empty body as the given empty value only when one is given', async () => {
    expect(await readJsonBody(req(null, {}), { maxBytes: 100, emptyValue: {} })).toEqual({});
    expect(await codeOf(readJsonBody(req(''), { maxBytes: 100 }))).toBe('MALFORMED_JSON');
  });
});
