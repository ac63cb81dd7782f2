// Tenant and schedule policy (thresholds, accommodations, retention, opt-ins) and the one function that resolves a
// session's config from the signed claim, the schedule policy, the tenant policy, the defaults and the start body.
import { z } from 'zod';
import { ExternalId } from './ids.ts';
import { Accommodations, EXAM_CONFIG_DEFAULTS, ExamConfig, ExamConfigOverrides, SessionView } from './session.ts';
import type { ExamTokenClaims } from './token.ts';

type Thresholds = typeof EXAM_CONFIG_DEFAULTS;
type ThresholdName = keyof Thresholds;

/**
 * Which way is stricter for each threshold. A longer window with the same allowance catches more, a lower
 * confidence floor counts more MULTI_PERSON events, a shorter heartbeat notices a lost connection sooner.
 */
export const STRICTER: { readonly [K in ThresholdName]: 'lower' | 'higher' } = {
  maxLookAwaySeconds: 'lower',
  maxLookAwayWindowSeconds: 'higher',
  multiPersonMinConfidence: 'lower',
  noFaceMaxSeconds: 'lower',
  noFaceWindowSeconds: 'higher',
  heartbeatIntervalSeconds: 'lower',
  connectionLostAfterIntervals: 'lower',
};

/** True when `value` is at least as strict as `limit` for this threshold. */
export function isAtLeastAsStrict(name: ThresholdName, value: number, limit: number): boolean {
  return STRICTER[name] === 'lower' ? value <= limit : value >= limit;
}

/** Thresholds an accommodation may override: any but the heartbeat interval (a client setting, not fairness). */
const AccommodationThresholds = Accommodations.shape.overrides;

/** One candidate's accommodation in a policy. The reason is shown to the candidate's proctors on the session. */
export const PolicyAccommodation = z
  .object({
    userId: ExternalId,
    reason: z.string().trim().min(1, 'say why (proctors see this reason)').max(500),
    thresholds: AccommodationThresholds,
  })
  .strict();
export type PolicyAccommodation = z.infer<typeof PolicyAccommodation>;

/** Event types a thumbnail may be taken for (the thumbnails capability reads this). */
export const ThumbnailType = z.enum(['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED']);
export type ThumbnailType = z.infer<typeof ThumbnailType>;

/** Thumbnails opt-in. Default off: no image leaves the device unless the tenant chose so. */
export const ThumbnailsPolicy = z
  .object({
    enabled: z.boolean().default(false),
    types: z.array(ThumbnailType).max(3).default(['MULTI_PERSON', 'NO_FACE', 'CAMERA_BLOCKED']),
    /** At most this many thumbnails per session per hour: 0–60, default 6. */
    maxPerHour: z.number().int().min(0).max(60).default(6),
  })
  .strict();
export type ThumbnailsPolicy = z.infer<typeof ThumbnailsPolicy>;

/** Browser-signal rules (tab hidden, fullscreen left, …). Default off. */
export const BrowserSignalsPolicy = z
  .object({
    enabled: z.boolean().default(false),
    requireFullscreen: z.boolean().default(false),
  })
  .strict();
export type BrowserSignalsPolicy = z.infer<typeof BrowserSignalsPolicy>;

/** Retention of sessions, alerts, snapshots and audit entries: 1–3650 days, default 30. */
export const RetentionDays = z.number().int().min(1).max(3650);

export const POLICY_DEFAULTS = {
  thresholds: EXAM_CONFIG_DEFAULTS,
  accommodations: [] as PolicyAccommodation[],
  retentionDays: 30,
  thumbnails: ThumbnailsPolicy.parse({}),
  browserSignals: BrowserSignalsPolicy.parse({}),
} as const;

/**
 * A tenant's or a schedule's policy. Every field is optional: an absent field inherits from the next layer
 * (schedule → tenant → POLICY_DEFAULTS), so a schedule that says nothing about thumbnails keeps the tenant's choice.
 * Thresholds merge per field; accommodations merge per user (the schedule's entry for a user replaces the tenant's).
 */
