// The Worker's environment, parsed once with zod when the isolate starts: a bad environment fails loudly there.
import { CommaList, KAFKA_TOPICS, REDIS_PREFIX, RedisKeyPrefix } from '@proctor/contracts';
import { refineJwtKeySource } from '@proctor/contracts/auth';
import { z } from 'zod';

/** Unset and empty are the same thing in .dev.vars and dashboard secrets. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => (v === '' || v === null || v === undefined ? fallback : v), schema);
const positiveInt = z.coerce.number().int().positive();

const EdgeEnvSchema = z
  .object({
    /**
     * `development` only in .dev.vars and the local test helpers: it alone lifts the production checks below
     * (Kafka REST credentials, JWT issuer and audience, an explicit CORS list, the topic's partition count). Unset
     * counts as production, so a deploy that forgets it is refused rather than open.
     */
    ENVIRONMENT: withDefault(z.enum(['development', 'staging', 'production']), 'production'),
    /**
     * The Upstash databases the edge spreads its keys over (contracts shardOf: a session's keys on its session's
     * shard, a tenant's on its tenant's), comma-separated, in a fixed order: the order is the shard numbering, so
     * reordering moves data. One URL is one database, as before. The tokens are a list of the same length.
     */
    UPSTASH_REDIS_REST_URL: CommaList.pipe(
      z
        .array(z.url({ message: 'must be Upstash REST URLs, comma-separated, e.g. http://127.0.0.1:18079' }))
        .min(1, 'must name at least one Upstash REST URL'),
    ),
    UPSTASH_REDIS_REST_TOKEN: CommaList.pipe(z.array(z.string()).min(1, 'must be the Upstash REST token')),
    /** Key prefix for every Redis key the edge writes; tests use a random one. Default "proctor". */
    REDIS_KEY_PREFIX: withDefault(RedisKeyPrefix, REDIS_PREFIX),

    KAFKA_REST_URL: z.url({ message: 'must be the Kafka REST base URL, e.g. http://127.0.0.1:18080' }),
    /** v2: Strimzi bridge, Redpanda, Karapace, Confluent REST Proxy. v3: Confluent Cloud. */
    KAFKA_REST_FLAVOR: withDefault(z.enum(['v2', 'v3']), 'v2'),
    /** Path of the v3 API under KAFKA_REST_URL: `/kafka/v3` on Confluent Cloud and Server, `/v3` on a REST Proxy. */
    KAFKA_REST_V3_PATH: withDefault(
      z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'must be a path such as /v3'),
      '/kafka/v3',
    ),
    /** Confluent cluster id (lkc-…); required by v3. */
    KAFKA_CLUSTER_ID: optional(z.string().regex(/^[A-Za-z0-9_-]+$/)),
    KAFKA_REST_AUTH: withDefault(z.enum(['none', 'basic']), 'none'),
    /** For basic auth: Confluent Cloud API key and secret, or the proxy's user and password. */
    KAFKA_REST_USERNAME: optional(z.string().min(1)),
    KAFKA_REST_PASSWORD: optional(z.string().min(1)),
    KAFKA_TOPIC: withDefault(z.string().regex(/^[A-Za-z0-9._-]{1,249}$/), KAFKA_TOPICS.events),
    /**
     * KAFKA_TOPIC's partition count. Set, the edge names each record's partition as Kafka's default partitioner
     * would (contracts' kafkaPartition), so a session's records and the processor's kafkajs-produced ones share a
     * partition whatever the REST server's own partitioner. Unset (development only), the REST server picks.
     */
    KAFKA_TOPIC_PARTITIONS: optional(positiveInt.max(100_000)),

    /** SPKI PEM of the exam platform's RS256 key ("\n" escapes allowed). Exactly one of this and JWT_JWKS_URL. */
    JWT_PUBLIC_KEY: optional(z.string().transform((pem) => pem.replaceAll('\\n', '\n'))),
    JWT_JWKS_URL: optional(z.url()),
    JWT_ISSUER: optional(z.string()),
    JWT_AUDIENCE: optional(z.string()),
    /** Leeway on exp/nbf, seconds: 0–300, default 30. */
    JWT_CLOCK_TOLERANCE_SECONDS: withDefault(z.coerce.number().int().min(0).max(300), 30),

    /**
     * Events one session may send per minute, every event of every batch counted (sliding window). Default 1,200:
     * the client reports at most one event per anomaly kind every 2 s (1 s to enter, 1 s to leave), a few hundred a
     * minute in its worst case, and drains an offline queue at 12 full batches a minute within this.
     */
    RATE_LIMIT_SESSION_EVENTS_PER_MINUTE: withDefault(positiveInt, 1200),
    /** Events one tenant may send per minute across its sessions (sliding window). Default 600 000. */
    RATE_LIMIT_TENANT_EVENTS_PER_MINUTE: withDefault(positiveInt, 600_000),
    /** Start, heartbeat and end calls one session may make per minute (sliding window). Default 30. */
    RATE_LIMIT_SESSION_CONTROL_PER_MINUTE: withDefault(positiveInt, 30),
    /**
     * How long an isolate keeps a tenant's and schedule's published policies before reading them again, seconds
     * (0: every start reads them). Default 30: a published change reaches new starts within this.
     */
    POLICY_CACHE_SECONDS: withDefault(z.coerce.number().int().min(0).max(3600), 30),
    /** Timeout of each Redis or Kafka REST call, ms. Default 5000. */
    UPSTREAM_TIMEOUT_MS: withDefault(positiveInt.max(30_000), 5000),
    /**
     * How long an isolate gathers heartbeats into one Kafka REST produce, ms (kafka/coalesce.ts); each is answered
     * once that produce is acknowledged, so a heartbeat's 200 comes up to this much later. 0: one produce each.
     */
    HEARTBEAT_COALESCE_MS: withDefault(z.coerce.number().int().min(0).max(1000), 50),
    /**
     * The same for event batches, which join the same calls as heartbeats: a batch's 200 (its events durable in
     * Kafka) comes up to this much later. 0: one produce per batch.
     */
    EVENTS_COALESCE_MS: withDefault(z.coerce.number().int().min(0).max(1000), 50),
    /**
     * Whether the candidate's start body may set thresholds and accommodations when the token carries no signed
     * `proctoring` claim. `allow` (default) keeps the body contract; `deny` refuses such a body with 403, so
     * only the platform decides what is fair. A signed claim always wins over the body.
     */
    EXAM_CONFIG_FROM_BODY: withDefault(z.enum(['allow', 'deny']), 'allow'),
    /**
     * Origins whose pages may call the edge from the browser, comma-separated, or "*". Default "*": the exam
     * token is a bearer header, never an ambient cookie, so a foreign origin gains nothing it does not hold.
     */
    CORS_ALLOWED_ORIGINS: withDefault(CommaList, '*'),
    LOG_LEVEL: withDefault(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
    /**
     * The share of answered requests (status < 400) whose `http_request` line is logged, 0 to 1; a refusal or a
     * failure is always logged. Default 1. Workers Logs bills every line and caps an account at 5 billion a day: at
     * a million candidates a line per request is about 360 million an hour (docs/capacity.md), so production logs 1 %.
     */
    ACCESS_LOG_SAMPLE_RATE: withDefault(z.coerce.number().min(0).max(1), 1),

    /** S3 API of the thumbnails bucket (R2, S3; locally S3Proxy or MinIO). Unset: POST /thumbnails answers 503. */
    S3_ENDPOINT: optional(z.url()),
    S3_BUCKET: withDefault(z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/), 'proctor-thumbnails'),
    S3_ACCESS_KEY_ID: optional(z.string().min(1)),
    S3_SECRET_ACCESS_KEY: optional(z.string().min(1)),
    /** `auto` for R2. */
    S3_REGION: withDefault(z.string().min(1), 'auto'),
  })
  .superRefine((env, ctx) => {
    if (env.UPSTASH_REDIS_REST_TOKEN.length !== env.UPSTASH_REDIS_REST_URL.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPSTASH_REDIS_REST_TOKEN'],
        message: `must list one token per URL of UPSTASH_REDIS_REST_URL, in the same order (${env.UPSTASH_REDIS_REST_URL.length} URLs, ${env.UPSTASH_REDIS_REST_TOKEN.length} tokens)`,
      });
    }
    if (env.S3_ENDPOINT && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ACCESS_KEY_ID'],
        message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_ENDPOINT is set',
      });
    }
    refineJwtKeySource(env, ctx);
    if (env.KAFKA_REST_FLAVOR === 'v3' && !env.KAFKA_CLUSTER_ID) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_CLUSTER_ID'], message: 'is required when KAFKA_REST_FLAVOR=v3' });
    }
    if (env.KAFKA_REST_AUTH === 'basic' && !(env.KAFKA_REST_USERNAME && env.KAFKA_REST_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_REST_USERNAME'],
        message: 'KAFKA_REST_USERNAME and KAFKA_REST_PASSWORD are required when KAFKA_REST_AUTH=basic',
      });
    }
    if (env.ENVIRONMENT !== 'development') refineDeployed(env, ctx);
  });

