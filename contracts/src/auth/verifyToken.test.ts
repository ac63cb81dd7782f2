// The shared verifier refuses every RFC 8725 pitfall and accepts only well-formed RS256 exam tokens.
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExamTokenClaims } from '../token.ts';
import { createTokenVerifier, headerSafe } from './verifyToken.ts';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let issuer: Keys;
let attacker: Keys;
let pem: string;
const claims = { tenant_id: 't1', exam_schedule_id: 's1', user_id: 'u1', attempt_no: 1 };
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

beforeAll(async () => {
  issuer = await generateKeyPair('RS256', { extractable: true });
  attacker = await generateKeyPair('RS256', { extractable: true });
  pem = await exportSPKI(issuer.publicKey);
});

function sign(payload: Record<string, unknown>, key = issuer.privateKey, header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...header }).sign(key);
}
async function rawSign(header: Record<string, unknown>, payload: Record<string, unknown>) {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', issuer.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}
const verifier = (extra = {}) =>
  createTokenVerifier(ExamTokenClaims, { publicKeyPem: pem, issuer: 'lms', audience: 'proctor', ...extra });
const good = () => ({ ...claims, iss: 'lms', aud: 'proctor', exp: now() + 600 });

describe('createTokenVerifier', () => {
  it('puts only printable ASCII into WWW-Authenticate, whatever the message says', async () => {
    // The tenant id's format message says "1–128" (an en dash): Node refuses such a header, so it would answer 500.
    const r = await verifier()(`Bearer ${await sign({ ...good(), tenant_id: 'bad tenant!' })}`);
    expect(r).toMatchObject({ ok: false, code: 'TOKEN_INVALID', message: expect.stringMatching(/tenant_id: .*–/) });
    if (r.ok) return;
    expect(r.wwwAuthenticate).toMatch(/^[\x20-\x7E]+$/);
    expect(r.wwwAuthenticate).toContain('error_description="claim tenant_id: must be 1-128 characters');
    expect(() => new Headers({ 'www-authenticate': r.wwwAuthenticate })).not.toThrow();
    expect(headerSafe('a “quoted” \\ token’s value…\u00e9\n')).toBe("a 'quoted' ' token's value...??");
  });

  it('validates its options at construction', () => {
    expect(() => createTokenVerifier(ExamTokenClaims, {})).toThrow(/exactly one/);
    expect(() => createTokenVerifier(ExamTokenClaims, { publicKeyPem: 'nope' })).toThrow(/SPKI/);
  });

  it('accepts a valid RS256 token and returns typed claims', async () => {
    const r = await verifier()(`Bearer ${await sign(good())}`);
    expect(r).toMatchObject({ ok: true, claims: { tenant_id: 't1', attempt_no: 1 } });
  });

  const cases: [string, () => Promise<string | undefined>, string, RegExp?][] = [
    ['missing header', async () => undefined, 'UNAUTHENTICATED'],
    ['wrong scheme', async () => `Basic ${await sign(good())}`, 'TOKEN_INVALID'],
    ['alg none', async () => `Bearer ${b64({ alg: 'none' })}.${b64(good())}.`, 'TOKEN_INVALID'],
    [
      'HS256 signed with the RSA public key',
      async () => {
        const secret = new TextEncoder().encode(pem);
        const t = await new SignJWT(good()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
        return `Bearer ${t}`;
      },
      'TOKEN_INVALID',
      /RS256/,
    ],
    ['expired', async () => `Bearer ${await sign({ ...good(), exp: now() - 120 })}`, 'TOKEN_EXPIRED'],
    ['not yet valid', async () => `Bearer ${await sign({ ...good(), nbf: now() + 600 })}`, 'TOKEN_INVALID', /nbf/],
    ['wrong issuer', async () => `Bearer ${await sign({ ...good(), iss: 'evil' })}`, 'TOKEN_INVALID', /iss/],
    ['wrong audience', async () => `Bearer ${await sign({ ...good(), aud: 'other' })}`, 'TOKEN_INVALID', /aud/],
    ['no exp', async () => `Bearer ${await sign({ ...good(), exp: undefined })}`, 'TOKEN_INVALID', /exp/],
    [
      'unknown crit header',
      // jose refuses to sign this, so sign the raw JWS ourselves with the issuer's real key.
      async () => `Bearer ${await rawSign({ alg: 'RS256', crit: ['x-evil'], 'x-evil': 1 }, good())}`,
      'TOKEN_INVALID',
      /unsupported header/,
    ],
    ['signed by another key', async () => `Bearer ${await sign(good(), attacker.privateKey)}`, 'TOKEN_INVALID'],
    [
      'jku and kid pointing at the attacker key',
      async () => {
        const jwk = await exportJWK(attacker.publicKey);
        const t = await sign(good(), attacker.privateKey, { kid: 'evil', jku: 'http://127.0.0.1:1/jwks', jwk });
        return `Bearer ${t}`;
      },
      'TOKEN_INVALID',
      /signature/,
    ],
    ['oversized token', async () => `Bearer ${await sign({ ...good(), pad: 'x'.repeat(9000) })}`, 'TOKEN_TOO_LARGE'],
    [
      'attempt_no as a string',
      async () => `Bearer ${await sign({ ...good(), attempt_no: '1' })}`,
      'TOKEN_INVALID',
      /attempt_no/,
    ],
    ['missing identity claim', async () => `Bearer ${await sign({ ...good(), user_id: undefined })}`, 'TOKEN_INVALID'],
    ['garbage', async () => 'Bearer not.a.jwt', 'TOKEN_INVALID'],
  ];

  it.each(cases)('refuses %s', async (_name, header, code, message) => {
    const r = await verifier()(await header());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    if (message) expect(r.message).toMatch(message);
    expect(r.wwwAuthenticate).toMatch(/^Bearer realm="proctor"/);
    if (code !== 'UNAUTHENTICATED') expect(r.wwwAuthenticate).toContain('error="invalid_token"');
  });

  it('honours clock tolerance on exp', async () => {
    const token = await sign({ ...good(), exp: now() - 10 });
    expect((await verifier({ clockToleranceSeconds: 30 })(`Bearer ${token}`)).ok).toBe(true);
    expect((await verifier({ clockToleranceSeconds: 0 })(`Bearer ${token}`)).ok).toBe(false);
  });

  it('says the JWKS is unavailable instead of blaming the token', async () => {
    const v = createTokenVerifier(ExamTokenClaims, { jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    const r = await v(`Bearer ${await sign(good())}`);
    expect(r).toMatchObject({ ok: false, code: 'SERVICE_UNAVAILABLE' });
  });

  describe('remembering verified tokens', () => {
    it('verifies a repeated token once: the second answer is the same parsed claims', async () => {
      const token = `Bearer ${await sign(good())}`;
      const v = verifier();
      const first = await v(token);
      const second = await v(token);
      expect(first.ok && second.ok && second.claims === first.claims).toBe(true);
      // Without the cache every request is verified and parsed afresh.
      const uncached = verifier({ verifiedCacheSize: 0 });
      const a = await uncached(token);
      const b = await uncached(token);
      expect(a.ok && b.ok && a.claims !== b.claims).toBe(true);
    });

    it('refuses a remembered token once it expires (exp + clock tolerance), as a fresh verification would', async () => {
      const token = `Bearer ${await sign({ ...good(), exp: now() + 1 })}`;
      const v = verifier({ clockToleranceSeconds: 0 });
      expect((await v(token)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await v(token)).toMatchObject({ ok: false, code: 'TOKEN_EXPIRED' });
    });

    it("never lends a remembered token's verdict to another payload under the same signature", async () => {
      const token = await sign(good());
      const v = verifier();
      expect((await v(`Bearer ${token}`)).ok).toBe(true);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${b64({ ...good(), tenant_id: 'someone-else' })}.${signature}`;
      expect(await v(`Bearer ${forged}`)).toMatchObject({ ok: false, code: 'TOKEN_INVALID' });
    });

    it('forgets the oldest token when full, and never remembers a refusal', async () => {
      const v = verifier({ verifiedCacheSize: 1 });
      const [t1, t2] = [`Bearer ${await sign(good())}`, `Bearer ${await sign({ ...good(), user_id: 'u2' })}`];
      const first = await v(t1);
      await v(t2);
      const again = await v(t1);
      expect(first.ok && again.ok && again.claims !== first.claims).toBe(true);
      const bad = `Bearer ${await sign(good(), attacker.privateKey)}`;
      expect((await v(bad)).ok).toBe(false);
      expect((await v(bad)).ok).toBe(false);
    });
  });
});
