// The dashboard's environment, parsed once with zod: a bad environment fails loudly with every problem listed.
import {
  CommaList,
  DeployEnvironment,
  REDIS_PREFIX,
  RedisKeyPrefix,
  unsetOutsideDevelopment,
} from '@proctor/contracts';
import { refineJwtKeySource } from '@proctor/contracts/auth';
import { RedisUrl } from '@proctor/contracts/redis';
import { EdgeRedisUrls } from '@proctor/contracts/redis/edgeShards';
import { z } from 'zod';

const Url = (scheme: RegExp, example: string) =>
  z
    .string({ error: `is required: a URL such as ${example}` })
    .refine((v) => URL.canParse(v) && scheme.test(v), `must be a URL such as ${example}`);
const Required = (hint: string) => z.string({ error: `is required: ${hint}` }).min(1, `must not be empty: ${hint}`);

const Origins = (example: string) =>
  CommaList.refine(
    (list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o),
    `must be comma-separated origins such as ${example} (scheme, host, optional port; no path)`,
  );

/**
 * Origins of the exam platforms, comma-separated, e.g. `https://lms.example.edu,https://exams.example.com`: they
 * may frame the candidate exam page (CSP frame-ancestors), launch it by postMessage, and sign proctors in (a
 * cross-site POST to /login). Empty: only this site itself.
 */
const PlatformOrigins = Origins('https://lms.example.edu').default([]);

/**
 * Origins of the edges this dashboard's exam page may send a candidate's token and events to, comma-separated. A
 * launch naming any other edge is refused, so a forwarded exam link cannot point the page at someone else's server.
 * Default: `npm start`'s local edge.
 */
const EdgeOrigins = Origins('https://edge.example.com')
  .default(['http://127.0.0.1:18787'])
  .refine((list) => list.length > 0, 'must name at least one edge origin');

export const DashboardEnv = z
  .object({
    /** development (run from source; the default), staging or production (the image's): see DEPLOYED_REQUIRED. */
    ENVIRONMENT: DeployEnvironment,
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
    /**
     * The edge's Upstash databases over TCP, comma-separated, in the order of the edge's UPSTASH_REDIS_REST_URL
     * (contracts shardOf): where the dashboard publishes policies for the edge to read (the tenant's shard). Unset:
     * REDIS_URL is the edge's one database (as locally). Everything else the dashboard keeps (sign-in sessions, limits,
     * presence from the processor's liveness, the live feed) stays on REDIS_URL either way.
     */
    EDGE_REDIS_URLS: EdgeRedisUrls,
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
    /**
     * While change notices keep coming, a watched schedule's list is re-read at most this often, ms (per process, for
     * every stream watching it); its alerts are sent as their notices come.
     */
    LIVE_LIST_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    PLATFORM_ORIGINS: PlatformOrigins,
    EDGE_ORIGINS: EdgeOrigins,
    /** Sign-in sessions one proctor may hold at once (browsers, devices); one more ends the oldest. */
    MAX_SESSIONS_PER_PROCTOR: z.coerce.number().int().min(1).max(50).default(5),
    /** Sign-ins one proctor (token subject) may make a minute; more answer 429. */
    SIGNIN_PER_MINUTE_PER_PROCTOR: z.coerce.number().int().min(1).max(1000).default(10),
    /** Sign-in attempts one client address may make a minute (a campus NAT is many proctors); more answer 429. */
    SIGNIN_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(60),
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

/** What a deployed dashboard must be told: the defaults are the local stack's. */
const DEPLOYED_REQUIRED = {
  EDGE_REDIS_URLS:
    "the edge's Upstash databases over TCP, where policies are published; the edge never reads REDIS_URL",
  EDGE_ORIGINS: "the edges the exam page may talk to; the default is npm start's",
};

/** Parses an environment, throwing one error that lists every variable to fix. */
export function parseEnv(source: Record<string, string | undefined>): DashboardEnv {
  const parsed = DashboardEnv.safeParse(source);
  if (!parsed.success) throw invalidEnv(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  const unset = unsetOutsideDevelopment(parsed.data.ENVIRONMENT, source, DEPLOYED_REQUIRED);
  if (unset.length) throw invalidEnv(unset);
  return parsed.data;
}

function invalidEnv(lines: string[]): Error {
  return new Error(`dashboard environment is invalid:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

let cached: DashboardEnv | undefined;

/** The process environment, parsed on first use (not at import: `astro build` imports this without an env). */
export function env(): DashboardEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

/** What the exam page trusts: the platforms that may launch it and the edges it may talk to. */
export interface ExamOrigins {
  platform: string[];
  edge: string[];
}

let examOrigins: ExamOrigins | undefined;

/**
 * The exam page's only settings. It is served without the dashboard's env (no issuer key, no database), so it
 * parses just these variables; a bad value still fails loudly.
 */
export function examPageOrigins(): ExamOrigins {
  if (examOrigins) return examOrigins;
  const parsed = z
    .object({ PLATFORM_ORIGINS: PlatformOrigins, EDGE_ORIGINS: EdgeOrigins })
    .safeParse({ PLATFORM_ORIGINS: process.env.PLATFORM_ORIGINS, EDGE_ORIGINS: process.env.EDGE_ORIGINS });
  if (!parsed.success) throw invalidEnv(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  examOrigins = { platform: parsed.data.PLATFORM_ORIGINS, edge: parsed.data.EDGE_ORIGINS };
  return examOrigins;
}