const OUTSIDE_DEV = '(only ENVIRONMENT=development, as in .dev.vars, runs without it)';

/** What a deployed edge must have: without each, anyone could write records, bring tokens, or call from any page. */
function refineDeployed(
  env: {
    KAFKA_REST_AUTH: string;
    JWT_ISSUER?: string | undefined;
    JWT_AUDIENCE?: string | undefined;
    CORS_ALLOWED_ORIGINS: string[];
    KAFKA_TOPIC_PARTITIONS?: number | undefined;
  },
  ctx: z.RefinementCtx,
) {
  const require = (ok: boolean, path: string, message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', path: [path], message: `${message} ${OUTSIDE_DEV}` });
  };
  require(env.KAFKA_REST_AUTH !== 'none', 'KAFKA_REST_AUTH', 'must be basic, with the REST proxy credentials');
  require(Boolean(env.JWT_ISSUER), 'JWT_ISSUER', 'must name the exam platform issuer');
  require(Boolean(env.JWT_AUDIENCE), 'JWT_AUDIENCE', 'must name the audience the platform signs for');
  require(env.CORS_ALLOWED_ORIGINS.length > 0 &&
    !env.CORS_ALLOWED_ORIGINS.includes(
      '*',
    ), 'CORS_ALLOWED_ORIGINS', "must list the exam pages' origins, comma-separated, not *");
  require(env.KAFKA_TOPIC_PARTITIONS !== undefined, 'KAFKA_TOPIC_PARTITIONS', "must be KAFKA_TOPIC's partition count");
}
export type EdgeEnv = z.output<typeof EdgeEnvSchema>;
/** The variables the edge reads: what a container entrypoint passes on to workerd. */
export const edgeEnvNames = Object.keys(EdgeEnvSchema.shape);

/** Throws one error naming every bad variable (never echoing a value: some are secrets). */
export function parseEnv(raw: Record<string, unknown>): EdgeEnv {
  const parsed = EdgeEnvSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new Error(`edge: invalid environment\n${lines.join('\n')}`);
}
