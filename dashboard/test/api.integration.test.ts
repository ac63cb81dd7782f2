// Cross-tenant and token matrix over EVERY /api route of the built dashboard: forged, expired, wrong-role and
// otherwise bad tokens are refused with 401; another tenant's ids answer 404 exactly like unknown ones; the
// tenant never comes from the URL or body. Positive controls prove each request would succeed when allowed.
import { type AnomalyEvent, LIVE_CHANGES_FIELD, liveChangesKey, receiptHead } from '@proctor/contracts';
import { generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ROUTES } from '../src/server/api/routes.ts';
import { requiredRole } from '../src/server/auth/roles.ts';
import { SESSION_COOKIE, sealSession } from '../src/server/auth/sessionCookie.ts';
import { RECEIPT_CHECKS_PER_MINUTE, RECEIPT_MAX_EVENTS } from '../src/server/receipt/boundedReceipt.ts';
import { rand, seedThumbnail, signIn, useTestDashboard } from './testDashboard.ts';

const PORT = 14402;
const A = `tenant-a-${rand(3)}`;
const B = `tenant-b-${rand(3)}`;

const dash = useTestDashboard('dash', { port: PORT });

const ids = { A: { schedule: 'exam-a', session: '', alert: '' }, B: { schedule: 'exam-b', session: '', alert: '' } };
type Ids = (typeof ids)['A'];
/** The one evidence event each tenant's alert holds (what a receipt is checked against). */
const held = {} as Record<
  'A' | 'B',
  { eventId: string; timestamp: number; confidence: number; durationMillis: number }
>;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** One request per route id; `satisfies` makes a new route in ROUTES a type error here until it is covered. */
const CALLS = {
  me: () => ({ method: 'GET', path: '/api/me' }),
  schedules: () => ({ method: 'GET', path: '/api/schedules' }),
  sessions: (i: Ids) => ({ method: 'GET', path: `/api/schedules/${i.schedule}/sessions` }),
  stream: (i: Ids) => ({ method: 'GET', path: `/api/schedules/${i.schedule}/stream` }),
  session: (i: Ids) => ({ method: 'GET', path: `/api/sessions/${i.session}` }),
  risk: (i: Ids) => ({ method: 'GET', path: `/api/sessions/${i.session}/risk` }),
  audit: (i: Ids) => ({ method: 'GET', path: `/api/sessions/${i.session}/audit` }),
  receipt: (i: Ids) => ({
    method: 'POST',
    path: `/api/sessions/${i.session}/receipt`,
    body: { version: 1, sessionId: i.session, events: [], head: '0'.repeat(64) },
  }),
  review: (i: Ids) => ({
    method: 'POST',
    path: `/api/alerts/${i.alert}/review`,
    body: { action: 'acknowledge', note: 'matrix' },
  }),
  policy: () => ({ method: 'GET', path: '/api/admin/policy' }),
  policySave: () => ({ method: 'POST', path: '/api/admin/policy', body: { policy: {}, expectedVersion: 0 } }),
  schedulePolicy: (i: Ids) => ({ method: 'GET', path: `/api/admin/schedules/${i.schedule}/policy` }),
  schedulePolicySave: (i: Ids) => ({
    method: 'POST',
    path: `/api/admin/schedules/${i.schedule}/policy`,
    body: { policy: {}, expectedVersion: 0 },
  }),
  policyAudit: () => ({ method: 'GET', path: '/api/admin/audit' }),
  erasure: () => ({ method: 'POST', path: '/api/admin/erasure', body: { userId: 'nobody' } }),
  thumbnail: (i: Ids) => ({ method: 'GET', path: `/api/alerts/${i.alert}/thumbnail` }),
} satisfies Record<keyof typeof ROUTES, (i: Ids) => Call>;
const ROUTE_IDS = Object.keys(CALLS) as (keyof typeof CALLS)[];
/** Routes that name a tenant's resource by id: another tenant's id must be a 404. (Admin routes are tenant-scoped
 * writes and lists; test/roles.integration.test.ts covers them.) */
const ID_ROUTES = ROUTE_IDS.filter(
  (r) => r !== 'me' && r !== 'schedules' && !CALLS[r](ids.A).path.startsWith('/api/admin/'),
);

