// Bearer auth for exam tokens: RS256 only, through the shared verifier; a refusal is a 401 with WWW-Authenticate.
import { ApiError, deriveSessionId, ExamTokenClaims } from '@proctor/contracts';
import { createTokenVerifier, JWT_KEY_ENV, keySourceProblem } from '@proctor/contracts/auth';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { EdgeEnv } from '../env.ts';

type Verifier = ReturnType<typeof createTokenVerifier<typeof ExamTokenClaims>>;

/**
 * Options are validated when the factory runs (at isolate start). The verifier itself, which holds the imported
 * key or the JWKS cache with its refetch cooldown, is built on first use: key import is async work that belongs in
 * a request, and the result lives as long as the isolate.
 */
export function examTokenAuth(config: EdgeEnv): MiddlewareHandler<AppEnv> {
  const options = {
    publicKeyPem: config.JWT_PUBLIC_KEY,
    jwksUrl: config.JWT_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clockToleranceSeconds: config.JWT_CLOCK_TOLERANCE_SECONDS,
    realm: 'proctor-edge',
  };
  const problem = keySourceProblem({ publicKeyPem: options.publicKeyPem, jwksUrl: options.jwksUrl }, JWT_KEY_ENV);
  if (problem) throw new Error(`examTokenAuth: ${problem}`);
  let verifier: Verifier | undefined;
  // The verifier hands back the same claims object for a remembered token: its session id is derived once too.
  const sessionIds = new WeakMap<ExamTokenClaims, string>();

  return async function verifyExamToken(c, next) {
    verifier ??= createTokenVerifier(ExamTokenClaims, options);
    const result = await verifier(c.req.header('Authorization'));
    if (!result.ok) {
      if (result.code === 'SERVICE_UNAVAILABLE')
        throw new ApiError('SERVICE_UNAVAILABLE', result.message, { headers: { 'Retry-After': '5' } });
      c.get('logger').info('auth_refused', { code: result.code, reason: result.message });
      throw new ApiError(result.code, result.message, { headers: { 'WWW-Authenticate': result.wwwAuthenticate } });
    }
    let sessionId = sessionIds.get(result.claims);
    if (sessionId === undefined) {
      sessionId = await deriveSessionId(result.claims);
      sessionIds.set(result.claims, sessionId);
    }
    c.set('caller', { claims: result.claims, sessionId });
    c.set('redis', c.var.shards.session(sessionId));
    await next();
  };
}
