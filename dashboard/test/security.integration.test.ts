// What a hostile tester found, closed against the built dashboard with real MariaDB and Redis: no token in URLs,
// no open redirect or 5xx from login input, body limits before reading, ASCII WWW-Authenticate, server-side
// sessions (logout, SSE streams, stream cap, cross-site logout), cookie deletion, and the security headers.
import { request as httpRequest } from 'node:http';
import { loginSessionKey } from '@proctor/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyDigest } from '../src/server/auth/loginSessions.ts';
import { SESSION_COOKIE, sealSession } from '../src/server/auth/sessionCookie.ts';
import { rand, signIn, TEST_PLATFORM, useTestDashboard } from './testDashboard.ts';

const T = `tenant-s-${rand(3)}`;
const SCHEDULE = 'exam-s';
const PLATFORM = 'https://lms.example.edu';

const dash = useTestDashboard('dash-sec', {
  env: { PLATFORM_ORIGINS: `${PLATFORM},${TEST_PLATFORM}`, MAX_STREAMS_PER_PROCTOR: '2', SESSION_CHECK_MS: '300' },
});

let alertId = '';

beforeAll(async () => {
  const session = await dash.seedSession({ tenantId: T, scheduleId: SCHEDULE, userId: 'cand-s', risk: 40 });
  alertId = await dash.seedAlert({ tenantId: T, sessionId: session });
}, 180_000);

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_PLATFORM },
  body: new URLSearchParams(fields),
});
const setCookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';

/** Reads an SSE stream until it ends; resolves with what arrived, or 'open' if it is still running after `ms`. */
async function streamEnds(res: Response, ms: number): Promise<'ended' | 'open'> {
  const reader = res.body!.getReader();
  const timer = new Promise<'open'>((r) => setTimeout(() => r('open'), ms));
  const drained = (async () => {
    for (;;) if ((await reader.read()).done) return 'ended' as const;
  })();
  const outcome = await Promise.race([drained, timer]);
  if (outcome === 'open') await reader.cancel().catch(() => undefined);
  return outcome;
}

