// Claims of the candidate's existing exam JWT (we verify it, we never issue it) and of proctor tokens.
import { z } from 'zod';
import { ExternalId } from './ids.ts';
import { Accommodations, ExamConfigOverrides } from './session.ts';

const NumericDate = z.number().int().nonnegative();

/** Registered claims we may check; `exp` is mandatory for every token we accept. */
const Registered = {
  exp: NumericDate,
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  iat: NumericDate.optional(),
  nbf: NumericDate.optional(),
  jti: z.string().max(256).optional(),
};

/**
 * The candidate's exam token. The four identity claims name the proctoring session; a refreshed token with
 * the same four claims continues the same session. Types are strict: `attempt_no` as a string is rejected.
 */
export const ExamTokenClaims = z.object({
  tenant_id: ExternalId,
  exam_schedule_id: ExternalId,
  user_id: ExternalId,
  attempt_no: z.number().int().min(1).max(1000),
  /**
   * Optional thresholds and accommodations signed by the exam platform. Thresholds are a fairness decision: when
   * this claim is present it is authoritative and the start body's examConfig/accommodations are ignored.
   */
  proctoring: z
    .object({ examConfig: ExamConfigOverrides.optional(), accommodations: Accommodations.optional() })
    .strict()
    .optional(),
  ...Registered,
});
export type ExamTokenClaims = z.infer<typeof ExamTokenClaims>;

export const ProctorRole = z.enum(['proctor', 'admin']);
export type ProctorRole = z.infer<typeof ProctorRole>;

/** A proctor's or admin's dashboard token, from the same issuer as exam tokens. */
export const ProctorTokenClaims = z.object({
  tenant_id: ExternalId,
  sub: z.string().min(1).max(256),
  role: ProctorRole,
  name: z.string().max(256).optional(),
  ...Registered,
});
export type ProctorTokenClaims = z.infer<typeof ProctorTokenClaims>;