async function call(
  c: Call,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Headers }> {
  const controller = new AbortController();
  const res = await fetch(`${dash.app.url}${c.path}`, {
    method: c.method,
    headers: { ...headers, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: typeof c.body === 'string' ? c.body : c.body ? JSON.stringify(c.body) : undefined,
    redirect: 'manual',
    signal: controller.signal,
  });
  // An SSE stream never ends by itself: read what has arrived, then hang up.
  const body = res.headers.get('content-type')?.startsWith('text/event-stream')
    ? await readSome(res)
    : await res.text();
  controller.abort();
  return { status: res.status, body, headers: res.headers };
}

async function readSome(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  for (const [tenant, i] of [
    [A, ids.A],
    [B, ids.B],
  ] as const) {
    i.session = await dash.seedSession({ tenantId: tenant, scheduleId: i.schedule, userId: 'cand-1', risk: 50 });
    const eventId = crypto.randomUUID();
    held[tenant === A ? 'A' : 'B'] = { eventId, timestamp: Date.now() - 20_000, confidence: 0.9, durationMillis: 3000 };
    i.alert = await dash.seedAlert({
      tenantId: tenant,
      sessionId: i.session,
      evidence: [held[tenant === A ? 'A' : 'B']],
    });
    await seedThumbnail(tenant, i.session, eventId);
    await dash.seedSnapshots(tenant, i.session, [10, 50]);
  }
}, 180_000);

describe('positive control: the owner is served on every route', () => {
  it.each(ROUTE_IDS)('%s → 2xx for its own tenant', async (route) => {
    const c: Call = CALLS[route](ids.A);
    const role = requiredRole(c.path);
    // A save starts from the stored version, so a retried test saves again instead of conflicting.
    if (c.method === 'POST' && c.path.endsWith('/policy')) {
      const current = await call(
        { method: 'GET', path: c.path },
        bearer(await dash.issuer.proctor(A, 'admin-a', 'admin')),
      );
      c.body = { policy: {}, expectedVersion: JSON.parse(current.body).version };
    }
    const res = await call(c, bearer(await dash.issuer.proctor(A, `${role}-a`, role)));
    expect(res.status, res.body).toBeGreaterThanOrEqual(200);
    expect(res.status, res.body).toBeLessThan(300);
  });
});

describe('refused tokens, on every route', () => {
  const otherKey = generateKeyPair('RS256');
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no credentials', async () => ({})],
    [
      'forged (signed by another key)',
      async () =>
        bearer(await dash.issuer.sign({ tenant_id: A, sub: 'x', role: 'admin' }, { key: (await otherKey).privateKey })),
    ],
    [
      'expired',
      async () =>
        bearer(
          await dash.issuer.sign(
            { tenant_id: A, sub: 'x', role: 'proctor' },
            { expiresIn: Math.floor(Date.now() / 1000) - 120 },
          ),
        ),
    ],
    [
      'wrong role (candidate)',
      async () => bearer(await dash.issuer.sign({ tenant_id: A, sub: 'x', role: 'candidate' })),
    ],
    [
      'an exam token (no role)',
      async () =>
        bearer(await dash.issuer.sign({ tenant_id: A, exam_schedule_id: 'exam-a', user_id: 'cand-1', attempt_no: 1 })),
    ],
    [
      'wrong issuer',
      async () =>
        bearer(await dash.issuer.sign({ tenant_id: A, sub: 'x', role: 'proctor' }, { issuer: 'https://evil.test' })),
    ],
    [
      'wrong audience',
      async () => bearer(await dash.issuer.sign({ tenant_id: A, sub: 'x', role: 'proctor' }, { audience: 'edge' })),
    ],
    [
      'tampered payload (tenant swapped)',
      async () => {
        const [h, , s] = (await dash.issuer.proctor(B)).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            tenant_id: A,
            sub: 'x',
            role: 'admin',
            exp: 4_000_000_000,
            iss: 'https://platform.test',
            aud: 'proctor-dashboard',
          }),
        ).toString('base64url');
        return bearer(`${h}.${payload}.${s}`);
      },
    ],
    [
      'alg none',
      async () => {
        const h = Buffer.from('{"alg":"none"}').toString('base64url');
        const p = Buffer.from(JSON.stringify({ tenant_id: A, sub: 'x', role: 'admin', exp: 4_000_000_000 })).toString(
          'base64url',
        );
        return bearer(`${h}.${p}.`);
      },
    ],
    [
      'cookie of a real session sealed with another secret',
      async () => {
        const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(A));
        const id = cookie.slice(`${SESSION_COOKIE}=`.length).split('~')[0] as string;
        return { cookie: `${SESSION_COOKIE}=${sealSession(id, 'z'.repeat(40))}` };
      },
    ],
    [
      'cookie holding a bare token (no seal)',
      async () => ({ cookie: `${SESSION_COOKIE}=${await dash.issuer.proctor(A)}` }),
    ],
    [
      'cookie naming a session that does not exist (correctly sealed)',
      async () => ({ cookie: `${SESSION_COOKIE}=${sealSession('A'.repeat(43), dash.env.COOKIE_SECRET as string)}` }),
    ],
  ];
  for (const [name, headersFor] of cases) {
    it.each(ROUTE_IDS)(`${name}: %s → 401 with the error envelope`, async (route) => {
      const res = await call(CALLS[route](ids.A), await headersFor());
      expect(res.status, res.body).toBe(401);
      expect(JSON.parse(res.body).error.code).toMatch(/^(UNAUTHENTICATED|TOKEN_INVALID|TOKEN_EXPIRED)$/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      expect(res.body).not.toContain(ids.A.session);
    });
  }
});