describe('no token in any URL', () => {
  it('GET /login?token= does not sign in, and says how to', async () => {
    const res = await fetch(`${dash.app.url}/login?token=${await dash.issuer.proctor(T)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(setCookieOf(res)).not.toContain(SESSION_COOKIE);
    expect(await res.text()).toContain('POST to /login');
  });
});

describe('next after login, and any login input', () => {
  const hostile = [
    '/%09/evil.example/phish',
    '/\t/evil.example/phish',
    '/%2F/evil.example',
    '/%252F%252Fevil.example',
    '/%5Cevil.example',
    '/\\evil.example',
    '//evil.example',
    '/x\r\nSet-Cookie: a=b',
    '/x%0d%0aLocation:%20https://evil.example',
    '/%E0%A4%A',
    `/${'a'.repeat(5000)}`,
  ];
  it.each(hostile.map((n) => [n.slice(0, 40), n]))('POST next=%j redirects to / on this site', async (_name, next) => {
    const res = await fetch(`${dash.app.url}/login`, form({ token: await dash.issuer.proctor(T), next }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });

  it('keeps a plain same-origin next', async () => {
    const res = await fetch(
      `${dash.app.url}/login`,
      form({ token: await dash.issuer.proctor(T), next: `/schedules/${SCHEDULE}` }),
    );
    expect(res.headers.get('location')).toBe(`/schedules/${SCHEDULE}`);
  });

  it('answers no input with a 5xx: query strings, bodies, types and methods', async () => {
    const token = await dash.issuer.proctor(T);
    const attempts: [string, RequestInit][] = [
      ...hostile.map((n): [string, RequestInit] => [`/login?next=${encodeURIComponent(n)}&reason=%00`, {}]),
      ['/login?token=%ZZ&next=%ZZ', {}],
      ['/login', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'garbage' }],
      ['/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":1}' }],
      ['/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '%%%' }],
      ['/login', { method: 'POST' }],
      ['/login', form({ token: 'x'.repeat(9000) })],
      ['/login', form({ token: `${token}\r\n` })],
      ['/login', form({ token: 'a.b.c', next: '\r\n' })],
      ['/login', { method: 'PUT', body: 'x' }],
      ['/login', { method: 'DELETE' }],
    ];
    for (const [path, init] of attempts) {
      const res = await fetch(`${dash.app.url}${path}`, { redirect: 'manual', ...init });
      expect(res.status, `${init.method ?? 'GET'} ${path.slice(0, 60)}`).toBeLessThan(500);
    }
  });
});

/** Sends headers declaring `declared` bytes and only a few of them: a server that waits for the body never answers. */
function declareLargeBody(path: string, declared: number, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const url = new URL(path, dash.app.url);
    const req = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(declared), ...headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer: the server waited for the body'));
    }, 5_000);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => undefined);
    req.write('token=');
  });
}

/** A chunked upload (no Content-Length) of `size` bytes. */
async function chunkedBody(path: string, size: number, headers: Record<string, string>) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const res = await fetch(`${dash.app.url}${path}`, {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
    redirect: 'manual',
  } as RequestInit);
  return { status: res.status, sent };
}

describe('body limits', () => {
  it('answers a 50 MB login, review or other POST with 413 from its Content-Length, before the body arrives', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T));
    expect(await declareLargeBody('/login', 50_000_000)).toBe(413);
    expect(await declareLargeBody(`/api/alerts/${alertId}/review`, 50_000_000, { cookie, origin: dash.app.url })).toBe(
      413,
    );
    // A route that takes no body is answered before it arrives too: 405, it is GET-only.
    expect(await declareLargeBody('/api/me', 50_000_000, { cookie, origin: dash.app.url })).toBe(405);
    expect(await declareLargeBody('/logout', 50_000_000, { origin: dash.app.url })).toBe(413);
  });

  it('stops reading a chunked body at the limit (login and review)', async () => {
    const login = await chunkedBody('/login', 8_000_000, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(login.status).toBe(413);
    expect(login.sent).toBeLessThan(8_000_000);
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T));
    const review = await chunkedBody(`/api/alerts/${alertId}/review`, 8_000_000, {
      'content-type': 'application/json',
      cookie,
      origin: dash.app.url,
    });
    expect(review.status).toBe(413);
    expect(review.sent).toBeLessThan(8_000_000);
  });
});

describe('refused tokens', () => {
  it.each([
    ['a tenant id of the wrong format', { tenant_id: 'bad tenant!', sub: 'p', role: 'proctor' }],
    ['a sub that is not a string', { tenant_id: T, sub: 42, role: 'proctor' }],
    ['a role that is not one', { tenant_id: T, sub: 'p', role: 'root' }],
  ])('%s: 401 with an ASCII-only WWW-Authenticate, on the API and at login', async (_name, claims) => {
    const token = await dash.issuer.sign(claims);
    const api = await fetch(`${dash.app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer realm="proctor-dashboard", error="invalid_token"/);
    expect(api.headers.get('www-authenticate')).toMatch(/^[\x20-\x7E]+$/);
    const login = await fetch(`${dash.app.url}/login`, form({ token }));
    expect(login.status).toBe(401);
  });
});

describe('server-side sessions', () => {
  it('lives in Redis with the token’s lifetime; logout deletes it, and the old cookie is refused', async () => {
    const { cookie } = await signIn(
      dash.app.url,
      await dash.issuer.sign({ tenant_id: T, sub: 'p-ttl', role: 'proctor' }, { expiresIn: '20m' }),
    );
    const id = cookie.slice(`${SESSION_COOKIE}=`.length).split('~')[0] as string;
    const ttl = await dash.redis.pttl(loginSessionKey(keyDigest(id), dash.prefix));
    expect(ttl).toBeGreaterThan(19 * 60_000);
    expect(ttl).toBeLessThanOrEqual(20 * 60_000);
    expect((await fetch(`${dash.app.url}/api/me`, { headers: { cookie } })).status).toBe(200);

    const out = await fetch(`${dash.app.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: dash.app.url },
    });
    expect(out.status).toBe(303);
    expect(await dash.redis.exists(loginSessionKey(keyDigest(id), dash.prefix))).toBe(0);
    // Replaying the old cookie: the API refuses it, a page sends the proctor to sign in.
    expect((await fetch(`${dash.app.url}/api/me`, { headers: { cookie } })).status).toBe(401);
    const page = await fetch(`${dash.app.url}/`, { headers: { cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/login\?reason=invalid/);
  });

  it('logout deletes the cookie with the attributes it was set with', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T));
    const out = await fetch(`${dash.app.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: dash.app.url },
    });
    const deletion = setCookieOf(out);
    expect(deletion).toMatch(/^__Host-proctor_session=[^;]*;/);
    for (const attr of [
      /;\s*Secure/i,
      /;\s*Path=\//i,
      /;\s*HttpOnly/i,
      /;\s*SameSite=Lax/i,
      /Expires=Thu, 01 Jan 1970/i,
    ]) {
      expect(deletion).toMatch(attr);
    }
    expect(deletion).not.toMatch(/Domain=/i);
  });

  it('a bad cookie is deleted with Secure and Path=/ (the browser ignores a __Host- deletion without them)', async () => {
    const page = await fetch(`${dash.app.url}/`, {
      headers: { cookie: `${SESSION_COOKIE}=garbage~x` },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    const deletion = setCookieOf(page);
    expect(deletion).toMatch(/^__Host-proctor_session=[^;]*;/);
    expect(deletion).toMatch(/;\s*Secure/i);
    expect(deletion).toMatch(/;\s*Path=\//i);
  });

  it('refuses a cross-site logout (and the session survives it)', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T));
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      {},
    ];
    for (const headers of attempts) {
      const res = await fetch(`${dash.app.url}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, ...headers },
      });
      expect(res.status).toBe(403);
      expect(setCookieOf(res)).toBe('');
    }
    expect((await fetch(`${dash.app.url}/api/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('ends an open SSE stream when its session is logged out', async () => {
    const { cookie } = await signIn(
      dash.app.url,
      await dash.issuer.sign({ tenant_id: T, sub: 'p-sse', role: 'proctor' }),
    );
    const stream = await fetch(`${dash.app.url}/api/schedules/${SCHEDULE}/stream`, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const ended = streamEnds(stream, 8_000);
    await fetch(`${dash.app.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: dash.app.url },
    });
    expect(await ended).toBe('ended');
  });

  it('caps the live streams one proctor holds open, and frees a place when one closes', async () => {
    const token = await dash.issuer.sign({ tenant_id: T, sub: 'p-cap', role: 'proctor' });
    const open = () =>
      fetch(`${dash.app.url}/api/schedules/${SCHEDULE}/stream`, { headers: { authorization: `Bearer ${token}` } });
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    expect((await third.json()).error.code).toBe('RATE_LIMITED');
    // Another proctor of the same tenant is not affected.
    const other = await fetch(`${dash.app.url}/api/schedules/${SCHEDULE}/stream`, {
      headers: { authorization: `Bearer ${await dash.issuer.sign({ tenant_id: T, sub: 'p-other', role: 'proctor' })}` },
    });
    expect(other.status).toBe(200);
    await other.body?.cancel();
    await first.body?.cancel();
    await expect
      .poll(
        async () => {
          const again = await open();
          await again.body?.cancel();
          return again.status;
        },
        { timeout: 5_000 },
      )
      .toBe(200);
    await second.body?.cancel();
  });
});

describe('headers', () => {
  it('pages carry a CSP with script hashes and frame-ancestors none; authenticated answers are no-store', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T));
    for (const path of ['/', `/schedules/${SCHEDULE}`]) {
      const res = await fetch(`${dash.app.url}${path}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const api = await fetch(`${dash.app.url}/api/me`, { headers: { cookie } });
    expect(api.headers.get('cache-control')).toBe('no-store');
    const login = await fetch(`${dash.app.url}/login`);
    expect(login.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });

  it('the exam page may be framed by the configured platform origins only', async () => {
    const res = await fetch(`${dash.app.url}/exam`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${PLATFORM}`);
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('echoes a plain request id and replaces anything else', async () => {
    const ok = await fetch(`${dash.app.url}/api/openapi.json`, { headers: { 'x-request-id': 'req-0123456789abcdef' } });
    expect(ok.headers.get('x-request-id')).toBe('req-0123456789abcdef');
    for (const bad of ['<script>alert(1)</script>', 'a b c d e f g h', 'x'.repeat(65), 'short']) {
      const res = await fetch(`${dash.app.url}/api/openapi.json`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the cookie cannot be made up', () => {
  it('a correctly sealed id that names no session is refused', async () => {
    const cookie = `${SESSION_COOKIE}=${sealSession('B'.repeat(43), dash.env.COOKIE_SECRET as string)}`;
    expect((await fetch(`${dash.app.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('sign-in hand-over from the platform', () => {
  const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';

  it('a platform launch POSTs the token cross-site: a session cookie (HttpOnly, Secure, Lax, expiring with the token) and the requested page', async () => {
    const { res, cookie } = await signIn(dash.app.url, await dash.issuer.proctor(T), `/schedules/${SCHEDULE}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/schedules/${SCHEDULE}`);
    const set = cookieOf(res);
    // The cookie names a server-side session: a random id and its HMAC, never the token.
    expect(set).toMatch(/^__Host-proctor_session=[A-Za-z0-9_-]{43}~[A-Za-z0-9_-]+;/);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/Secure/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\//i);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(set)?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
    const page = await fetch(`${dash.app.url}/schedules/${SCHEDULE}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cand-s');
  });

  it.each(['//evil.test/x', 'https://evil.test/', '/\\evil.test', '/%09/evil.test/phish', '/%2F/evil.test'])(
    'never redirects off-site after login (next=%s)',
    async (next) => {
      const { res } = await signIn(dash.app.url, await dash.issuer.proctor(T), next);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
    },
  );

  it('refuses an expired or wrong-role token at login with a reason and no cookie', async () => {
    const expired = await dash.issuer.sign(
      { tenant_id: T, sub: 'x', role: 'proctor' },
      { expiresIn: Math.floor(Date.now() / 1000) - 120 },
    );
    const candidate = await dash.issuer.sign({ tenant_id: T, sub: 'x', role: 'candidate' });
    for (const [token, reason] of [
      [expired, /expired/],
      [candidate, /role/],
    ] as const) {
      const { res, cookie } = await signIn(dash.app.url, token);
      expect(res.status).toBe(401);
      expect(cookie).toBe('');
      expect(await res.text()).toMatch(reason);
    }
  });

  it('a page without a session redirects to sign-in, keeping where the proctor was going', async () => {
    const res = await fetch(`${dash.app.url}/schedules/${SCHEDULE}?status=flagged`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/login?reason=signin&next=${encodeURIComponent(`/schedules/${SCHEDULE}?status=flagged`)}`,
    );
  });
});
