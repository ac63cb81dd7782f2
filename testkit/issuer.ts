// A stand-in for the exam platform in tests: its own fresh RS256 key pair (not the dev key), signing proctor tokens.
import { type CryptoKey, exportSPKI, generateKeyPair, SignJWT } from 'jose';

export const TEST_ISSUER = 'https://platform.test';
export const TEST_DASHBOARD_AUDIENCE = 'proctor-dashboard';

export type Issuer = Awaited<ReturnType<typeof createIssuer>>;

/** `sign` makes tokens, `proctor` a proctor's or admin's of one tenant; `publicKeyPem` goes to the server. */
export async function createIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  return {
    publicKeyPem,
    async sign(
      claims: Record<string, unknown>,
      opts: { expiresIn?: string | number; issuer?: string; audience?: string; key?: CryptoKey; alg?: string } = {},
    ) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: opts.alg ?? 'RS256' })
        .setIssuer(opts.issuer ?? TEST_ISSUER)
        .setAudience(opts.audience ?? TEST_DASHBOARD_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '1h')
        .sign(opts.key ?? privateKey);
    },
    proctor(tenantId: string, sub = `proctor-${tenantId}`, role: 'proctor' | 'admin' = 'proctor') {
      return this.sign({ tenant_id: tenantId, sub, role, name: `Proctor ${tenantId.toUpperCase()}` });
    },
  };
}