describe('another tenant’s ids', () => {
  it.each(ID_ROUTES)('%s with tenant A’s ids and tenant B’s token → 404', async (route) => {
    const res = await call(CALLS[route](ids.A), bearer(await dash.issuer.proctor(B)));
    expect(res.status, res.body).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('NOT_FOUND');
  });

  it.each(ID_ROUTES)('%s: A’s id for B reads exactly like an id that does not exist', async (route) => {
    const missing = { schedule: 'exam-none', session: 'f'.repeat(64), alert: 'e'.repeat(64) };
    const tokenB = await dash.issuer.proctor(B);
    const [foreign, absent] = await Promise.all([
      call(CALLS[route](ids.A), bearer(tokenB)),
      call(CALLS[route](missing), bearer(tokenB)),
    ]);
    expect(foreign.status).toBe(absent.status);
    const strip = (b: string) => ({ ...JSON.parse(b).error, requestId: '' });
    expect(strip(foreign.body)).toEqual(strip(absent.body));
  });

  it('the same tenant-B cookie session gets 404 too (cookie path, not only bearer)', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(B));
    // Writes carry the dashboard's own Origin, as the browser sends it, so they reach the tenant check.
    for (const route of ID_ROUTES) {
      const res = await call(CALLS[route](ids.A), { cookie, origin: dash.app.url });
      expect(res.status, `${route}: ${res.body}`).toBe(404);
    }
  });

  it('lists (me, schedules) show only the token’s tenant, whatever the URL says', async () => {
    const tokenB = await dash.issuer.proctor(B);
    const schedules = await call(
      { method: 'GET', path: `/api/schedules?tenant_id=${A}&tenantId=${A}` },
      bearer(tokenB),
    );
    expect(schedules.status).toBe(200);
    expect(JSON.parse(schedules.body).schedules.map((s: { examScheduleId: string }) => s.examScheduleId)).toEqual([
      'exam-b',
    ]);
    const me = await call({ method: 'GET', path: `/api/me?tenant_id=${A}` }, bearer(tokenB));
    expect(JSON.parse(me.body).tenantId).toBe(B);
  });

  it('a review naming a tenant in its body is refused, and A’s alert is untouched by B', async () => {
    const tokenB = await dash.issuer.proctor(B);
    const withTenant = await call(
      {
        method: 'POST',
        path: `/api/alerts/${ids.B.alert}/review`,
        body: { action: 'acknowledge', note: 'x', tenantId: A },
      },
      bearer(tokenB),
    );
    expect(withTenant.status).toBe(400);
    expect(JSON.parse(withTenant.body).error.message).toMatch(/tenantId/);
    const dismissForeign = await call(
      { method: 'POST', path: `/api/alerts/${ids.A.alert}/review`, body: { action: 'dismiss', note: 'not mine' } },
      bearer(tokenB),
    );
    expect(dismissForeign.status).toBe(404);
    const [[row]] = (await dash.db.pool.query('SELECT status FROM alerts WHERE alert_id = ?', [
      ids.A.alert,
    ])) as unknown as [{ status: string }[]];
    const [[audit]] = (await dash.db.pool.query('SELECT COUNT(*) AS n FROM audit_log WHERE actor = ?', [
      `proctor-${B}`,
    ])) as unknown as [{ n: number }[]];
    expect(row?.status).not.toBe('dismissed');
    expect(Number(audit?.n)).toBe(0);
  });
});