export const PolicySchema = z
  .object({
    thresholds: ExamConfigOverrides.optional(),
    accommodations: z
      .array(PolicyAccommodation)
      .max(1000)
      .refine((list) => new Set(list.map((a) => a.userId)).size === list.length, 'one accommodation per userId')
      .optional(),
    /** Honoured per tenant only: the retention job deletes by tenant (a schedule's value is refused on save). */
    retentionDays: RetentionDays.optional(),
    thumbnails: ThumbnailsPolicy.optional(),
    browserSignals: BrowserSignalsPolicy.optional(),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;

/** A schedule policy: like a tenant's, without retention (retention is the tenant's data-protection decision). */
export const SchedulePolicySchema = PolicySchema.omit({ retentionDays: true }).strict();

/** What the dashboard publishes to Redis and the edge reads: the saved policy with its monotonic version. */
export const PublishedPolicy = z.object({ version: z.number().int().positive(), policy: PolicySchema });
export type PublishedPolicy = z.infer<typeof PublishedPolicy>;

/** Where the resolved accommodation came from, shown with its reason on the session. */
const AccommodationSource = z.enum(['claim', 'schedule', 'tenant']);

/** The accommodation a session runs with. */
export const ResolvedAccommodation = z.object({
  source: AccommodationSource,
  reason: z.string(),
  thresholds: AccommodationThresholds,
});
export type ResolvedAccommodation = z.infer<typeof ResolvedAccommodation>;

/** The config a session runs with: stored by the edge at sessions/start and returned in its response. */
export const ResolvedSessionConfig = z.object({
  examConfig: ExamConfig,
  accommodation: ResolvedAccommodation.optional(),
  thumbnails: ThumbnailsPolicy,
  browserSignals: BrowserSignalsPolicy,
  /** Versions of the published policies used (absent: that layer had none). */
  policyVersions: z.object({ tenant: z.number().int().optional(), schedule: z.number().int().optional() }),
  /** Thresholds the candidate's start body made stricter (never looser). */
  tightenedByBody: z.array(z.string()),
});
export type ResolvedSessionConfig = z.infer<typeof ResolvedSessionConfig>;

/** The config of a session no policy, claim or body touched: these thresholds with the defaults' opt-ins. */
export function defaultSessionConfig(examConfig: ExamConfig): ResolvedSessionConfig {
  return {
    examConfig,
    thumbnails: POLICY_DEFAULTS.thumbnails,
    browserSignals: POLICY_DEFAULTS.browserSignals,
    policyVersions: {},
    tightenedByBody: [],
  };
}

/** sessions/start answers the session and the config it runs with (on a resume: the config it started with). */
export const SessionStartResponse = z.object({
  session: SessionView,
  resumed: z.boolean(),
  config: ResolvedSessionConfig,
});
export type SessionStartResponse = z.infer<typeof SessionStartResponse>;

type ProctoringClaim = NonNullable<ExamTokenClaims['proctoring']>;

export interface SessionConfigInputs {
  userId: string;
  claim?: ProctoringClaim | undefined;
  schedule?: PublishedPolicy | null | undefined;
  tenant?: PublishedPolicy | null | undefined;
  /** The candidate's start body: examConfig may only tighten; accommodations are never taken from it. */
  body?: { examConfig?: ExamConfigOverrides | undefined; accommodations?: unknown } | undefined;
}

/** A refused resolution names the field, so the caller can answer a stable 4xx that says what to fix. */
type SessionConfigRefusal = {
  ok: false;
  code: 'EXAM_CONFIG_LOOSENED' | 'ACCOMMODATION_NOT_ALLOWED' | 'VALIDATION_FAILED';
  field: string;
  message: string;
  details?: Record<string, unknown>;
};
export type SessionConfigOutcome = { ok: true; config: ResolvedSessionConfig } | SessionConfigRefusal;

function pickAccommodation(inputs: SessionConfigInputs): ResolvedSessionConfig['accommodation'] {
  const fromClaim = inputs.claim?.accommodations;
  if (fromClaim) return { source: 'claim', reason: fromClaim.reason ?? '', thresholds: fromClaim.overrides };
  for (const source of ['schedule', 'tenant'] as const) {
    const hit = inputs[source]?.policy.accommodations?.find((a) => a.userId === inputs.userId);
    if (hit) return { source, reason: hit.reason, thresholds: hit.thresholds };
  }
  return undefined;
}

/**
 * Resolution, most authoritative first: the signed `proctoring` claim, then the schedule policy, then the tenant
 * policy, then the defaults (per threshold). The accommodation (claim, else schedule, else tenant; the whole entry
 * of the most specific layer) goes on top. Last, the candidate's body may make any threshold stricter than that
 * result; an attempt to loosen one is refused (not clamped), naming the field, so a hostile or misconfigured
 * client never runs with a config other than the one it asked for without knowing.
 */
export function resolveSessionConfig(inputs: SessionConfigInputs): SessionConfigOutcome {
  const { claim, schedule, tenant, body } = inputs;
  if (body?.accommodations !== undefined) {
    return {
      ok: false,
      code: 'ACCOMMODATION_NOT_ALLOWED',
      field: 'accommodations',
      message: "accommodations come only from the token's proctoring claim or the tenant's policy, not the body",
    };
  }
  const accommodation = pickAccommodation(inputs);
  const merged = {
    ...EXAM_CONFIG_DEFAULTS,
    ...tenant?.policy.thresholds,
    ...schedule?.policy.thresholds,
    ...claim?.examConfig,
    ...accommodation?.thresholds,
  };
  const base = ExamConfig.safeParse(merged);
  if (!base.success) {
    const issue = base.error.issues[0];
    return {
      ok: false,
      code: 'VALIDATION_FAILED',
      field: issue?.path.join('.') || 'examConfig',
      message: `the policy's thresholds do not combine: ${issue?.message ?? 'invalid'}`,
    };
  }
  const tightened: string[] = [];
  const examConfig = { ...base.data };
  for (const [name, value] of Object.entries(body?.examConfig ?? {}) as [ThresholdName, number][]) {
    const limit = base.data[name];
    if (!isAtLeastAsStrict(name, value, limit)) {
      return {
        ok: false,
        code: 'EXAM_CONFIG_LOOSENED',
        field: `examConfig.${name}`,
        message: `examConfig.${name} may only be ${STRICTER[name]} than or equal to ${limit} (asked ${value})`,
        details: { field: `examConfig.${name}`, limit, requested: value, stricter: STRICTER[name] },
      };
    }
    if (value !== limit) tightened.push(name);
    examConfig[name] = value;
  }
  return {
    ok: true,
    config: {
      examConfig,
      ...(accommodation ? { accommodation } : {}),
      thumbnails: schedule?.policy.thumbnails ?? tenant?.policy.thumbnails ?? POLICY_DEFAULTS.thumbnails,
      browserSignals:
        schedule?.policy.browserSignals ?? tenant?.policy.browserSignals ?? POLICY_DEFAULTS.browserSignals,
      policyVersions: {
        ...(tenant ? { tenant: tenant.version } : {}),
        ...(schedule ? { schedule: schedule.version } : {}),
      },
      tightenedByBody: tightened,
    },
  };
}
