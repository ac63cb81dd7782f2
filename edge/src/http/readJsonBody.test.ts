// A JSON route's body readers: the cap by header and by counted bytes, every failure as its contract code, and the
// body handed on to the next reader (the route's validator) through Hono's own request API.

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../context.ts';
import { onError } from '../errors.ts';
import { jsonBody, type ReadJsonOptions } from './readJsonBody.ts';

/** A route behind jsonBody whose handler reads the body again, as the validator does, and echoes it. */
function app(options: ReadJsonOptions) {
  const a = new Hono<AppEnv>();
  a.use('/x', ...jsonBody(options));
  // Parses as the route's validator does: a syntax error is hono's HTTPException(400), MALFORMED_JSON in onError.
  a.post('/x', async (c) => {
    const body = await c.req.json().catch(() => {
      throw new HTTPException(400, { message: 'Malformed JSON in request body' });
    });
    return c.json({ body });
  });
  a.onError(onError);
  return a;
}

const post = (
  options: ReadJsonOptions,
  body: BodyInit | null,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
) =>
  Promise.resolve(
    app(options).request('/x', {
      method: 'POST',
      body,
      headers,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit),
  ).then(async (res: Response) => {
    const json = (await res.json()) as { body?: unknown; error?: { code: string } };
    return { body: json.body, code: json.error?.code };
  });

describe('jsonBody', () => {
  it('hands JSON under the cap on to the next reader', async () => {
    expect(await post({ maxBytes: 100 }, '{"a":1}')).toEqual({ body: { a: 1 }, code: undefined });
  });

  it('refuses by Content-Length and by counted bytes', async () => {
    const declared = await post({ maxBytes: 100 }, '{"a":1}', {
      'Content-Type': 'application/json',
      'Content-Length': '101',
    });
    expect(declared.code).toBe('PAYLOAD_TOO_LARGE');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(`"${'x'.repeat(60)}`));
        c.enqueue(new TextEncoder().encode(`${'x'.repeat(60)}"`));
        c.close();
      },
    });
    expect((await post({ maxBytes: 100 }, stream)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps bad JSON, bad UTF-8 and a wrong type', async () => {
    expect((await post({ maxBytes: 100 }, '{"a":')).code).toBe('MALFORMED_JSON');
    expect((await post({ maxBytes: 100 }, new Uint8Array([0x22, 0xff, 0x22]))).code).toBe('MALFORMED_JSON');
    expect((await post({ maxBytes: 100 }, '{}', { 'Content-Type': 'text/plain' })).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes an empty body as {} only when the route says so, with or without a type', async () => {
    expect(await post({ maxBytes: 100, emptyValue: {} }, null, {})).toEqual({ body: {}, code: undefined });
    const emptyJson = { 'Content-Type': 'application/json', 'Content-Length': '0' };
    expect(await post({ maxBytes: 100, emptyValue: {} }, '', emptyJson)).toEqual({ body: {}, code: undefined });
    expect((await post({ maxBytes: 100 }, '')).code).toBe('MALFORMED_JSON');
  });
});
