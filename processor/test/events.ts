// Builders for anomaly events and records in tests: deterministic ids, readable times.

import { randomBytes } from 'node:crypto';
import {
  type AnomalyEvent,
  type AnomalyEventOf,
  deriveSessionId,
  EXAM_CONFIG_DEFAULTS,
  type ExamConfig,
  type ExamConfigOverrides,
  type OnDeviceEventType,
  type ProctorRecord,
  resolveExamConfig,
} from '@proctor/contracts';
import { applyEvent } from '../src/rules/applyEvent.ts';
import { type AlertDraft, emptyRuleState } from '../src/rules/types.ts';

/** t0 of every test clock: 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600_000;
export const TENANT = 'tenant-1';
const SCHEDULE = 'exam-1';

/** A test session: its id derives from its identity (one schedule, attempt 1), as the edge's ids do. */
export interface TestSession {
  sessionId: string;
  tenantId: string;
  userId: string;
}

const sessionOf = async (tenantId: string, userId: string): Promise<TestSession> => ({
  tenantId,
  userId,
  sessionId: await deriveSessionId({ tenant_id: tenantId, exam_schedule_id: SCHEDULE, user_id: userId, attempt_no: 1 }),
});

/** The unit tests' one session. */
const TEST_SESSION = await sessionOf(TENANT, 'user-1');
export const SESSION = TEST_SESSION.sessionId;

/** `n` sessions of random candidates of one tenant (runs never share a session). */
export function newSessions(n: number, tenantId = 'tenant-test'): Promise<TestSession[]> {
  return Promise.all(Array.from({ length: n }, () => sessionOf(tenantId, `user-${randomBytes(6).toString('hex')}`)));
}

export const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let counter = 0;
const nextId = () => uuid(++counter);

export const config = (overrides: ExamConfigOverrides = {}): ExamConfig =>
  resolveExamConfig({ ...EXAM_CONFIG_DEFAULTS }, { overrides });

/** Times in these builders are seconds after T0, durations in seconds: tests read like the rules are written. */
export const lookAway = (atS: number, durS: number, confidence = 0.9, id = nextId()): AnomalyEvent => ({
  eventId: id,
  type: 'LOOK_AWAY',
  timestamp: T0 + atS * 1000,
  confidence,
  details: { durationMillis: durS * 1000, direction: 'LEFT' },
});
export const noFace = (atS: number, durS: number, confidence = 0.9, id = nextId()): AnomalyEvent => ({
  eventId: id,
  type: 'NO_FACE',
  timestamp: T0 + atS * 1000,
  confidence,
  details: { durationMillis: durS * 1000 },
});
export const multiPerson = (atS: number, confidence: number, faceCount = 2, id = nextId()): AnomalyEvent => ({
  eventId: id,
  type: 'MULTI_PERSON',
  timestamp: T0 + atS * 1000,
  confidence,
  details: { faceCount },
});
export const cameraBlocked = (atS: number, durS: number, id = nextId()): AnomalyEvent => ({
  eventId: id,
  type: 'CAMERA_BLOCKED',
  timestamp: T0 + atS * 1000,
  confidence: 0.95,
  details: { durationMillis: durS * 1000 },
});
export const cameraLost = (
  atS: number,
  reason: 'TRACK_ENDED' | 'PERMISSION_REVOKED' | 'DEVICE_ERROR',
  id = nextId(),
): AnomalyEvent => ({
  eventId: id,
  type: 'CAMERA_LOST',
  timestamp: T0 + atS * 1000,
  confidence: 1,
  details: { reason },
});

export const eventRecord = (event: AnomalyEvent, sessionId = SESSION, tenantId = TENANT): ProctorRecord => ({
  schemaVersion: 1,
  kind: 'event',
  tenantId,
  sessionId,
  receivedAt: event.timestamp + 500,
  event,
});

export const startedRecord = (
  examConfig: ExamConfig = config(),
  session: TestSession = TEST_SESSION,
  atS = 0,
): ProctorRecord => ({
  schemaVersion: 1,
  kind: 'session_started',
  tenantId: session.tenantId,
  sessionId: session.sessionId,
  receivedAt: T0 + atS * 1000,
  session: {
    examScheduleId: SCHEDULE,
    userId: session.userId,
    attemptNo: 1,
    examConfig,
    startedAt: T0 + atS * 1000,
  },
});

export const endedRecord = (atS: number, sessionId = SESSION, tenantId = TENANT): ProctorRecord => ({
  schemaVersion: 1,
  kind: 'session_ended',
  tenantId,
  sessionId,
  receivedAt: T0 + atS * 1000,
  endedAt: T0 + atS * 1000,
  reason: 'submitted',
});

/** A heartbeat the edge accepted at T0 + atS. */
export const heartbeatRecord = (atS: number, sessionId = SESSION, tenantId = TENANT): ProctorRecord => ({
  schemaVersion: 1,
  kind: 'heartbeat',
  tenantId,
  sessionId,
  receivedAt: T0 + atS * 1000,
});

/** The sweeper's record of a lapse whose deadline was T0 + atS. */
export const connectionLostRecord = (atS: number, sessionId = SESSION): ProctorRecord => ({
  schemaVersion: 1,
  kind: 'connection_lost',
  sessionId,
  deadline: T0 + atS * 1000,
  detectedAt: T0 + atS * 1000 + 500,
});

/** Runs events, in the given (arrival) order, through the rules under a config with these overrides. */
export function runRules(events: AnomalyEvent[], overrides: ExamConfigOverrides = {}) {
  let state = emptyRuleState();
  const alerts: AlertDraft[] = [];
  for (const e of events) {
    const r = applyEvent(state, e, config(overrides));
    state = r.state;
    alerts.push(...r.alerts);
  }
  return { state, alerts };
}

/** An on-device event (identity, browser signal, low light) `atS` seconds after T0 with these details. */
export const onDevice = <T extends OnDeviceEventType>(
  type: T,
  atS: number,
  details: AnomalyEventOf<T>['details'],
  id = nextId(),
): AnomalyEvent => ({ eventId: id, type, timestamp: T0 + atS * 1000, confidence: 0.9, details }) as AnomalyEvent;
