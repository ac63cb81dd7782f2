// RS256 bearer-token verification shared by the edge (exam tokens) and the dashboard (proctor tokens).
// We only ever verify: tokens are issued by the exam platform, never by us.
import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  type CryptoKey as JoseKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { z } from 'zod';
import { EVENT_LIMITS } from '../events.ts';
import { keySourceProblem } from './keySource.ts';

export type TokenFailureCode =
  | 'UNAUTHENTICATED'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_TOO_LARGE'
  /** The issuer's JWKS could not be fetched: not the candidate's fault, so not a 401. */
  | 'SERVICE_UNAVAILABLE';

/** A rejected token is a value, not a throw: the caller maps it to 401 with `wwwAuthenticate`. */
export type TokenFailure = { ok: false; code: TokenFailureCode; message: string; wwwAuthenticate: string };
export type TokenResult<T> = { ok: true; claims: T } | TokenFailure;

export interface VerifierOptions {
  /** SPKI PEM of the issuer's RSA public key. Exactly one of publicKeyPem and jwksUrl. */
  publicKeyPem?: string | undefined;
  /** The issuer's JWKS. Keys are selected by `kid` from this set only; a token's `jku`/`x5u` are never followed. */
  jwksUrl?: string | undefined;
  /** When set, `iss` must equal it. */
  issuer?: string | undefined;
  /** When set, `aud` must contain it. */
  audience?: string | undefined;
  /** Leeway on `exp`/`nbf`, seconds. Default 30. */
  clockToleranceSeconds?: number | undefined;
  /** The Authorization header is refused above this many bytes, before any parsing. Default 8 KiB. */
  maxHeaderBytes?: number | undefined;
  /** JWKS refetch cooldown (ms) when an unknown kid arrives. Default 30 s. */
  jwksCooldownMs?: number | undefined;
  /** How long a fetched JWKS is trusted (ms). Default 10 min. */
  jwksCacheMaxAgeMs?: number | undefined;
  /** Realm in WWW-Authenticate. Default "proctor". */
  realm?: string | undefined;
  /**
   * Verified tokens remembered per verifier (per isolate or process), so a client's repeated token costs one RS256
   * verification, not one per request. Default 10,000 (about 1 KB each); 0 verifies every request.
   */
  verifiedCacheSize?: number | undefined;
}

const RS256 = ['RS256'];

/**
 * Builds a verifier for one claims schema. Options are validated here, so a misconfigured service fails at
 * start-up rather than on the first request. The imported key / JWKS cache lives as long as the verifier
 * (one per isolate or process).
 */
export function createTokenVerifier<S extends z.ZodType>(schema: S, options: VerifierOptions) {
  const { publicKeyPem, jwksUrl, issuer, audience } = options;
  const problem = keySourceProblem({ publicKeyPem, jwksUrl });
  if (problem) throw new Error(`token verifier: ${problem}`);
  const realm = options.realm ?? 'proctor';
  const maxHeaderBytes = options.maxHeaderBytes ?? EVENT_LIMITS.maxAuthorizationBytes;
  const clockTolerance = options.clockToleranceSeconds ?? 30;

  const remember = verifiedTokenCache<z.infer<S>>(
    options.verifiedCacheSize ?? 10_000,
    // A JWKS key can leave the set: a token it signed passes at most one JWKS cache age after that, as it would
    // with the keys jose itself keeps. A configured PEM changes only with a new deployment.
    publicKeyPem ? Number.POSITIVE_INFINITY : (options.jwksCacheMaxAgeMs ?? 600_000),
  );

  let key: Promise<JoseKey> | JWTVerifyGetKey;
  if (publicKeyPem) {
    key = importSPKI(publicKeyPem, 'RS256');
    // Surface a bad PEM at start-up, but do not crash the isolate with an unhandled rejection.
    key.catch(() => {});
  } else {
    key = createRemoteJWKSet(new URL(jwksUrl as string), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
    });
  }

  const fail = (code: TokenFailureCode, message: string): TokenFailure => ({
    ok: false,
    code,
    message,
    wwwAuthenticate:
      code === 'UNAUTHENTICATED'
        ? `Bearer realm="${realm}"`
        : `Bearer realm="${realm}", error="invalid_token", error_description="${headerSafe(message)}"`,
  });

  return async function verifyBearerToken(authorization: string | null | undefined): Promise<TokenResult<z.infer<S>>> {
    if (!authorization) return fail('UNAUTHENTICATED', 'Authorization: Bearer <token> is required');
    if (authorization.length > maxHeaderBytes) {
      return fail('TOKEN_TOO_LARGE', `Authorization header exceeds ${maxHeaderBytes} bytes`);
    }
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(authorization.trim());
    if (!match) return fail('TOKEN_INVALID', 'Authorization must be "Bearer" followed by a compact JWT');
    const token = match[1] as string;
    const known = remember.get(token);
    if (known) return { ok: true, claims: known };

    let payload: JWTPayload;
    try {
      const verifyKey = typeof key === 'function' ? key : await key;
      ({ payload } = await jwtVerify(token, verifyKey as Parameters<typeof jwtVerify>[1], {
        algorithms: RS256,
        requiredClaims: ['exp'],
        clockTolerance,
        ...(issuer ? { issuer } : {}),
        ...(audience ? { audience } : {}),
      }));
    } catch (err) {
      return fail(...describe(err));
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail('TOKEN_INVALID', `claim ${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}`);
    }
    // jose accepts the token until exp + clockTolerance (requiredClaims: exp); it stays accepted as long, no longer.
    remember.set(token, parsed.data, ((payload.exp as number) + clockTolerance) * 1000);
    return { ok: true, claims: parsed.data };
  };
}

