// The dashboard's environment, parsed once with zod: a bad environment fails loudly with every problem listed.
import { CommaList, REDIS_PREFIX, RedisKeyPrefix } from '@proctor/contracts';
import { refineJwtKeySource } from '@proctor/contracts/auth';
import { RedisUrl } from '@proctor/contracts/redis';
import { z } from 'zod';

const Url = (scheme: RegExp, example: string) =>
  z
    .string({ error: `is required: a URL such as ${example}` })
    .refine((v) => URL.canParse(v) && scheme.test(v), `must be a URL such as ${example}`);
const Required = (hint: string) => z.string({ error: `is required: ${hint}` }).min(1, `must not be empty: ${hint}`);

/**
 * Origins of the exam platforms allowed to frame the candidate exam page (CSP frame-ancestors), comma-separated,
 * e.g. `https://lms.example.edu,https://exams.example.com`. Empty: only this site may frame it.
 */
const PlatformOrigins = CommaList.default([]).refine(
  (list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o),
  'must be comma-separated origins such as https://lms.example.edu (scheme, host, optional port; no path)',
);

export const DashboardEnv = z
  .object({
    /** SPKI PEM of the issuer's RS256 key ("\n" escapes allowed, for one-line env files). */
    JWT_PUBLIC_KEY: z
      .string()
      .transform((v) => v.replaceAll('\\n', '\n'))
      .optional(),
    JWT_JWKS_URL: Url(/^https?:/, 'https://issuer.example/.well-known/jwks.json').optional(),
    JWT_ISSUER: Required('the platform issuer, as in the tokens’ iss claim'),
    JWT_AUDIENCE: Required('the dashboard’s audience, as in the tokens’ aud claim'),
    MYSQL_URL: Url(/^mysql:/, 'mysql://user:pass@127.0.0.1:3306/proctor'),
    /** One Redis, or a Redis Cluster as `redis+cluster://host:port,host:port` (contracts/redis). */
    REDIS_URL: RedisUrl,
    /** Keys the session cookie's HMAC (rotating it ends every session); 32+ random characters. */
    COOKIE_SECRET: Required('32+ random characters (openssl rand -base64 48)').min(
      32,
      'must be at least 32 characters (openssl rand -base64 48)',
    ),
    /** Redis key prefix shared with the edge and processor (contracts REDIS_PREFIX, "proctor", by default). */
    REDIS_KEY_PREFIX: RedisKeyPrefix.default(REDIS_PREFIX),
    /**
     * How often a watched schedule's list is re-read with no change notice, ms: presence moves with Redis deadlines
     * that no MySQL write announces.
     */
    LIVE_REFRESH_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
    PLATFORM_ORIGINS: PlatformOrigins,
    /** Live streams one proctor may hold open at once (tabs); one more answers 429. */
    MAX_STREAMS_PER_PROCTOR: z.coerce.number().int().min(1).max(100).default(6),
    /** How often an open live stream checks that its session still exists (logout ends it within this), ms. */
    SESSION_CHECK_MS: z.coerce.number().int().min(200).max(60_000).default(2_000),
    /** The thumbnails bucket's S3 API (the edge's S3_* values). Unset: alert cards show no thumbnails. */
    S3_ENDPOINT: Url(/^https?:/, 'http://127.0.0.1:9000').optional(),
    S3_BUCKET: z.string().min(3).default('proctor-thumbnails'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('auto'),
  })
  .refine((e) => !e.S3_ENDPOINT || Boolean(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY), {
    message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_ENDPOINT is set',
    path: ['S3_ACCESS_KEY_ID'],
  })
  .superRefine(refineJwtKeySource);
export type DashboardEnv = z.infer<typeof DashboardEnv>;

/** Parses an environment, throwing one error that lists every variable to fix. */
export function parseEnv(source: Record<string, string | undefined>): DashboardEnv {
  const parsed = DashboardEnv.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`dashboard environment is invalid:\n${lines.join('\n')}`);
}

let cached: DashboardEnv | undefined;

/** The process environment, parsed on first use (not at import: `astro build` imports this without an env). */
export function env(): DashboardEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

let origins: string[] | undefined;

/**
 * The exam page's only setting. It is served without the dashboard's env (no issuer key, no database), so it
 * parses just this variable; a bad value still fails loudly.
 */
export function platformOrigins(): string[] {
  if (origins) return origins;
  const parsed = PlatformOrigins.safeParse(process.env.PLATFORM_ORIGINS);
  if (!parsed.success)
    throw new Error(`dashboard environment is invalid:\n  PLATFORM_ORIGINS: ${parsed.error.issues[0]?.message}`);
  origins = parsed.data;
  return origins;
}
