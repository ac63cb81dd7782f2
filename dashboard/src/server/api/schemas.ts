// The dashboard API's request and response shapes: one zod schema each, reused by routes, pages and OpenAPI.
import {
  Alert,
  AlertRule,
  AlertStatus,
  EventId,
  ExternalId,
  ProctorRole,
  ResolvedAccommodation,
  RiskSnapshot,
  SessionId,
  SessionStatus,
} from '@proctor/contracts';
import { z } from 'zod';

/** Path ids are plain strings: a malformed id reads exactly like another tenant's or a missing one (404). */
export const ScheduleParams = z.object({
  scheduleId: z.string().describe('Exam schedule id (exam_schedule_id claim)'),
});
export const SessionParams = z.object({ sessionId: z.string().describe('64-hex session id') });
export const AlertParams = z.object({ alertId: z.string().describe('64-hex alert id') });

export const Me = z.object({ tenantId: ExternalId, sub: z.string(), role: ProctorRole, name: z.string().optional() });
export type Me = z.infer<typeof Me>;

export const ScheduleSummary = z.object({
  examScheduleId: ExternalId,
  active: z.number().int().describe('Sessions still running'),
  ended: z.number().int(),
  flagged: z.number().int().describe('Sessions (active or ended) with at least one open alert'),
  openAlerts: z.number().int(),
});
export type ScheduleSummary = z.infer<typeof ScheduleSummary>;
export const ScheduleList = z.object({ schedules: z.array(ScheduleSummary) });

/** Live state read from Redis; `unknown` when Redis has no record or is unreachable (the page says so). */
export const Presence = z.enum(['online', 'overdue', 'unknown']);
export type Presence = z.infer<typeof Presence>;

export const RankedSession = z.object({
  sessionId: SessionId,
  examScheduleId: ExternalId,
  userId: ExternalId,
  attemptNo: z.number().int(),
  status: SessionStatus,
  riskScore: z.number().min(0).max(100),
  openAlerts: z.number().int(),
  totalAlerts: z.number().int(),
  rules: z.array(AlertRule).describe('Distinct rules of this session’s open alerts'),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  lastSeenAt: z.number().int().nullable(),
  presence: Presence,
});
export type RankedSession = z.infer<typeof RankedSession>;

export const SessionFilter = z.object({
  status: z.enum(['active', 'ended', 'flagged']).optional(),
  rule: AlertRule.optional(),
});
export type SessionFilter = z.infer<typeof SessionFilter>;

export const RankedSessionList = z.object({
  examScheduleId: ExternalId,
  sessions: z.array(RankedSession),
  generatedAt: z.number().int(),
  /** True when Redis could not be read: presence is then `unknown` for every session. */
  liveStateDegraded: z.boolean(),
});
export type RankedSessionList = z.infer<typeof RankedSessionList>;

export const SessionDetail = z.object({
  session: RankedSession.extend({
    examConfig: z.record(z.string(), z.unknown()),
    /** The candidate's accommodation and its reason, for the proctors (null: none). */
    accommodation: ResolvedAccommodation.nullable(),
  }),
  alerts: z.array(Alert),
  /** Evidence events with a stored thumbnail (empty unless the tenant opted in); view them through /thumbnail. */
  thumbnailEventIds: z.array(EventId),
  liveStateDegraded: z.boolean(),
});
export type SessionDetail = z.infer<typeof SessionDetail>;

export const RiskSeries = z.object({ sessionId: SessionId, snapshots: z.array(RiskSnapshot) });
export type RiskSeries = z.infer<typeof RiskSeries>;

export const ReviewAction = z.enum(['acknowledge', 'dismiss']);
export type ReviewAction = z.infer<typeof ReviewAction>;

export const AuditEntry = z.object({
  id: z.number().int(),
  sessionId: SessionId,
  alertId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  note: z.string().nullable(),
  createdAt: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.object({
  sessionId: SessionId,
  entries: z.array(AuditEntry),
  next: z.string().nullable().describe('`before` for the next (older) page; null when this page reaches the oldest'),
});
export const AuditQuery = z.object({
  before: z.string().optional().describe('a `next` from an earlier page: the page of entries older than it'),
});

export const ReviewBody = z
  .object({
    action: ReviewAction,
    note: z.string().trim().max(2000, 'note must be at most 2000 characters').default(''),
  })
  .strict()
  .refine((b) => b.action !== 'dismiss' || b.note.length >= 3, {
    message: 'a dismissal needs a note of at least 3 characters saying why the alert is not a concern',
    path: ['note'],
  });
export type ReviewBody = z.infer<typeof ReviewBody>;

/** A receipt's verdict: the chain recomputes, it is for this session, and it holds every event the system does. */
export const ReceiptResult = z.object({
  sessionId: SessionId,
  ok: z.boolean(),
  checkedEvents: z.number().int().nonnegative().optional(),
  problems: z.array(z.string()).optional(),
});
export type ReceiptResult = z.infer<typeof ReceiptResult>;

export const ReviewResult = z.object({ alertId: z.string(), status: AlertStatus, audit: AuditEntry });
export type ReviewResult = z.infer<typeof ReviewResult>;
