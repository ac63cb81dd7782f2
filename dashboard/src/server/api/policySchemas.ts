// Shapes of the admin API: a policy as stored (with version and who saved it), a save, the audit, erasure.
import { ExternalId, PolicySchema } from '@proctor/contracts';
import { z } from 'zod';

/** A policy with a few hundred accommodations. */
export const POLICY_BODY_LIMIT = 60 * 1024;

/** A schedule's policy is named by its id, which must be one (the tenant's own layer has no id). */
export const SchedulePolicyParams = z.object({ scheduleId: ExternalId.describe('Exam schedule id') });

export const PolicyView = z.object({
  scope: z.enum(['tenant', 'schedule']),
  examScheduleId: ExternalId.nullable(),
  /** 0 while nothing was saved: the layer inherits everything (schedule → tenant → documented defaults). */
  version: z.number().int(),
  policy: PolicySchema,
  updatedBy: z.string().nullable(),
  updatedAt: z.number().int().nullable(),
});
export type PolicyView = z.infer<typeof PolicyView>;

export const PolicySaveBody = z
  .object({
    policy: PolicySchema,
    /** The version the edit started from (0 for none): a save over a newer one is refused with 409. */
    expectedVersion: z.number().int().min(0),
  })
  .strict();
export type PolicySaveBody = z.infer<typeof PolicySaveBody>;

export const PolicySaveResult = z.object({
  version: z.number().int(),
  /** False when Redis could not be reached: the edge keeps the previous policy until the next save. */
  published: z.boolean(),
});

export const PolicyAuditList = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      examScheduleId: z.string().nullable(),
      actor: z.string(),
      action: z.enum(['policy_saved', 'erasure_requested']).or(z.string()),
      version: z.number().int().nullable(),
      before: z.unknown(),
      after: z.unknown(),
      createdAt: z.number().int(),
    }),
  ),
  erasures: z.array(
    z.object({
      requestId: z.number().int(),
      requestedBy: z.string(),
      requestedAt: z.number().int(),
      completedAt: z.number().int().nullable(),
      counts: z.unknown(),
    }),
  ),
});

export const ErasureBody = z.object({ userId: ExternalId }).strict();
export const ErasureResult = z.object({
  requestId: z.number().int(),
  status: z.literal('pending'),
  message: z.string(),
});
