// Records the edge produces to Kafka, keyed by sessionId so that one session's records stay in order.
import { z } from 'zod';
import { AnomalyEvent } from './events.ts';
import { EpochMillis, ExternalId } from './ids.ts';
import { ResolvedAccommodation } from './policy.ts';
import { ExamConfig, SessionId } from './session.ts';

export const KAFKA_SCHEMA_VERSION = 1;

/**
 * The record key is the sessionId, so one session's records share a partition and stay in order. Through the
 * Kafka REST JSON formats (v2 `vnd.kafka.json.v2+json`, v3 `JSON`) the key is itself serialized as JSON, so its
 * bytes are `"<sessionId>"` with the quotes; a native producer may write the bare id. Consumers accept both.
 */
export function keyMatchesSession(key: string, sessionId: string): boolean {
  return key === sessionId || key === JSON.stringify(sessionId);
}

/**
 * The key every producer writes for a session's records: the bytes the REST JSON formats put on the wire (the id as
 * a JSON string, quotes included). The partition is a hash of the key bytes, so a native producer (the processor's
 * liveness sweep) that wrote the bare id would put the session's connection_lost on another partition than its
 * events: out of order, and applied by another consumer racing the first one over the session's state.
 */
export const recordKey = (sessionId: string): string => JSON.stringify(sessionId);

export const KAFKA_TOPICS = {
  events: 'proctor.events',
  deadLetter: 'proctor.events.dlq',
} as const;

const base = {
  schemaVersion: z.literal(KAFKA_SCHEMA_VERSION),
  tenantId: ExternalId,
  sessionId: SessionId,
  /** Edge clock when the record was accepted, epoch ms. */
  receivedAt: EpochMillis,
};

export const EventRecord = z.object({ ...base, kind: z.literal('event'), event: AnomalyEvent });
export type EventRecord = z.infer<typeof EventRecord>;

export const SessionStartedRecord = z.object({
  ...base,
  kind: z.literal('session_started'),
  session: z.object({
    examScheduleId: ExternalId,
    userId: ExternalId,
    attemptNo: z.number().int(),
    examConfig: ExamConfig,
    /** The accommodation applied (its reason is shown to the candidate's proctors), if any. */
    accommodation: ResolvedAccommodation.optional(),
    startedAt: EpochMillis,
  }),
});
export type SessionStartedRecord = z.infer<typeof SessionStartedRecord>;

export const SessionEndedRecord = z.object({
  ...base,
  kind: z.literal('session_ended'),
  endedAt: EpochMillis,
  reason: z.enum(['submitted', 'timeout', 'abandoned']),
});
export type SessionEndedRecord = z.infer<typeof SessionEndedRecord>;

/**
 * A heartbeat the edge accepted: the candidate is connected. The edge writes nothing to Redis for it (a heartbeat is
 * the most frequent request, and Upstash bills per command); the processor moves the session's liveness deadline on
 * its own Redis from this record as from every record of the session, and drops one of an ended or unknown session.
 */
export const HeartbeatRecord = z.object({ ...base, kind: z.literal('heartbeat') });
export type HeartbeatRecord = z.infer<typeof HeartbeatRecord>;

/**
 * The liveness sweep's finding: the session's deadline passed unrenewed. The processor's sweeper produces it onto
 * the events topic keyed by sessionId (so it joins the session's partition, in order), and the consumer applies it
 * like any record: one writer of alerts, snapshots and session rows. The sweeper does not know the tenant; the
 * consumer takes it from the session's state. The deadline is the alert's bucket, so a repeat is the same alert.
 */
export const ConnectionLostRecord = z.object({
  schemaVersion: z.literal(KAFKA_SCHEMA_VERSION),
  sessionId: SessionId,
  kind: z.literal('connection_lost'),
  /** The liveness deadline that passed, epoch ms. */
  deadline: EpochMillis,
  /** Sweeper clock when it claimed the lapse, epoch ms. */
  detectedAt: EpochMillis,
});
export type ConnectionLostRecord = z.infer<typeof ConnectionLostRecord>;

/** Every value on the events topic. The processor parses with this once, at the boundary. */
export const ProctorRecord = z.discriminatedUnion('kind', [
  EventRecord,
  SessionStartedRecord,
  SessionEndedRecord,
  HeartbeatRecord,
  ConnectionLostRecord,
]);
export type ProctorRecord = z.infer<typeof ProctorRecord>;

/** A record the processor could not apply, as written to the dead-letter topic. */
export const DeadLetterRecord = z.object({
  reason: z.string(),
  sourceTopic: z.string(),
  sourcePartition: z.number().int(),
  sourceOffset: z.string(),
  failedAt: EpochMillis,
  /** The original value, as text (it may not be JSON at all). */
  value: z.string().nullable(),
  key: z.string().nullable(),
});
export type DeadLetterRecord = z.infer<typeof DeadLetterRecord>;
