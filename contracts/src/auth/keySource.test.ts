import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keySourceProblem, refineJwtKeySource } from './keySource.ts';

const PEM = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----';

describe('the JWT key source rule', () => {
  it('wants exactly one of a PEM and a JWKS URL, and the PEM in SPKI form', () => {
    expect(keySourceProblem({ publicKeyPem: PEM })).toBeUndefined();
    expect(keySourceProblem({ jwksUrl: 'https://issuer.test/jwks.json' })).toBeUndefined();
    expect(keySourceProblem({})).toMatch(/exactly one of publicKeyPem/);
    expect(keySourceProblem({ publicKeyPem: PEM, jwksUrl: 'https://issuer.test/jwks.json' })).toMatch(/exactly one/);
    expect(keySourceProblem({ publicKeyPem: 'ssh-rsa AAAA' })).toMatch(/SPKI/);
  });

  it('names the env variables when it refines an env schema', () => {
    const Env = z.object({ JWT_PUBLIC_KEY: z.string().optional(), JWT_JWKS_URL: z.string().optional() });
    const r = Env.superRefine(refineJwtKeySource).safeParse({});
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['JWT_PUBLIC_KEY'],
      message: expect.stringMatching(/JWT_JWKS_URL/),
    });
  });
});
