// Anomaly events the candidate's browser derives on-device: the only thing about the camera that leaves it.
import { z } from 'zod';
import { EventId } from './ids.ts';
import { ON_DEVICE_EVENT_TYPES, onDeviceEvents } from './onDeviceEvents.ts';
import { EventTimestamp } from './timestamps.ts';

export const EVENT_TYPES = [
  'LOOK_AWAY',
  'MULTI_PERSON',
  'NO_FACE',
  'CAMERA_BLOCKED',
  'CAMERA_LOST',
  ...ON_DEVICE_EVENT_TYPES,
] as const;
const EventType = z.enum(EVENT_TYPES);
type EventType = z.infer<typeof EventType>;

/**
 * Limits of POST /events/batch, enforced by the edge and honoured by the client.
 * - maxBodyBytes: a batch body, bytes on the wire (64 KiB; 100 events take about 25 KiB).
 * - maxEventsPerBatch: events in one batch.
 * - maxFutureSkewMs: how far an event's timestamp may be ahead of the edge's clock.
 * - maxEventAgeMs: how old an event may be; the client's offline queue keeps events across reloads, so this is
 *   an exam's length, not a network round trip.
 * - maxAuthorizationBytes: the Authorization header is refused above this before any parsing.
 */
export const EVENT_LIMITS = {
  maxBodyBytes: 64 * 1024,
  maxEventsPerBatch: 100,
  maxFutureSkewMs: 60_000,
  maxEventAgeMs: 6 * 60 * 60 * 1000,
  maxAuthorizationBytes: 8 * 1024,
} as const;

/** One anomaly's length; capped at an hour so a stuck client cannot claim days. */
const DurationMillis = z.number().int().min(0).max(3_600_000);

const common = {
  eventId: EventId,
  timestamp: EventTimestamp,
  /** The detector's confidence that the anomaly is real, in [0, 1]. */
  confidence: z.number().min(0).max(1),
};

// Details are read tolerantly: what a rule needs is required, the rest optional, unknown keys dropped (z.object
// strips them), so an integrator's extra fields never reach Kafka or MySQL. What a missing field means:
// - LOOK_AWAY, NO_FACE: durationMillis is required: their rules add up time, and an event without a length
//   would count as zero while looking like evidence. No direction: the alert simply names none.
// - MULTI_PERSON: `{}` is a sighting of 2 or more people; faceCount, when given, is at least 2.
// - CAMERA_BLOCKED: without durationMillis the alert says the length was not reported.
// - CAMERA_LOST: without reason it is treated as a track that ended (not as a revoked permission).
// Types whose details are all optional may omit `details` altogether.

const LookAwayDetails = z.object({
  durationMillis: DurationMillis,
  direction: z.enum(['LEFT', 'RIGHT', 'UP', 'DOWN']).optional(),
  /** Head yaw and pitch relative to the calibrated neutral pose, degrees. */
  yawDegrees: z.number().min(-180).max(180).optional(),
  pitchDegrees: z.number().min(-180).max(180).optional(),
});

const MultiPersonDetails = z.object({
  faceCount: z.number().int().min(2).max(50).optional(),
  durationMillis: DurationMillis.optional(),
  /** The room's mean luma when it was under LOW_LIGHT's line while the faces were counted: the alert names the light. */
  meanLuma: z.number().min(0).max(255).optional(),
});

const NoFaceDetails = z.object({
  durationMillis: DurationMillis,
  /** The room's mean luma when it was under LOW_LIGHT's line while no face was seen: the alert names the light. */
  meanLuma: z.number().min(0).max(255).optional(),
});

const CameraBlockedDetails = z.object({
  durationMillis: DurationMillis.optional(),
  meanLuma: z.number().min(0).max(255).optional(),
});

const CameraLostDetails = z.object({
  reason: z.enum(['TRACK_ENDED', 'PERMISSION_REVOKED', 'DEVICE_ERROR']).optional(),
});

/**
 * An event: common fields plus `details` typed by `type`. The input is tolerant (timestamp as ISO-8601 or epoch
 * ms, unknown keys dropped); the output, which the edge writes to Kafka, is the one canonical shape: epoch ms and
 * only the typed fields. The processor parses records with the same schema, so it never sees a second form.
 */
export const AnomalyEvent = z
  .discriminatedUnion('type', [
    z.object({ ...common, type: z.literal('LOOK_AWAY'), details: LookAwayDetails }),
    z.object({ ...common, type: z.literal('MULTI_PERSON'), details: MultiPersonDetails.default({}) }),
    z.object({ ...common, type: z.literal('NO_FACE'), details: NoFaceDetails }),
    z.object({ ...common, type: z.literal('CAMERA_BLOCKED'), details: CameraBlockedDetails.default({}) }),
    z.object({ ...common, type: z.literal('CAMERA_LOST'), details: CameraLostDetails.default({}) }),
    ...onDeviceEvents(common, DurationMillis),
  ])
  .meta({
    description: 'One anomaly. `timestamp` may be ISO-8601 or epoch ms; unknown keys are dropped, never stored.',
  });
export type AnomalyEvent = z.infer<typeof AnomalyEvent>;
export type AnomalyEventOf<T extends EventType> = Extract<AnomalyEvent, { type: T }>;

/** Where an event's timestamp stands against the edge's clock `now`. */
export function timestampVerdict(timestamp: number, now: number): 'ok' | 'future' | 'too_old' {
  if (timestamp > now + EVENT_LIMITS.maxFutureSkewMs) return 'future';
  return timestamp < now - EVENT_LIMITS.maxEventAgeMs ? 'too_old' : 'ok';
}
