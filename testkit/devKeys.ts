// Dev-only RS256 key pair for local tokens: generated on first use into testkit/.dev-keys/ (gitignored) and never
// referenced by production config. Node only (the token tool, dev servers, startEdge, tests).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExamTokenClaims } from '@proctor/contracts';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';

const DEV_KEYS_DIR = join(import.meta.dirname, '.dev-keys');
export const DEV_ISSUER = 'proctor-dev';
export const DEV_AUDIENCE = 'proctor-edge';
/** The audience the dev dashboard (dashboard/scripts/serve.ts, `npm start`) expects of proctor tokens. */
export const DEV_DASHBOARD_AUDIENCE = 'proctor-dashboard';

let pair: Promise<{ privatePem: string; publicPem: string }> | undefined;

async function loadOrCreate(): Promise<{ privatePem: string; publicPem: string }> {
  const privatePath = join(DEV_KEYS_DIR, 'private.pem');
  const publicPath = join(DEV_KEYS_DIR, 'public.pem');
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privatePem: readFileSync(privatePath, 'utf8'), publicPem: readFileSync(publicPath, 'utf8') };
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const keys = { privatePem: await exportPKCS8(privateKey), publicPem: await exportSPKI(publicKey) };
  mkdirSync(DEV_KEYS_DIR, { recursive: true, mode: 0o700 });
  // wx: if another process created the pair meanwhile, keep theirs (tests run in parallel).
  try {
    writeFileSync(privatePath, keys.privatePem, { flag: 'wx', mode: 0o600 });
    writeFileSync(publicPath, keys.publicPem, { flag: 'wx' });
  } catch {
    return { privatePem: readFileSync(privatePath, 'utf8'), publicPem: readFileSync(publicPath, 'utf8') };
  }
  return keys;
}

function devKeyPair() {
  pair ??= loadOrCreate();
  return pair;
}

/** SPKI PEM of the dev key: what JWT_PUBLIC_KEY is set to locally. */
export async function devPublicKeyPem(): Promise<string> {
  return (await devKeyPair()).publicPem;
}

export type DevTokenClaims = Pick<ExamTokenClaims, 'tenant_id' | 'exam_schedule_id' | 'user_id' | 'attempt_no'> &
  Record<string, unknown>;

export interface MintOptions {
  /** Lifetime in seconds (default 3600). Negative values mint an already-expired token. */
  expSeconds?: number;
  issuer?: string | null;
  audience?: string | null;
  header?: Record<string, unknown>;
}

/** An RS256 exam token signed with the dev key, with iss/aud matching what startEdge and dev:edge expect. */
export async function mintDevToken(claims: DevTokenClaims, options: MintOptions = {}): Promise<string> {
  const key = await importPKCS8((await devKeyPair()).privatePem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...options.header })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expSeconds ?? 3600));
  const issuer = options.issuer === undefined ? DEV_ISSUER : options.issuer;
  const audience = options.audience === undefined ? DEV_AUDIENCE : options.audience;
  if (issuer) jwt.setIssuer(issuer);
  if (audience) jwt.setAudience(audience);
  return jwt.sign(key);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs any header and payload with the dev key, bypassing jose's own refusals (unknown `crit`, odd `alg`
 * labels): security tests need tokens a careful signer would never make.
 */
export async function signRawWithDevKey(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const key = await importPKCS8((await devKeyPair()).privatePem, 'RS256');
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/** A dashboard token (proctor or admin of one tenant) signed with the dev key, as the dev dashboard expects. */
export async function mintDevProctorToken(
  tenantId: string,
  role: 'proctor' | 'admin',
  options: { expSeconds?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signRawWithDevKey(
    { alg: 'RS256', typ: 'JWT' },
    {
      tenant_id: tenantId,
      sub: `dev-${role}`,
      role,
      name: `Dev ${role}`,
      iss: options.issuer ?? DEV_ISSUER,
      aud: options.audience ?? DEV_DASHBOARD_AUDIENCE,
      iat: now,
      exp: now + (options.expSeconds ?? 8 * 3600),
    },
  );
}
