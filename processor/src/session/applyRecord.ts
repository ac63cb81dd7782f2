// One Kafka record through a session: lifecycle, rules and risk (the session state machine). Pure.
import { EXAM_CONFIG_DEFAULTS, type ExamConfig, livenessWindowMs, type ProctorRecord } from '@proctor/contracts';
import { addAlert, decayTo, emptyRisk, type RiskState } from '../risk/riskScore.ts';
import { applyEvent } from '../rules/applyEvent.ts';
import { connectionLostAlert } from '../rules/connectionLost.ts';
import { type AlertDraft, emptyRuleState, type RuleState } from '../rules/types.ts';

export interface SessionState {
  tenantId: string;
  config: ExamConfig;
  /** Whether config came from the session_started record or is contracts' defaults (start not seen). */
  configFromStart: boolean;
  startedAt: number;
  endedAt: number;
  /** Newest edge receivedAt of the session's records (a heartbeat's too): its liveness deadline is this + the window. */
  lastSeenAt: number;
  rules: RuleState;
  risk: RiskState;
  lastSnapshot: { bucketStart: number; score: number } | undefined;
  /** Newest connection-lost deadline already folded into risk: a repeated record of it adds no second score. */
  connectionLostMerged: number;
}

export function newSessionState(tenantId: string): SessionState {
  return {
    tenantId,
    config: { ...EXAM_CONFIG_DEFAULTS },
    configFromStart: false,
    startedAt: 0,
    endedAt: 0,
    lastSeenAt: 0,
    rules: emptyRuleState(),
    risk: emptyRisk(),
    lastSnapshot: undefined,
    connectionLostMerged: 0,
  };
}

export interface RecordResult {
  state: SessionState;
  alerts: AlertDraft[];
  /** Why nothing happened, when nothing did (metrics label). */
  reason: string;
}

/** Folds alerts raised by the event at `at` into risk, then decays it to the session's newest event time. */
function withAlertRisk(risk: RiskState, alerts: AlertDraft[], at: number, newestTs: number): RiskState {
  return decayTo(
    alerts.reduce((r, a) => addAlert(r, a.rule, a.severity, at), risk),
    newestTs,
  );
}

export function applyRecord(prev: SessionState | undefined, record: ProctorRecord): RecordResult {
  const base = prev ?? newSessionState(record.kind === 'connection_lost' ? '' : record.tenantId);
  if (record.kind === 'connection_lost') return applyConnectionLost(base, record.deadline);
  const state = { ...base, lastSeenAt: Math.max(base.lastSeenAt, record.receivedAt) };
  switch (record.kind) {
    case 'session_started':
      return {
        state: {
          ...state,
          tenantId: record.tenantId,
          config: record.session.examConfig,
          configFromStart: true,
          startedAt: record.session.startedAt,
        },
        alerts: [],
        reason: 'session_started',
      };
    case 'session_ended':
      return { state: { ...state, endedAt: record.endedAt }, alerts: [], reason: 'session_ended' };
    case 'heartbeat':
      // A sign of life only: lastSeenAt (above) moves the session's liveness deadline.
      return { state, alerts: [], reason: 'heartbeat' };
    case 'event': {
      const r = applyEvent(state.rules, record.event, state.config);
      const risk = withAlertRisk(state.risk, r.alerts, record.event.timestamp, r.state.maxEventTs);
      return {
        state: { ...state, rules: r.state, risk },
        alerts: r.alerts,
        reason: r.alerts.length ? 'alerted' : 'applied',
      };
    }
  }
}

/**
 * A lapse the liveness sweep found. It is no sign of life, so lastSeenAt stays. A deadline at or before the newest
 * one merged is a repeat (a sweeper crashed after its produce) or an older lapse recovered late: its alert is
 * raised again (same id, an idempotent upsert) but its risk is not counted twice.
 */
function applyConnectionLost(state: SessionState, deadline: number): RecordResult {
  if (state.endedAt) return { state, alerts: [], reason: 'session_ended' };
  // A record seen after the one this deadline was counted from (it sat in the partition ahead of the lapse, so the
  // sweep could not know it): the deadline had moved before it passed, so there was no lapse.
  if (state.lastSeenAt && state.lastSeenAt + livenessWindowMs(state.config) > deadline) {
    return { state, alerts: [], reason: 'connection_lost_superseded' };
  }
  const alerts = [connectionLostAlert(deadline, state.config)];
  if (deadline <= state.connectionLostMerged) return { state, alerts, reason: 'connection_lost_repeat' };
  const risk = addAlert(state.risk, 'connection_lost', 'medium', deadline);
  return { state: { ...state, risk, connectionLostMerged: deadline }, alerts, reason: 'alerted' };
}
