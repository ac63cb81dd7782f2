// POST /thumbnails through real workerd into S3Proxy: stored only with the opt-in, under the tenant's prefix; every
// refusal is a stable 4xx that stores nothing; the per-session-hour limit from the policy; retries keep their slot.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionStateKey, thumbnailKey, thumbnailTenantPrefix } from '@proctor/contracts';
import { stackConfig } from '@proctor/infra/stack/config';
import { stackObjectStore } from '@proctor/infra/stack/health';
import { type Candidate, candidate } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { describe, expect, it } from 'vitest';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'thumbnails', 'fixtures', name)));
const JPEG = fixture('ok-96.jpg');
const WEBP = fixture('ok-96.webp');
const store = stackObjectStore(stackConfig());

const h = useEdgeUnderTest();

/** A started session; `thumbnails` is written into the session's resolved config as sessions/start stores it. */
async function session(thumbnails?: Record<string, unknown>): Promise<Candidate> {
  const c = await candidate(h.edge.url);
  expect((await c.callRetrying('/sessions/start')).status).toBe(201);
  if (thumbnails) {
    await h.redis.hset(sessionStateKey(c.sessionId, h.prefix), { config: JSON.stringify({ thumbnails }) });
  }
  return c;
}

async function upload(
  c: Candidate,
  bytes: Uint8Array<ArrayBuffer>,
  opts: { eventId?: string; type?: string; contentType?: string; sessionId?: string } = {},
) {
  const q = new URLSearchParams({
    sessionId: opts.sessionId ?? c.sessionId,
    eventId: opts.eventId ?? randomUUID(),
    type: opts.type ?? 'MULTI_PERSON',
  });
  const res = await fetch(`${h.edge.url}/thumbnails?${q}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': opts.contentType ?? 'image/jpeg' },
    body: bytes,
  });
  // biome-ignore lint/suspicious/noExplicitAny: the assertions below are the check.
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

const stored = async (c: Candidate) => (await store.list(thumbnailTenantPrefix(c.identity.tenant_id))).length;
const ON = { enabled: true, types: ['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED'], maxPerHour: 6 };

describe('POST /thumbnails', () => {
  it('stores a JPEG and a WebP under tenant/session/event when the session opted in', async () => {
    const c = await session(ON);
    const eventId = randomUUID();
    const res = await upload(c, JPEG, { eventId });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json).toMatchObject({
      sessionId: c.sessionId,
      eventId,
      tenantId: c.identity.tenant_id,
      bytes: JPEG.length,
      width: 96,
      height: 64,
      contentType: 'image/jpeg',
    });
    const object = await store.get(thumbnailKey(c.identity.tenant_id, c.sessionId, eventId));
    expect(object?.bytes).toEqual(JPEG);
    expect(object?.contentType).toBe('image/jpeg');

    const webp = await upload(c, WEBP, { contentType: 'image/webp', type: 'NO_FACE' });
    expect(webp.status).toBe(201);
    expect(await stored(c)).toBe(2);
  });

  it('refuses with THUMBNAILS_DISABLED by default (no opt-in) and for a type the policy leaves out', async () => {
    const off = await session();
    const res = await upload(off, JPEG);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('THUMBNAILS_DISABLED');
    expect(await stored(off)).toBe(0);

    const disabled = await session({ ...ON, enabled: false });
    expect((await upload(disabled, JPEG)).json.error.code).toBe('THUMBNAILS_DISABLED');

    const onlyMulti = await session({ ...ON, types: ['MULTI_PERSON'] });
    const noFace = await upload(onlyMulti, JPEG, { type: 'NO_FACE' });
    expect(noFace.status).toBe(403);
    expect(noFace.json.error.code).toBe('THUMBNAILS_DISABLED');
    expect(await stored(onlyMulti)).toBe(0);
  });

  it('refuses bad input with a stable 4xx and stores nothing', async () => {
    const c = await session(ON);
    const padded = new Uint8Array(6000);
    padded.set(JPEG.subarray(0, 2));
    padded.set([0xff, 0xfe, ((6000 - JPEG.length - 2) >> 8) & 0xff, (6000 - JPEG.length - 2) & 0xff], 2);
    padded.set(JPEG.subarray(2), 6000 - JPEG.length + 2);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(100).fill(0)]);
    const cases: [string, Promise<{ status: number; json: { error: { code: string } } }>, number, string][] = [
      ['over 5 KB', upload(c, padded), 413, 'PAYLOAD_TOO_LARGE'],
      ['not an image', upload(c, png), 415, 'THUMBNAIL_NOT_IMAGE'],
      ['PNG declared', upload(c, png, { contentType: 'image/png' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['type says WebP, bytes are JPEG', upload(c, JPEG, { contentType: 'image/webp' }), 415, 'THUMBNAIL_NOT_IMAGE'],
      ['truncated JPEG', upload(c, JPEG.subarray(0, 600)), 415, 'THUMBNAIL_NOT_IMAGE'],
      ['128 px wide', upload(c, fixture('wide-128.jpg')), 422, 'THUMBNAIL_TOO_LARGE'],
      ['eventId a path segment', upload(c, JPEG, { eventId: '..' }), 400, 'VALIDATION_FAILED'],
      ['eventId with a slash', upload(c, JPEG, { eventId: 'a/b' }), 400, 'VALIDATION_FAILED'],
      ['unknown type', upload(c, JPEG, { type: 'LOOK_AWAY' }), 400, 'VALIDATION_FAILED'],
      ["another session's id", upload(c, JPEG, { sessionId: 'a'.repeat(64) }), 403, 'SESSION_MISMATCH'],
    ];
    for (const [what, reply, status, code] of cases) {
      const res = await reply;
      expect(res.status, what).toBe(status);
      expect(res.json.error.code, what).toBe(code);
    }
    expect(await stored(c)).toBe(0);
  });

  it('refuses an ended session and a session that was never started', async () => {
    const ended = await session(ON);
    expect((await ended.callRetrying('/sessions/end', { sessionId: ended.sessionId })).status).toBe(200);
    expect((await upload(ended, JPEG)).json.error.code).toBe('SESSION_ENDED');
    const never = await candidate(h.edge.url);
    const res = await upload(never, JPEG);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('allows at most maxPerHour events per session-hour; a retry of a stored event keeps its slot', async () => {
    const c = await session({ ...ON, maxPerHour: 2 });
    const first = randomUUID();
    expect((await upload(c, JPEG, { eventId: first })).status).toBe(201);
    expect((await upload(c, JPEG, { eventId: randomUUID() })).status).toBe(201);
    const third = await upload(c, JPEG, { eventId: randomUUID() });
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('Retry-After'))).toBeGreaterThan(3000);
    // The same event again (a client retry after a lost response) is not a new thumbnail.
    expect((await upload(c, WEBP, { eventId: first, contentType: 'image/webp' })).status).toBe(201);
    expect(await stored(c)).toBe(2);
    expect((await store.get(thumbnailKey(c.identity.tenant_id, c.sessionId, first)))?.contentType).toBe('image/webp');
  });

  it("keeps each tenant's thumbnails under its own prefix", async () => {
    const a = await session(ON);
    const b = await session(ON);
    const eventId = randomUUID();
    expect((await upload(a, JPEG, { eventId })).status).toBe(201);
    expect((await upload(b, WEBP, { eventId, contentType: 'image/webp' })).status).toBe(201);
    expect((await store.get(thumbnailKey(a.identity.tenant_id, a.sessionId, eventId)))?.bytes).toEqual(JPEG);
    expect((await store.get(thumbnailKey(b.identity.tenant_id, b.sessionId, eventId)))?.bytes).toEqual(WEBP);
    expect(await store.exists(thumbnailKey(a.identity.tenant_id, b.sessionId, eventId))).toBe(false);
  });
});