describe('a review reaches every live view', () => {
  it('announces the reviewed alert on the live change stream after its commit', async () => {
    const res = await call(
      { method: 'POST', path: `/api/alerts/${ids.A.alert}/review`, body: { action: 'acknowledge', note: 'seen' } },
      bearer(await dash.issuer.proctor(A)),
    );
    expect(res.status).toBe(200);
    const newest = (await dash.redis.xrevrange(liveChangesKey(dash.prefix), '+', '-', 'COUNT', 1)) as [
      string,
      string[],
    ][];
    const fields = newest[0]?.[1] ?? [];
    const changes = JSON.parse(fields[fields.indexOf(LIVE_CHANGES_FIELD) + 1] ?? '[]');
    expect(changes).toEqual([{ tenantId: A, scheduleId: ids.A.schedule, sessionIds: [], alertIds: [ids.A.alert] }]);
  });
});

describe('cookie writes from another origin', () => {
  it('a cookie-authenticated review from another origin is refused with 403 and changes nothing', async () => {
    const { cookie } = await signIn(dash.app.url, await dash.issuer.proctor(A));
    const res = await call(
      { method: 'POST', path: `/api/alerts/${ids.A.alert}/review`, body: { action: 'dismiss', note: 'csrf attempt' } },
      { cookie, origin: 'https://evil.test' },
    );
    expect(res.status).toBe(403);
    const [[row]] = (await dash.db.pool.query('SELECT COUNT(*) AS n FROM audit_log WHERE note = ?', [
      'csrf attempt',
    ])) as unknown as [{ n: number }[]];
    expect(Number(row?.n)).toBe(0);
  });
});

describe('validation and the API description', () => {
  it('a dismissal without a note says how to fix it', async () => {
    const res = await call(
      { method: 'POST', path: `/api/alerts/${ids.A.alert}/review`, body: { action: 'dismiss' } },
      bearer(await dash.issuer.proctor(A)),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/note: a dismissal needs a note/);
  });

  it('an unknown filter value names the allowed ones', async () => {
    const res = await call(
      { method: 'GET', path: '/api/schedules/exam-a/sessions?rule=cheating' },
      bearer(await dash.issuer.proctor(A)),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/rule: .*look_away/);
  });

  it('openapi.json describes every route of the matrix', async () => {
    const res = await fetch(`${dash.app.url}/api/openapi.json`);
    const doc = await res.json();
    const ops = Object.values(doc.paths)
      .flatMap((p) => Object.values(p as Record<string, { operationId: string }>))
      .map((o) => o.operationId);
    expect(ops.sort()).toEqual([...ROUTE_IDS].sort());
    expect(
      doc.paths['/api/alerts/{alertId}/review'].post.requestBody.content['application/json'].schema.properties.action
        .enum,
    ).toEqual(['acknowledge', 'dismiss']);
  });
});

