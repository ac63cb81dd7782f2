// Where a verifier's RS256 key comes from: exactly one of an SPKI PEM and a JWKS URL. The one rule every service uses.
import type { z } from 'zod';

export interface KeySource {
  publicKeyPem?: string | undefined;
  jwksUrl?: string | undefined;
}

/** The env names every service uses for the key source. */
export const JWT_KEY_ENV = { pem: 'JWT_PUBLIC_KEY', jwks: 'JWT_JWKS_URL' } as const;

/** What is wrong with a key source, in the caller's own setting names; undefined when it is usable. */
export function keySourceProblem(
  src: KeySource,
  names: { pem: string; jwks: string } = { pem: 'publicKeyPem', jwks: 'jwksUrl' },
): string | undefined {
  if (Boolean(src.publicKeyPem) === Boolean(src.jwksUrl))
    return `set exactly one of ${names.pem} (SPKI PEM) or ${names.jwks}`;
  if (src.publicKeyPem && !src.publicKeyPem.includes('-----BEGIN PUBLIC KEY-----'))
    return `${names.pem} must be an SPKI PEM (-----BEGIN PUBLIC KEY-----)`;
  return undefined;
}

/** The same rule as a zod superRefine step over an env with JWT_PUBLIC_KEY / JWT_JWKS_URL. */
export function refineJwtKeySource(
  env: { JWT_PUBLIC_KEY?: string | undefined; JWT_JWKS_URL?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const problem = keySourceProblem({ publicKeyPem: env.JWT_PUBLIC_KEY, jwksUrl: env.JWT_JWKS_URL }, JWT_KEY_ENV);
  if (problem) ctx.addIssue({ code: 'custom', path: [JWT_KEY_ENV.pem], message: problem });
}
