// Security of every /api route of the built dashboard as ONE table over roles and tenants: each route × {no cookie,
// expired, wrong role, other tenant, bad origin} → the status and code it must answer. Then the tokens that must never
// pass anywhere (forged, wrong issuer or audience, tampered, alg none, made-up cookies).
import type { ErrorCode } from '@proctor/contracts';
import { generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteId } from '../../src/server/api/routes.ts';
import { SESSION_COOKIE, sealSession } from '../../src/server/auth/sessionCookie.ts';
import { signIn } from '../testDashboard.ts';
import { bearer, ID_ROUTES, type Ids, ROUTE_IDS, roleOf, useApiDashboard } from './apiFixture.ts';

const api = useApiDashboard('api-security');
const { dash } = api;

type Case = 'no cookie' | 'expired' | 'wrong role' | 'other tenant' | 'bad origin';
/** What a route must answer: a refusal with its code, or served (2xx) with the caller's own tenant's data only. */
type Expected = { status: number; code: ErrorCode } | { status: '2xx' };

const refused = (status: number, code: ErrorCode): Expected => ({ status, code });
const SERVED: Expected = { status: '2xx' };

/**
 * The table. Roles: an admin route refuses a proctor (403 FORBIDDEN); a token whose role is neither (a candidate's)
 * is no proctor token at all (401 TOKEN_INVALID). Tenants: a route naming an id answers another tenant's id exactly
 * like a missing one (404); a list or a write without an id is served from the caller's own tenant. Origin: a
 * cookie-authenticated write from another site is refused (403); a read is not a write.
 */
function expected(id: RouteId, c: Case): Expected {
  const write = ROUTES[id].route.method === 'post';
  switch (c) {
    case 'no cookie':
      return refused(401, 'UNAUTHENTICATED');
    case 'expired':
      return refused(401, 'TOKEN_EXPIRED');
    case 'wrong role':
      return roleOf(id) === 'admin' ? refused(403, 'FORBIDDEN') : refused(401, 'TOKEN_INVALID');
    case 'other tenant':
      return ID_ROUTES.includes(id) ? refused(404, 'NOT_FOUND') : SERVED;
    case 'bad origin':
      return write ? refused(403, 'FORBIDDEN') : SERVED;
  }
}

/** The credentials each case sends, for route `id`: always aimed at tenant A's ids. */
async function credentials(id: RouteId, c: Case): Promise<{ headers: Record<string, string>; tenant: string }> {
  const role = roleOf(id);
  switch (c) {
    case 'no cookie':
      return { headers: {}, tenant: api.A };
    case 'expired': {
      const past = Math.floor(Date.now() / 1000) - 120;
      const token = await dash.issuer.sign({ tenant_id: api.A, sub: 'x', role }, { expiresIn: past });
      return { headers: bearer(token), tenant: api.A };
    }
    case 'wrong role': {
      const token =
        role === 'admin'
          ? await api.token(api.A, 'proctor')
          : await dash.issuer.sign({ tenant_id: api.A, sub: 'x', role: 'candidate' });
      return { headers: bearer(token), tenant: api.A };
    }
    case 'other tenant':
      return { headers: bearer(await api.token(api.B, role)), tenant: api.B };
    case 'bad origin': {
      const { cookie } = await signIn(dash.app.url, await api.token(api.A, role));
      return { headers: { cookie, origin: 'https://evil.test' }, tenant: api.A };
    }
  }
}

const CASES: Case[] = ['no cookie', 'expired', 'wrong role', 'other tenant', 'bad origin'];
const TABLE = ROUTE_IDS.flatMap((id) => CASES.map((c) => [id, c, expected(id, c)] as const));