describe('sign-in hand-over from the platform', () => {
  const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';

  it('a platform launch POSTs the token cross-site: a session cookie (HttpOnly, Secure, Lax, expiring with the token) and the requested page', async () => {
    const { res, cookie } = await signIn(dash.app.url, await dash.issuer.proctor(A), '/schedules/exam-a');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/schedules/exam-a');
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
    const page = await fetch(`${dash.app.url}/schedules/exam-a`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cand-1');
  });

  it.each(['//evil.test/x', 'https://evil.test/', '/\\evil.test', '/%09/evil.test/phish', '/%2F/evil.test'])(
    'never redirects off-site after login (next=%s)',
    async (next) => {
      const { res } = await signIn(dash.app.url, await dash.issuer.proctor(A), next);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
    },
  );

  it('refuses an expired or wrong-role token at login with a reason and no cookie', async () => {
    const expired = await dash.issuer.sign(
      { tenant_id: A, sub: 'x', role: 'proctor' },
      { expiresIn: Math.floor(Date.now() / 1000) - 120 },
    );
    const candidate = await dash.issuer.sign({ tenant_id: A, sub: 'x', role: 'candidate' });
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
    const res = await fetch(`${dash.app.url}/schedules/exam-a?status=flagged`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/login?reason=signin&next=${encodeURIComponent('/schedules/exam-a?status=flagged')}`,
    );
  });
});

describe('the receipt check', () => {
  /** A receipt of `n` LOOK_AWAY events, the held evidence event among them, with its chain head. */
  async function receiptWith(
    n: number,
    edit: (events: AnomalyEvent[]) => void = () => undefined,
    sessionId = ids.A.session,
  ) {
    const h = held.A;
    const events: AnomalyEvent[] = Array.from({ length: n }, (_, k) => ({
      eventId: crypto.randomUUID(),
      type: 'LOOK_AWAY' as const,
      timestamp: h.timestamp - (n - k) * 1000,
      confidence: 0.8,
      details: { durationMillis: 1500, direction: 'LEFT' as const, yawDegrees: 31.5, pitchDegrees: -4.25 },
    }));
    events[n - 1] = {
      eventId: h.eventId,
      type: 'LOOK_AWAY',
      timestamp: h.timestamp,
      confidence: h.confidence,
      details: { durationMillis: h.durationMillis },
    };
    const head = await receiptHead(sessionId, events);
    edit(events);
    return { version: 1, sessionId, events, head };
  }
  /** Posts A's receipt check; a string body is sent as it is (for malformed JSON). */
  const post = async (body: unknown) =>
    call(
      { method: 'POST', path: `/api/sessions/${ids.A.session}/receipt`, body },
      bearer(await dash.issuer.proctor(A)),
    );

  it('a whole exam’s receipt (over the 16 KiB default body limit) verifies when untouched', async () => {
    const body = await receiptWith(300);
    expect(JSON.stringify(body).length).toBeGreaterThan(16 * 1024);
    const res = await post(body);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sessionId: ids.A.session, ok: true, checkedEvents: 1 });
  });

  it('fails for a changed event, whether or not the chain was recomputed over the change', async () => {
    const edited = await receiptWith(20, (events) => {
      const e = events[3];
      if (e) e.confidence = 0.1;
    });
    const broken = JSON.parse((await post(edited)).body);
    expect(broken.ok).toBe(false);
    expect(broken.problems.join(' ')).toMatch(/hash chain does not match/);

    const rechained = await receiptWith(20, () => undefined);
    const last = rechained.events.at(-1);
    if (last) last.confidence = 0.5;
    rechained.head = await receiptHead(ids.A.session, rechained.events);
    const differs = JSON.parse((await post(rechained)).body);
    expect(differs.ok).toBe(false);
    expect(differs.problems).toEqual([`event ${held.A.eventId} differs from what the system holds`]);
  });

  it('fails for another session’s receipt, and for one that dropped the held event', async () => {
    const other = JSON.parse((await post(await receiptWith(5, () => undefined, ids.B.session))).body);
    expect(other.ok).toBe(false);
    expect(other.problems).toContain('the receipt is for another session');
    const dropped = await receiptWith(5);
    dropped.events.pop();
    dropped.head = await receiptHead(ids.A.session, dropped.events);
    const missing = JSON.parse((await post(dropped)).body);
    expect(missing.problems).toEqual([`event ${held.A.eventId} is held by the system but missing from the receipt`]);
  });

  it('answers malformed JSON 400, a non-receipt 400 and a receipt over 2 MiB 413, each with its code', async () => {
    const malformed = await post('{"version":1,');
    expect([malformed.status, JSON.parse(malformed.body).error.code]).toEqual([400, 'MALFORMED_JSON']);
    const invalid = await post({ version: 2, events: 'none' });
    expect([invalid.status, JSON.parse(invalid.body).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const hugeReceipt = await receiptWith(15_000);
    expect(JSON.stringify(hugeReceipt).length).toBeGreaterThan(2 * 1024 * 1024);
    const huge = await post(hugeReceipt);
    expect([huge.status, JSON.parse(huge.body).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it(`refuses more than ${RECEIPT_MAX_EVENTS} events with 413 RECEIPT_TOO_MANY_EVENTS, well below the body limit`, async () => {
    const many = { ...(await receiptWith(1)), events: Array.from({ length: RECEIPT_MAX_EVENTS + 1 }, () => ({})) };
    expect(JSON.stringify(many).length).toBeLessThan(1024 * 1024);
    const res = await post(many);
    expect([res.status, JSON.parse(res.body).error.code]).toEqual([413, 'RECEIPT_TOO_MANY_EVENTS']);
    expect(JSON.parse(res.body).error.message).toContain(String(RECEIPT_MAX_EVENTS));
  });

  it(`allows one proctor ${RECEIPT_CHECKS_PER_MINUTE} checks a minute, then 429 RATE_LIMITED with Retry-After`, async () => {
    const flooder = bearer(await dash.issuer.proctor(A, 'receipt-flooder'));
    const receipt = { version: 1, sessionId: ids.A.session, events: [], head: '0'.repeat(64) };
    const check = () =>
      call({ method: 'POST', path: `/api/sessions/${ids.A.session}/receipt`, body: receipt }, flooder);
    for (let i = 0; i < RECEIPT_CHECKS_PER_MINUTE; i++) expect((await check()).status).toBe(200);
    const refused = await check();
    expect([refused.status, JSON.parse(refused.body).error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another proctor's checks are not held back by this one.
    expect((await post(await receiptWith(2))).status).toBe(200);
  });
});
