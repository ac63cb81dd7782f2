// Security through HTTP in real workerd: every RFC 8725 pitfall is refused with 401 and a correct
// WWW-Authenticate, another tenant's session is never reachable, and no token ever reaches a log line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_AUDIENCE, DEV_ISSUER, devPublicKeyPem, signRawWithDevKey } from '@proctor/testkit';
import { candidate, noFaceEvent, post, randomIdentity, type StartedEdge, startEdge } from '@proctor/testkit/edge';
import { useEdgeUnderTest } from '@proctor/testkit/edge/useEdgeUnderTest';
import { exportJWK, generateKeyPair, importSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const h = useEdgeUnderTest({ env: { JWT_CLOCK_TOLERANCE_SECONDS: '30' } });
const tokensUsed: string[] = [];

const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claims = () => ({ ...randomIdentity(), iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: now(), exp: now() + 600 });
/** A Bearer token signed RS256 with the dev key over fresh claims with `change()` laid on top (made when used). */
const signedWith = (change: () => Record<string, unknown>) => async () =>
  `Bearer ${await signRawWithDevKey({ alg: 'RS256' }, { ...claims(), ...change() })}`;

async function attempt(authorization: string | undefined) {
  if (authorization) tokensUsed.push(authorization.replace(/^Bearer /, ''));
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  return post(h.edge.url, '/sessions/start', {}, headers);
}

describe('RFC 8725: refused tokens', () => {
  const cases: [string, () => Promise<string | undefined>, string][] = [
    ['no Authorization header', async () => undefined, 'UNAUTHENTICATED'],
    ['a scheme other than Bearer', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, 'TOKEN_INVALID'],
    ['alg none', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'TOKEN_INVALID'],
    [
      'HS256 signed with the RSA public key as the secret',
      async () => {
        const secret = new TextEncoder().encode(await devPublicKeyPem());
        return `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`;
      },
      'TOKEN_INVALID',
    ],
    ['expired beyond the tolerance', signedWith(() => ({ exp: now() - 120 })), 'TOKEN_EXPIRED'],
    ['not valid before a future nbf', signedWith(() => ({ nbf: now() + 600 })), 'TOKEN_INVALID'],
    ['no exp', signedWith(() => ({ exp: undefined })), 'TOKEN_INVALID'],
    ['a wrong issuer', signedWith(() => ({ iss: 'evil' })), 'TOKEN_INVALID'],
    ['a wrong audience', signedWith(() => ({ aud: 'other-app' })), 'TOKEN_INVALID'],
    [
      'an unknown crit header',
      async () => `Bearer ${await signRawWithDevKey({ alg: 'RS256', crit: ['x-evil'], 'x-evil': true }, claims())}`,
      'TOKEN_INVALID',
    ],
    [
      'kid, jku and an embedded jwk pointing at the attacker key',
      async () => {
        const attacker = await generateKeyPair('RS256', { extractable: true });
        const jwk = await exportJWK(attacker.publicKey);
        const header = { alg: 'RS256', kid: 'attacker', jku: 'http://127.0.0.1:1/jwks.json', jwk };
        return `Bearer ${await new SignJWT(claims()).setProtectedHeader(header).sign(attacker.privateKey)}`;
      },
      'TOKEN_INVALID',
    ],
    [
      'signed by another RSA key',
      async () => {
        const other = await generateKeyPair('RS256');
        return `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(other.privateKey)}`;
      },
      'TOKEN_INVALID',
    ],
    ['a header over the size cap', signedWith(() => ({ pad: 'x'.repeat(9000) })), 'TOKEN_TOO_LARGE'],
    ['attempt_no as a string', signedWith(() => ({ attempt_no: '1' })), 'TOKEN_INVALID'],
    ['a tenant_id that is not an id', signedWith(() => ({ tenant_id: 't1 {*}' })), 'TOKEN_INVALID'],
    ['a missing identity claim', signedWith(() => ({ user_id: undefined })), 'TOKEN_INVALID'],
    ['garbage', async () => 'Bearer not.a.jwt', 'TOKEN_INVALID'],
  ];

  for (const [name, make, code] of cases) {
    it(`refuses ${name} with 401 ${code}`, async () => {
      const res = await attempt(await make());
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe(code);
      expect(res.json.error.requestId).toBe(res.headers.get('X-Request-Id'));
      const challenge = res.headers.get('WWW-Authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer realm="proctor-edge"/);
      // RFC 7235/6750: a header value of printable ASCII only (the tenant id's message has an en dash).
      expect(challenge).toMatch(/^[\x20-\x7E]+$/);
      if (code === 'UNAUTHENTICATED') expect(challenge).not.toContain('error=');
      else expect(challenge).toContain('error="invalid_token"');
    });
  }

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await signRawWithDevKey({ alg: 'RS256' }, { ...claims(), exp: now() - 10 });
    expect((await attempt(`Bearer ${token}`)).status).toBe(201);
  });

  it('guards every route but /healthz and /openapi.json', async () => {
    for (const path of ['/sessions/start', '/sessions/heartbeat', '/sessions/end', '/events/batch']) {
      const res = await post(h.edge.url, path, {});
      expect(res.status, path).toBe(401);
    }
  });
});