describe('every route × every refusal case', () => {
  it.each(TABLE)('%s, %s → %o', async (id, c, want) => {
    const { headers, tenant } = await credentials(id, c);
    const res = await api.callAs(id, api.ids.A, headers, tenant);
    if (want.status === '2xx') {
      expect(res.status, res.text).toBeGreaterThanOrEqual(200);
      expect(res.status, res.text).toBeLessThan(300);
      // Served from the caller's own tenant: never a word of tenant A's data to tenant B.
      if (tenant === api.B) expect(res.text).not.toContain(api.ids.A.session);
      return;
    }
    expect(res.status, res.text).toBe(want.status);
    expect(res.json().error.code, res.text).toBe(want.code);
    if (want.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    expect(res.text).not.toContain(api.ids.A.session);
    expect(res.json().error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('a refused write changed nothing: no audit entry from another origin or tenant', async () => {
    const [[row]] = (await dash.db.pool.query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE alert_id = ? AND action <> 'view_thumbnail'",
      [api.ids.A.alert],
    )) as unknown as [{ n: number }[]];
    expect(Number(row?.n)).toBe(0);
  });
});

describe('another tenant’s ids read exactly like ids that do not exist', () => {
  const missing: Ids = { schedule: 'exam-none', session: 'f'.repeat(64), alert: 'e'.repeat(64) };
  it.each(ID_ROUTES)('%s', async (id) => {
    const headers = bearer(await api.token(api.B, roleOf(id)));
    const [foreign, absent] = await Promise.all([
      api.callAs(id, api.ids.A, headers, api.B),
      api.callAs(id, missing, headers, api.B),
    ]);
    expect(foreign.status).toBe(absent.status);
    const strip = (b: string) => ({ ...JSON.parse(b).error, requestId: '' });
    expect(strip(foreign.text)).toEqual(strip(absent.text));
  });

  it('lists show only the token’s tenant, whatever the URL says', async () => {
    const tokenB = await api.token(api.B);
    const schedules = await api.call(
      { method: 'GET', path: `/api/schedules?tenant_id=${api.A}&tenantId=${api.A}` },
      bearer(tokenB),
    );
    expect(schedules.status).toBe(200);
    expect(schedules.json().schedules.map((s: { examScheduleId: string }) => s.examScheduleId)).toEqual(['exam-b']);
    const me = await api.call({ method: 'GET', path: `/api/me?tenant_id=${api.A}` }, bearer(tokenB));
    expect(me.json().tenantId).toBe(api.B);
  });

  it('a body naming a tenant is refused', async () => {
    const res = await api.call(
      {
        method: 'POST',
        path: `/api/alerts/${api.ids.B.alert}/review`,
        body: { action: 'acknowledge', note: 'x', tenantId: api.A },
      },
      bearer(await api.token(api.B)),
    );
    expect(res.status).toBe(400);
    expect(res.json().error.message).toMatch(/tenantId/);
  });
});

describe('tokens and cookies that never pass, on every route', () => {
  const otherKey = generateKeyPair('RS256');
  const A = () => api.A;
  const cases: [string, () => Promise<Record<string, string>>][] = [
    [
      'forged (signed by another key)',
      async () =>
        bearer(
          await dash.issuer.sign({ tenant_id: A(), sub: 'x', role: 'admin' }, { key: (await otherKey).privateKey }),
        ),
    ],
    [
      'an exam token (no role)',
      async () =>
        bearer(
          await dash.issuer.sign({ tenant_id: A(), exam_schedule_id: 'exam-a', user_id: 'cand-1', attempt_no: 1 }),
        ),
    ],
    [
      'wrong issuer',
      async () =>
        bearer(await dash.issuer.sign({ tenant_id: A(), sub: 'x', role: 'admin' }, { issuer: 'https://evil.test' })),
    ],
    [
      'wrong audience',
      async () => bearer(await dash.issuer.sign({ tenant_id: A(), sub: 'x', role: 'admin' }, { audience: 'edge' })),
    ],
    [
      'tampered payload (tenant swapped)',
      async () => {
        const [h, , s] = (await api.token(api.B, 'admin')).split('.');
        const payload = Buffer.from(
          JSON.stringify({ tenant_id: A(), sub: 'x', role: 'admin', exp: 4_000_000_000, iss: 'https://platform.test' }),
        ).toString('base64url');
        return bearer(`${h}.${payload}.${s}`);
      },
    ],
    [
      'alg none',
      async () => {
        const h = Buffer.from('{"alg":"none"}').toString('base64url');
        const p = Buffer.from(JSON.stringify({ tenant_id: A(), sub: 'x', role: 'admin', exp: 4_000_000_000 })).toString(
          'base64url',
        );
        return bearer(`${h}.${p}.`);
      },
    ],
    [
      'cookie of a real session sealed with another secret',
      async () => {
        const { cookie } = await signIn(dash.app.url, await api.token(api.A, 'admin'));
        const id = cookie.slice(`${SESSION_COOKIE}=`.length).split('~')[0] as string;
        return { cookie: `${SESSION_COOKIE}=${sealSession(id, 'z'.repeat(40))}` };
      },
    ],
    ['cookie holding a bare token (no seal)', async () => ({ cookie: `${SESSION_COOKIE}=${await api.token(api.A)}` })],
    [
      'cookie naming a session that does not exist (correctly sealed)',
      async () => ({ cookie: `${SESSION_COOKIE}=${sealSession('A'.repeat(43), dash.env.COOKIE_SECRET as string)}` }),
    ],
  ];
  for (const [name, headersFor] of cases) {
    it.each(ROUTE_IDS)(`${name}: %s → 401 with the error envelope`, async (id) => {
      const res = await api.callAs(id, api.ids.A, await headersFor(), api.A);
      expect(res.status, res.text).toBe(401);
      expect(res.json().error.code).toMatch(/^(UNAUTHENTICATED|TOKEN_INVALID|TOKEN_EXPIRED)$/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      // A refused cookie is deleted with the attributes it was set with.
      if (name.startsWith('cookie'))
        expect(res.headers.get('set-cookie')).toMatch(/^__Host-proctor_session=[^;]*; Path=\/;.*Secure/i);
    });
  }
});
