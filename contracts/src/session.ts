// Session identity, the deterministic session id, exam config with accommodations, and session API bodies.
import { z } from 'zod';
import { EpochMillis, ExternalId, Sha256Hex, sha256Hex } from './ids.ts';
import type { ExamTokenClaims } from './token.ts';

/** The four claims that identify one proctoring session. */
export type SessionIdentity = Pick<ExamTokenClaims, 'tenant_id' | 'exam_schedule_id' | 'user_id' | 'attempt_no'>;

export const SessionId = Sha256Hex;
export type SessionId = z.infer<typeof SessionId>;

/**
 * sessionId = hex(SHA-256("proctor.session.v1" ‖ JSON([tenant_id, exam_schedule_id, user_id, attempt_no]))).
 *
 * Deterministic, so a refreshed token with the same four claims continues the same session. The JSON array
 * encoding is unambiguous (no "a|b" vs "a|" + "b" collisions) and SHA-256 is collision resistant, so knowing
 * one id does not help forge another tenant's. The id is never an authority: the edge always recomputes it from
 * the verified token and refuses a body whose sessionId differs (SESSION_MISMATCH).
 */
export function deriveSessionId(identity: SessionIdentity): Promise<SessionId> {
  const { tenant_id, exam_schedule_id, user_id, attempt_no } = identity;
  return sha256Hex(`proctor.session.v1${JSON.stringify([tenant_id, exam_schedule_id, user_id, attempt_no])}`);
}

/**
 * Bounds of each threshold the processor applies. Windows are in event time (the client's timestamps).
 * Kept free of defaults so that partial shapes (start body, accommodations) never invent values.
 */
const ExamConfigBounds = z.object({
  /** Cumulative look-away seconds allowed inside one window: 1–600. */
  maxLookAwaySeconds: z.number().min(1).max(600),
  /** Length of the sliding look-away window: 5–3600. */
  maxLookAwayWindowSeconds: z.number().min(5).max(3600),
  /** MULTI_PERSON events below this confidence are ignored: 0.3–1. */
  multiPersonMinConfidence: z.number().min(0.3).max(1),
  /** Seconds without a face, one stretch or summed inside the no-face window: 1–600. */
  noFaceMaxSeconds: z.number().min(1).max(600),
  /** Length of the sliding no-face window: 5–3600. */
  noFaceWindowSeconds: z.number().min(5).max(3600),
  /** How often the client sends a heartbeat: 5–120. */
  heartbeatIntervalSeconds: z.number().int().min(5).max(120),
  /** Missed heartbeat intervals (with no event either) before CONNECTION_LOST: 2–20. */
  connectionLostAfterIntervals: z.number().int().min(2).max(20),
});

/** Documented defaults; the look-away pair is the seed's "5 s within 30 s". */
export const EXAM_CONFIG_DEFAULTS = {
  maxLookAwaySeconds: 5,
  maxLookAwayWindowSeconds: 30,
  multiPersonMinConfidence: 0.8,
  noFaceMaxSeconds: 10,
  noFaceWindowSeconds: 60,
  heartbeatIntervalSeconds: 15,
  connectionLostAfterIntervals: 3,
} as const satisfies z.infer<typeof ExamConfigBounds>;

/** Partial thresholds, as a start body or tenant default may give them. */
export const ExamConfigOverrides = ExamConfigBounds.partial().strict();
export type ExamConfigOverrides = z.infer<typeof ExamConfigOverrides>;

export const ExamConfig = z
  .preprocess((v) => ({ ...EXAM_CONFIG_DEFAULTS, ...(v as object) }), ExamConfigBounds.strict())
  .refine((c) => c.maxLookAwaySeconds <= c.maxLookAwayWindowSeconds, {
    message: 'maxLookAwaySeconds must not exceed maxLookAwayWindowSeconds',
    path: ['maxLookAwaySeconds'],
  })
  .refine((c) => c.noFaceMaxSeconds <= c.noFaceWindowSeconds, {
    message: 'noFaceMaxSeconds must not exceed noFaceWindowSeconds',
    path: ['noFaceMaxSeconds'],
  });
export type ExamConfig = z.infer<typeof ExamConfig>;

/** How long a session may stay silent (no heartbeat, no event) before its connection counts as lost. */
export function livenessWindowMs(config: ExamConfig): number {
  return config.connectionLostAfterIntervals * config.heartbeatIntervalSeconds * 1000;
}
export type ExamConfigInput = ExamConfigOverrides;

/** Per-candidate accommodations: any threshold may be overridden, with a reason kept for audit. */
export const Accommodations = z.object({
  reason: z.string().max(500).optional(),
  /** Any threshold but the heartbeat interval (a client setting, not a fairness one). */
  overrides: ExamConfigBounds.omit({ heartbeatIntervalSeconds: true }).partial().strict(),
});
export type Accommodations = z.infer<typeof Accommodations>;

/** The effective config: base exam config with accommodation overrides on top, re-checked as a whole. */
export function resolveExamConfig(base: ExamConfigInput = {}, accommodations?: Accommodations): ExamConfig {
  return ExamConfig.parse({ ...base, ...accommodations?.overrides });
}

export const SessionStartBody = z
  .object({
    examConfig: ExamConfigOverrides.default({}),
    accommodations: Accommodations.optional(),
    client: z
      .object({
        version: z.string().max(64).optional(),
        backend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']).optional(),
        userAgent: z.string().max(512).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SessionStartBody = z.infer<typeof SessionStartBody>;

export const SessionStatus = z.enum(['active', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const SessionView = z.object({
  sessionId: SessionId,
  tenantId: ExternalId,
  examScheduleId: ExternalId,
  userId: ExternalId,
  attemptNo: z.number().int(),
  status: SessionStatus,
  examConfig: ExamConfigBounds,
  startedAt: EpochMillis,
  lastHeartbeatAt: EpochMillis,
  endedAt: EpochMillis.optional(),
});
export type SessionView = z.infer<typeof SessionView>;

// SessionStartResponse lives in policy.ts: it carries the resolved config, which is built on this file's schemas.

export const SessionRefBody = z.object({ sessionId: SessionId }).strict();
export type SessionRefBody = z.infer<typeof SessionRefBody>;

export const SessionEndBody = z
  .object({ sessionId: SessionId, reason: z.enum(['submitted', 'timeout', 'abandoned']).default('submitted') })
  .strict();
export type SessionEndBody = z.infer<typeof SessionEndBody>;

/** POST /sessions/end's answer: the ended session (ending again answers the first end). */
export const SessionEndResponse = z.object({ session: SessionView });
export type SessionEndResponse = z.infer<typeof SessionEndResponse>;

export const HeartbeatResponse = z.object({ sessionId: SessionId, serverTime: EpochMillis, nextInSeconds: z.number() });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;
