// The dashboard's environment, parsed once with zod: a bad environment fails loudly with every problem listed.
import { REDIS_PREFIX, RedisKeyPrefix } from '@proctor/contracts';
import { refineJwtKeySource } from '@proctor/contracts/auth';
import { z } from 'zod';

const Url = (scheme: RegExp, example: string) =>
  z
    .string({ error: `is required: a URL such as ${example}` })
    .refine((v) => URL.canParse(v) && scheme.test(v), `must be a URL such as ${example}`);
const Required = (hint: string) => z.string({ error: `is required: ${hint}` }).min(1, `must not be empty: ${hint}`);

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
    REDIS_URL: Url(/^rediss?:/, 'redis://127.0.0.1:6379'),
    /** Keys the session cookie's HMAC; 32+ characters of randomness (e.g. `openssl rand -base64 48`). */
    COOKIE_SECRET: Required('32+ random characters (openssl rand -base64 48)').min(
      32,
      'must be at least 32 characters (openssl rand -base64 48)',
    ),
    /** Redis key prefix shared with the edge and processor (contracts REDIS_PREFIX, "proctor", by default). */
    REDIS_KEY_PREFIX: RedisKeyPrefix.default(REDIS_PREFIX),
    /** How often the shared live poller looks for changes, ms. */
    LIVE_POLL_MS: z.coerce.number().int().min(100).max(10_000).default(500),
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
