// POST /events/batch: request and response bodies.
import { z } from 'zod';
import { EventRejectionCode } from './errors.ts';
import { EVENT_LIMITS } from './events.ts';
import { SessionId } from './session.ts';

/**
 * The batch envelope. Events stay `unknown` here on purpose: each one is parsed alone with AnomalyEvent so that
 * one bad event is reported by its eventId instead of failing the whole batch.
 */
export const EventBatchBody = z
  .object({
    sessionId: SessionId,
    events: z.array(z.unknown()).min(1).max(EVENT_LIMITS.maxEventsPerBatch),
  })
  .strict();
export type EventBatchBody = z.infer<typeof EventBatchBody>;

export const RejectedEvent = z.object({
  index: z.number().int().nonnegative(),
  eventId: z.string().optional(),
  code: EventRejectionCode,
  message: z.string(),
});
export type RejectedEvent = z.infer<typeof RejectedEvent>;

export const EventBatchResponse = z.object({
  /** Events newly made durable in Kafka by this request. */
  accepted: z.number().int().nonnegative(),
  /** Events already durable from an earlier request (or repeated in this one): safe to forget. */
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(RejectedEvent),
});
export type EventBatchResponse = z.infer<typeof EventBatchResponse>;
