// POST /events/batch: request and response bodies.
import { z } from 'zod';
import { EventRejectionCode } from './errors.ts';
import { EVENT_LIMITS } from './events.ts';
import { SessionId } from './session.ts';

/** The OpenAPI component a batch's events are documented by (a service registers AnomalyEvent under this name). */
export const ANOMALY_EVENT_COMPONENT = 'AnomalyEvent';

/**
 * The batch envelope. Events stay `unknown` here on purpose: each one is parsed alone with AnomalyEvent so that
 * one bad event is reported by its eventId instead of failing the whole batch. The items' documentation says what
 * each must be, by reference to AnomalyEvent, so one schema both validates and documents the body. The examples
 * (the walkthrough with ISO-8601 dates, then the same with UUIDs and epoch ms) are computed each time they are
 * read, so a generated document's example is always inside the accepted age.
 */
export const EventBatchBody = z
  .object({
    sessionId: SessionId,
    events: z
      .array(z.unknown())
      .min(1)
      .max(EVENT_LIMITS.maxEventsPerBatch)
      .meta({ items: { $ref: `#/components/schemas/${ANOMALY_EVENT_COMPONENT}` } }),
  })
  .strict()
  .meta({
    description: 'Up to 100 events of one session. Each event is accepted or rejected on its own.',
    get examples() {
      return exampleBatches(Date.now());
    },
  });
export type EventBatchBody = z.infer<typeof EventBatchBody>;

/** ISO-8601 to the second with Z, as people write it by hand: 2026-01-28T10:00:00Z. */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The design's own walkthrough batch, with its dates moved to `now` (10 s and 5 s ago): a look-away carrying only
 * its length and a multi-person sighting with empty details. The documented example, and what the tests send.
 */
export function exampleEventBatch(sessionId: string, now: number) {
  return {
    sessionId,
    events: [
      {
        eventId: 'evt-1',
        type: 'LOOK_AWAY',
        timestamp: isoSeconds(now - 10_000),
        confidence: 0.93,
        details: { durationMillis: 2000 },
      },
      { eventId: 'evt-2', type: 'MULTI_PERSON', timestamp: isoSeconds(now - 5_000), confidence: 0.99, details: {} },
    ],
  };
}

const EXAMPLE_SESSION_ID = '5b2d0f7c9e4a41b38c6d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b';

/** The documented examples at `now`: the walkthrough as people write it, then as our client sends it. */
function exampleBatches(now: number) {
  const iso = exampleEventBatch(EXAMPLE_SESSION_ID, now);
  // The same batch in the form our client sends: UUIDs and epoch milliseconds.
  const epoch = {
    ...iso,
    events: iso.events.map((e, i) => ({
      ...e,
      eventId: ['0f8e2c4a-6b1d-4e3f-9a7c-5d2b8e1f0a36', '7c3a9e1b-2d4f-4a6c-8e0b-1f3d5a7c9e24'][i],
      timestamp: Date.parse(e.timestamp),
    })),
  };
  return [iso, epoch];
}

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