/**
 * Claims of tokens that verified, keyed by the whole compact token (header, payload and signature: the same string
 * verifies the same way until it expires), each kept until `until` and at most `maxAgeMs`. Full, it forgets the
 * oldest entry. Only successes are kept: a refused token is checked again on every request. The claims returned are
 * the ones parsed once, shared between requests: callers read them, never write.
 */
function verifiedTokenCache<T>(maxEntries: number, maxAgeMs: number) {
  const entries = new Map<string, { claims: T; until: number }>();
  return {
    get(token: string): T | undefined {
      const hit = entries.get(token);
      if (!hit) return undefined;
      if (Date.now() < hit.until) return hit.claims;
      entries.delete(token);
      return undefined;
    },
    set(token: string, claims: T, expiresAt: number): void {
      if (maxEntries <= 0) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(token, { claims, until: Math.min(expiresAt, Date.now() + maxAgeMs) });
    },
  };
}

/**
 * A message as an RFC 6750 error_description: printable ASCII without `"` or `\`. Messages reach here from zod
 * schemas and jose, which may say "1–128" or "token’s"; Node and workerd refuse a header with such a character, so
 * a refused token would answer 500 instead of 401. Typographic dashes and quotes become ASCII, anything else `?`.
 */
export function headerSafe(message: string): string {
  return message
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/["\\\u201C\u201D\u201E]/g, "'")
    .replace(/\u2026/g, '...')
    .replace(/[^\x20-\x7E]/g, '?');
}

/** Maps jose's errors to a stable code and a message safe to show (it never echoes the token). */
function describe(err: unknown): [TokenFailureCode, string] {
  if (err instanceof errors.JWTExpired) return ['TOKEN_EXPIRED', 'token has expired'];
  if (err instanceof errors.JWTClaimValidationFailed) return ['TOKEN_INVALID', `claim ${err.claim}: ${err.reason}`];
  if (err instanceof errors.JOSEAlgNotAllowed) return ['TOKEN_INVALID', 'only RS256 tokens are accepted'];
  if (err instanceof errors.JWSSignatureVerificationFailed) return ['TOKEN_INVALID', 'signature verification failed'];
  if (err instanceof errors.JWKSNoMatchingKey) return ['TOKEN_INVALID', 'no issuer key matches the token'];
  if (err instanceof errors.JOSENotSupported) return ['TOKEN_INVALID', 'token uses an unsupported header'];
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return ['TOKEN_INVALID', 'malformed token'];
  if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
    return ['SERVICE_UNAVAILABLE', 'issuer keys are unavailable'];
  }
  return ['TOKEN_INVALID', 'token could not be verified'];
}
