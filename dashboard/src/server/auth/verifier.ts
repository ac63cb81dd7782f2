// The one proctor-token verifier of this process, built from the env with the shared contracts verifier.
import { ProctorTokenClaims } from '@proctor/contracts';
import { createTokenVerifier } from '@proctor/contracts/auth';
import { env } from '../env.ts';

export type ProctorVerifier = ReturnType<typeof createTokenVerifier<typeof ProctorTokenClaims>>;

let verifier: ProctorVerifier | undefined;

/** Built on first use so that a bad key fails on the first request with a clear message, not at build time. */
export function proctorVerifier(): ProctorVerifier {
  if (!verifier) {
    const e = env();
    verifier = createTokenVerifier(ProctorTokenClaims, {
      publicKeyPem: e.JWT_PUBLIC_KEY,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      realm: 'proctor-dashboard',
    });
  }
  return verifier;
}
