// Error paths through real workerd: every failure is a 4xx envelope with the right code, never a 5xx.
import { request } from 'node:http';
import { EVENT_LIMITS } from '@proctor/contracts';
import { type Candidate, candidate, noFaceEvent, type Reply, randomIdentity } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { beforeAll, describe, expect, it } from 'vitest';

const h = useEdgeUnderTest();
let c: Candidate;
beforeAll(async () => {
  c = await candidate(h.edge.url);
  expect((await c.callRetrying('/sessions/start')).status).toBe(201);
});

function expectError(res: Reply, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.json.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(res.json.error.requestId).toBe(res.headers.get('X-Request-Id'));
}

/**
 * POSTs through node:http rather than fetch: on an oversized body the edge answers before the upload ends and
 * closes the connection, which fetch reports as a failed request although the response arrived. One string is
 * sent with a Content-Length; several chunks are sent chunked (no Content-Length).
 */
function raw(path: string, body: string | string[], headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const chunks = typeof body === 'string' ? [body] : body;
    const req = request(
      new URL(path, h.edge.url),
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${c.token}`,
          'Content-Type': 'application/json',
          ...(typeof body === 'string' ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, json: JSON.parse(text) });
        });
      },
    );
    req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
    let next = 0;
    const pump = () => {
      while (next < chunks.length) {
        if (!req.write(chunks[next++])) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('request bodies', () => {
  it('refuses malformed JSON on every body-taking route', async () => {
    for (const path of ['/sessions/start', '/sessions/heartbeat', '/sessions/end', '/events/batch']) {
      expectError(await raw(path, '{"sessionId": '), 400, 'MALFORMED_JSON');
    }
  });

  it('refuses a body over the limit by Content-Length before reading it', async () => {
    const big = JSON.stringify({ sessionId: c.sessionId, events: [], pad: 'x'.repeat(EVENT_LIMITS.maxBodyBytes) });
    expectError(await raw('/events/batch', big), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('counts bytes while reading when there is no Content-Length (chunked)', async () => {
    const chunks = Array.from({ length: 8 }, () => ' '.repeat(16 * 1024));
    expectError(await raw('/events/batch', chunks), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON by type', async () => {
    expectError(
      await raw('/events/batch', 'sessionId=x', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses more events than a batch may hold, and unknown fields, with messages that say what to fix', async () => {
    const tooMany = Array.from({ length: EVENT_LIMITS.maxEventsPerBatch + 1 }, () => noFaceEvent());
    const res = await c.call('/events/batch', { sessionId: c.sessionId, events: tooMany });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.json.error.message).toContain('events');
    const extra = await c.call('/events/batch', { sessionId: c.sessionId, events: [noFaceEvent()], tenantId: 'x' });
    expectError(extra, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(extra.json.error.details)).toContain('tenantId');
  });

  it('refuses a signed config whose accommodations break a cross-field rule', async () => {
    const other = await candidate(h.edge.url, {
      ...randomIdentity(),
      proctoring: { accommodations: { overrides: { maxLookAwaySeconds: 45 } } },
    });
    const res = await other.call('/sessions/start');
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.json.error.message).toContain('must not exceed maxLookAwayWindowSeconds');
  });

  it('refuses an accommodation in the body, naming the field', async () => {
    const other = await candidate(h.edge.url);
    const res = await other.call('/sessions/start', { accommodations: { overrides: { maxLookAwaySeconds: 20 } } });
    expectError(res, 403, 'ACCOMMODATION_NOT_ALLOWED');
    expect(res.json.error.details).toEqual({ field: 'accommodations' });
  });
});

describe('per-event rejections', () => {
  it('rejects bad events by eventId and accepts the rest', async () => {
    const good = noFaceEvent();
    const future = noFaceEvent({ timestamp: Date.now() + EVENT_LIMITS.maxFutureSkewMs + 60_000 });
    const old = noFaceEvent({ timestamp: Date.now() - EVENT_LIMITS.maxEventAgeMs - 60_000 });
    const badConfidence = { ...noFaceEvent(), confidence: 3 };
    const wrongDetails = { ...noFaceEvent(), details: { faceCount: 3 } };
    const res = await c.callRetrying('/events/batch', {
      sessionId: c.sessionId,
      events: [good, future, old, badConfidence, wrongDetails, 'not an event'],
    });
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(1);
    expect(res.json.duplicates).toBe(0);
    expect(res.json.rejected).toEqual([
      expect.objectContaining({ index: 1, eventId: future.eventId, code: 'TIMESTAMP_OUT_OF_RANGE' }),
      expect.objectContaining({ index: 2, eventId: old.eventId, code: 'EVENT_TOO_OLD' }),
      expect.objectContaining({ index: 3, eventId: badConfidence.eventId, code: 'INVALID_EVENT' }),
      expect.objectContaining({ index: 4, eventId: wrongDetails.eventId, code: 'INVALID_EVENT' }),
      { index: 5, code: 'INVALID_EVENT', message: expect.any(String) },
    ]);
    expect(res.json.rejected[2].message).toContain('confidence');
  });
});

describe('session state', () => {
  it('answers 404 for a session that was never started', async () => {
    const stranger = await candidate(h.edge.url);
    expectError(
      await stranger.call('/events/batch', { sessionId: stranger.sessionId, events: [noFaceEvent()] }),
      404,
      'SESSION_NOT_FOUND',
    );
    expectError(await stranger.call('/sessions/end', { sessionId: stranger.sessionId }), 404, 'SESSION_NOT_FOUND');
  });

  it('answers 409 SESSION_ENDED for events and restarts after the end', async () => {
    const done = await candidate(h.edge.url);
    expect((await done.callRetrying('/sessions/start')).status).toBe(201);
    expect((await done.callRetrying('/sessions/end', { sessionId: done.sessionId })).status).toBe(200);
    expectError(
      await done.call('/events/batch', { sessionId: done.sessionId, events: [noFaceEvent()] }),
      409,
      'SESSION_ENDED',
    );
    // A heartbeat reads no session state at the edge: accepted, and dropped by the processor (an ended session).
    expect((await done.call('/sessions/heartbeat', { sessionId: done.sessionId })).status).toBe(200);
    expectError(await done.call('/sessions/start'), 409, 'SESSION_ENDED');
  });
});

describe('routing', () => {
  it('answers unknown paths and wrong methods with the envelope', async () => {
    const res = await fetch(`${h.edge.url}/nope`);
    expectError({ status: res.status, headers: res.headers, json: await res.json() }, 404, 'NOT_FOUND');
    const wrong = await fetch(`${h.edge.url}/events/batch`, { headers: { Authorization: `Bearer ${c.token}` } });
    expectError({ status: wrong.status, headers: wrong.headers, json: await wrong.json() }, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('Allow')).toBe('POST');
  });
});
