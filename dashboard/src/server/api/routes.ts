// The API's route table: method, path, parameters and response schema of every /api route, next to the
// shapes they use. openapi.json is generated from this table, and each route file imports its entry.
import { ErrorEnvelope, Receipt } from '@proctor/contracts';
import { z } from 'zod';
import {
  ErasureBody,
  ErasureResult,
  PolicyAuditList,
  PolicySaveBody,
  PolicySaveResult,
  PolicyView,
} from './policySchemas.ts';
import {
  AuditList,
  Me,
  RankedSessionList,
  ReceiptResult,
  ReviewBody,
  ReviewResult,
  RiskSeries,
  ScheduleList,
  SessionDetail,
  SessionFilter,
} from './schemas.ts';

export interface RouteContract {
  method: 'get' | 'post';
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Media type of the success response; JSON unless said. */
  mediaType?: string;
  /** Status of the success response; 200 unless said. */
  status?: number;
}

const ScheduleParams = z.object({ scheduleId: z.string().describe('Exam schedule id (exam_schedule_id claim)') });
const SessionParams = z.object({ sessionId: z.string().describe('64-hex session id') });
const AlertParams = z.object({ alertId: z.string().describe('64-hex alert id') });

export const ROUTES = {
  me: {
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in proctor (tenant and role from the token)',
    response: Me,
  },
  schedules: {
    method: 'get',
    path: '/api/schedules',
    summary: 'Exam schedules of your tenant with live counts: active, ended, flagged, open alerts',
    response: ScheduleList,
  },
  sessions: {
    method: 'get',
    path: '/api/schedules/{scheduleId}/sessions',
    summary: 'Sessions of a schedule, riskiest first (max 200), with presence from live state',
    params: ScheduleParams,
    query: SessionFilter,
    response: RankedSessionList,
  },
  stream: {
    method: 'get',
    path: '/api/schedules/{scheduleId}/stream',
    summary:
      'Server-Sent Events: `sessions` (the ranked list, whenever it changes) and `alert` (each new or changed alert)',
    params: ScheduleParams,
    query: SessionFilter,
    response: z.string().describe('text/event-stream'),
    mediaType: 'text/event-stream',
  },
  session: {
    method: 'get',
    path: '/api/sessions/{sessionId}',
    summary: 'One session with all its alerts (rule, window, evidence events, confidence, explanation)',
    params: SessionParams,
    response: SessionDetail,
  },
  risk: {
    method: 'get',
    path: '/api/sessions/{sessionId}/risk',
    summary: 'Risk score over time (snapshots with their per-rule contributions)',
    params: SessionParams,
    response: RiskSeries,
  },
  audit: {
    method: 'get',
    path: '/api/sessions/{sessionId}/audit',
    summary: 'Audit log of proctor actions on this session, newest first',
    params: SessionParams,
    response: AuditList,
  },
  receipt: {
    method: 'post',
    path: '/api/sessions/{sessionId}/receipt',
    summary:
      "Verify a candidate's downloaded receipt against what the system holds for the session (the hash chain, and " +
      'every event kept as alert evidence); a changed, dropped or reordered event gives ok: false with the problems',
    params: SessionParams,
    body: Receipt,
    response: ReceiptResult,
  },
  review: {
    method: 'post',
    path: '/api/alerts/{alertId}/review',
    summary: 'Acknowledge or dismiss an alert with a note; written to the audit log in the same transaction',
    params: AlertParams,
    body: ReviewBody,
    response: ReviewResult,
  },
  policy: {
    method: 'get',
    path: '/api/admin/policy',
    summary: 'Admin: the tenant policy (thresholds, accommodations, retentionDays, thumbnails, browserSignals)',
    response: PolicyView,
  },
  policySave: {
    method: 'post',
    path: '/api/admin/policy',
    summary: 'Admin: save the tenant policy (optimistic version, audited, published to the edge through Redis)',
    body: PolicySaveBody,
    response: PolicySaveResult,
  },
  schedulePolicy: {
    method: 'get',
    path: '/api/admin/schedules/{scheduleId}/policy',
    summary: 'Admin: one exam schedule’s policy (fields left out inherit from the tenant policy)',
    params: ScheduleParams,
    response: PolicyView,
  },
  schedulePolicySave: {
    method: 'post',
    path: '/api/admin/schedules/{scheduleId}/policy',
    summary: 'Admin: save a schedule policy (no retentionDays: retention is per tenant)',
    params: ScheduleParams,
    body: PolicySaveBody,
    response: PolicySaveResult,
  },
  policyAudit: {
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Admin: every policy change (who, when, before, after) and erasure request, newest first',
    response: PolicyAuditList,
  },
  erasure: {
    method: 'post',
    path: '/api/admin/erasure',
    summary:
      'Admin: erase one candidate (sessions, alerts, snapshots, audit entries, Redis keys); 202, done by the lifecycle job',
    body: ErasureBody,
    response: ErasureResult,
    status: 202,
  },
  thumbnail: {
    method: 'get',
    path: '/api/alerts/{alertId}/thumbnail',
    summary:
      "The alert's thumbnail (JPEG or WebP, at most 96 px wide), when the tenant opted in and one was taken; " +
      'every view is written to the audit log (action view_thumbnail)',
    params: AlertParams,
    response: z.string().describe('image bytes'),
    mediaType: 'image/jpeg',
  },
} as const satisfies Record<string, RouteContract>;

export const ERROR_RESPONSE = ErrorEnvelope;