describe('tenant isolation', () => {
  it("never reads or writes another tenant's session, whatever the body says", async () => {
    const victim = await candidate(h.edge.url);
    expect((await victim.call('/sessions/start')).status).toBe(201);
    // Same schedule, user and attempt in another tenant: a different session, and no way to address the victim's.
    const attacker = await candidate(h.edge.url, { ...victim.identity, tenant_id: `${victim.identity.tenant_id}-x` });
    tokensUsed.push(victim.token, attacker.token);
    for (const [path, body] of [
      ['/sessions/heartbeat', { sessionId: victim.sessionId }],
      ['/events/batch', { sessionId: victim.sessionId, events: [noFaceEvent()] }],
      ['/sessions/end', { sessionId: victim.sessionId }],
    ] as const) {
      const res = await attacker.call(path, body);
      expect(res.status, path).toBe(403);
      expect(res.json.error.code).toBe('SESSION_MISMATCH');
    }
    // The tenant comes from the token only: a body cannot name one.
    const smuggled = await attacker.call('/sessions/start', { tenant_id: victim.identity.tenant_id });
    expect(smuggled.status).toBe(400);
    // The victim's session is untouched.
    const beat = await victim.call('/sessions/heartbeat', { sessionId: victim.sessionId });
    expect(beat.status).toBe(200);
    const records = await h.topic.readAll(2, { key: JSON.stringify(victim.sessionId), lingerMs: 500 });
    expect(records.map((r) => r.value.kind)).toEqual(['session_started', 'heartbeat']);
  });

  it("refuses another attempt's session within the same tenant", async () => {
    const first = await candidate(h.edge.url);
    const second = await candidate(h.edge.url, { ...first.identity, attempt_no: 2 });
    expect((await first.call('/sessions/start')).status).toBe(201);
    const res = await second.call('/events/batch', { sessionId: first.sessionId, events: [noFaceEvent()] });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('SESSION_MISMATCH');
  });
});

describe('who decides the thresholds', () => {
  it('takes a platform-signed proctoring claim and refuses a body that would loosen it', async () => {
    const c = await candidate(h.edge.url, {
      ...randomIdentity(),
      proctoring: { examConfig: { maxLookAwaySeconds: 8 }, accommodations: { overrides: { noFaceMaxSeconds: 20 } } },
    });
    const loose = await c.call('/sessions/start', { examConfig: { maxLookAwaySeconds: 600 } });
    expect(loose.status).toBe(403);
    expect(loose.json.error.code).toBe('EXAM_CONFIG_LOOSENED');
    expect(loose.json.error.details).toMatchObject({ field: 'examConfig.maxLookAwaySeconds', limit: 8 });
    const res = await c.call('/sessions/start', { examConfig: { maxLookAwayWindowSeconds: 600 } });
    expect(res.status).toBe(201);
    expect(res.json.session.examConfig).toMatchObject({
      maxLookAwaySeconds: 8,
      maxLookAwayWindowSeconds: 600,
      noFaceMaxSeconds: 20,
    });
  });

  it('refuses body thresholds with 403 when the edge is set to trust only the platform', async () => {
    const strict = await startEdge({
      env: { EXAM_CONFIG_FROM_BODY: 'deny', REDIS_KEY_PREFIX: h.prefix, KAFKA_TOPIC: h.topic.name },
    });
    try {
      const c = await candidate(strict.url);
      const refused = await c.call('/sessions/start', { examConfig: { maxLookAwaySeconds: 600 } });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('FORBIDDEN');
      const plain = await c.callRetrying('/sessions/start', { client: { version: '1.0.0' } });
      expect(plain.status).toBe(201);
      expect(plain.json.session.examConfig.maxLookAwaySeconds).toBe(5);
    } finally {
      await strict.stop();
    }
  });
});

describe('keys from a JWKS URL', () => {
  let fetches = 0;
  let jwksEdge: StartedEdge | undefined;
  const server = createServer(async (_req, res) => {
    fetches++;
    const jwk = await exportJWK(await importSPKI(await devPublicKeyPem(), 'RS256'));
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ keys: [{ ...jwk, kid: 'dev-1', alg: 'RS256', use: 'sig' }] }));
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    jwksEdge = await startEdge({
      env: { JWT_PUBLIC_KEY: '', JWT_JWKS_URL: jwksUrl, KAFKA_TOPIC: h.topic.name, REDIS_KEY_PREFIX: h.prefix },
    });
  });
  afterAll(async () => {
    await jwksEdge?.stop();
    server.close();
  });
  /** A session start at the JWKS edge with a token signed by the dev key under `kid`. */
  const startWithKid = async (kid: string) =>
    post(
      jwksEdge!.url,
      '/sessions/start',
      {},
      {
        Authorization: `Bearer ${await signRawWithDevKey({ alg: 'RS256', kid }, claims())}`,
      },
    );

  it('verifies by kid against the issuer set, fetched once and cached per isolate', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await startWithKid('dev-1');
      expect(res.status).toBe(201);
    }
    expect(fetches).toBe(1);
  });

  it('refuses an unknown kid, refetching at most once per cooldown', async () => {
    const before = fetches;
    for (let i = 0; i < 3; i++) {
      const res = await startWithKid('rotated-away');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('TOKEN_INVALID');
    }
    expect(fetches - before).toBeLessThanOrEqual(1);
  });
});

describe('logs', () => {
  it('never contain a token', async () => {
    expect(tokensUsed.length).toBeGreaterThan(10);
    expect(h.edge.logs.length).toBeGreaterThan(10);
    const all = h.edge.logs.join('\n');
    for (const token of tokensUsed) {
      const signature = token.split('.')[2];
      expect(all).not.toContain(token);
      if (signature && signature.length > 20) expect(all).not.toContain(signature);
    }
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    expect(all).toContain('auth_refused');
  });
});
