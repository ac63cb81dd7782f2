// Anomaly events the candidate's browser derives on-device: the only thing about the camera that leaves it.
import { z } from 'zod';
import { EpochMillis, EventId } from './ids.ts';
import { ON_DEVICE_EVENT_TYPES, onDeviceEvents } from './onDeviceEvents.ts';

export const EVENT_TYPES = [
  'LOOK_AWAY',
  'MULTI_PERSON',
  'NO_FACE',
  'CAMERA_BLOCKED',
  'CAMERA_LOST',
  ...ON_DEVICE_EVENT_TYPES,
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

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
  /** When the anomaly began, epoch ms on the candidate's clock. Windows use this, not arrival time. */
  timestamp: EpochMillis,
  /** The detector's confidence that the anomaly is real, in [0, 1]. */
  confidence: z.number().min(0).max(1),
};

export const LookAwayDetails = z
  .object({
    durationMillis: DurationMillis,
    direction: z.enum(['LEFT', 'RIGHT', 'UP', 'DOWN']),
    /** Head yaw and pitch relative to the calibrated neutral pose, degrees. */
    yawDegrees: z.number().min(-180).max(180).optional(),
    pitchDegrees: z.number().min(-180).max(180).optional(),
  })
  .strict();

export const MultiPersonDetails = z
  .object({ faceCount: z.number().int().min(2).max(50), durationMillis: DurationMillis.optional() })
  .strict();

export const NoFaceDetails = z.object({ durationMillis: DurationMillis }).strict();

export const CameraBlockedDetails = z
  .object({ durationMillis: DurationMillis, meanLuma: z.number().min(0).max(255).optional() })
  .strict();

export const CameraLostDetails = z
  .object({ reason: z.enum(['TRACK_ENDED', 'PERMISSION_REVOKED', 'DEVICE_ERROR']) })
  .strict();

/** An event: common fields plus `details` typed by `type`. */
export const AnomalyEvent = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('LOOK_AWAY'), details: LookAwayDetails }).strict(),
  z.object({ ...common, type: z.literal('MULTI_PERSON'), details: MultiPersonDetails }).strict(),
  z.object({ ...common, type: z.literal('NO_FACE'), details: NoFaceDetails }).strict(),
  z.object({ ...common, type: z.literal('CAMERA_BLOCKED'), details: CameraBlockedDetails }).strict(),
  z.object({ ...common, type: z.literal('CAMERA_LOST'), details: CameraLostDetails }).strict(),
  ...onDeviceEvents(common, DurationMillis),
]);
export type AnomalyEvent = z.infer<typeof AnomalyEvent>;
export type AnomalyEventOf<T extends EventType> = Extract<AnomalyEvent, { type: T }>;

/** Is the event's timestamp inside the accepted skew of `now`? */
export function timestampInRange(timestamp: number, now: number): boolean {
  return timestamp <= now + EVENT_LIMITS.maxFutureSkewMs && timestamp >= now - EVENT_LIMITS.maxEventAgeMs;
}
