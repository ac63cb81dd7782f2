// One chunk of one partition, start to finish: decode, check each record's provenance (provenance.ts), rules per
// session in offset order, then DLQ, MySQL, Redis.
import {
  type Alert,
  type DeadLetterRecord,
  deriveAlertId,
  livenessWindowMs,
  type RiskSnapshot,
} from '@proctor/contracts';
import type { LivenessChange, LivenessStore } from '../liveness/track.ts';
import { decayTo, riskContributions, riskScore, shouldSnapshot, snapshotBucket } from '../risk/riskScore.ts';
import type { AlertDraft } from '../rules/types.ts';
import { applyRecord, type SessionState } from '../session/applyRecord.ts';
import type { DeadLetterSink } from '../sinks/deadLetter.ts';
import type { ChunkWrites, MysqlSink } from '../sinks/mysqlSink.ts';
import type { CheckpointStore, Position, SessionCheckpoint } from '../state/sessionCheckpoints.ts';
import { decodeRecord } from './decode.ts';
import { sessionsWithoutOwner, tenantRefusal, underivedStart } from './provenance.ts';

export interface ChunkMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

type Outcome = 'ok' | 'dlq' | 'drop';
interface MessageOutcome {
  offset: string;
  outcome: Outcome;
  reason: string;
}

export interface ChunkDeps {
  store: CheckpointStore;
  /** The sessions' liveness deadlines on the processor's own Redis (the sweeper claims what passed). */
  liveness: LivenessStore;
  mysql: MysqlSink;
  deadLetter: DeadLetterSink;
  /** Runs one side-effect step, retrying retriable errors (the consumer supplies heartbeat and abort). */
  retry: <T>(step: string, fn: () => Promise<T>) => Promise<T>;
  now: () => number;
}

export interface ChunkResult {
  outcomes: MessageOutcome[];
  alerts: Alert[];
  stateBytes: number[];
  /** Newest edge receivedAt among applied records (0 if none): the lag gauge. */
  newestReceivedAt: number;
}

interface Working {
  stored: SessionCheckpoint;
  state: SessionState | undefined;
  position: Position | undefined;
  touched: boolean;
  /** Something happened that must show in MySQL now: start, end, alert. */
  forced: boolean;
  /** A record other than a lapse was applied: a sign of life, so the liveness deadline moves. */
  seen: boolean;
  /** A record other than a heartbeat was applied: the risk may have moved, so a snapshot may be due. */
  scored: boolean;
}

const deadLetter = (
  topic: string,
  partition: number,
  m: ChunkMessage,
  reason: string,
  at: number,
): DeadLetterRecord => ({
  reason,
  sourceTopic: topic,
  sourcePartition: partition,
  sourceOffset: m.offset,
  failedAt: at,
  value: m.value ? m.value.toString('utf8') : null,
  key: m.key ? m.key.toString('utf8') : null,
});

export async function applyChunk(
  deps: ChunkDeps,
  topic: string,
  partition: number,
  messages: ChunkMessage[],
): Promise<ChunkResult> {
  const now = deps.now();
  const decoded = messages.map((m) => ({ m, d: decodeRecord(m.key, m.value) }));
  const underived = await Promise.all(decoded.map(({ d }) => (d.ok ? underivedStart(d.record) : undefined)));
  const ids = [...new Set(decoded.flatMap(({ d }, i) => (d.ok && !underived[i] ? [d.record.sessionId] : [])))];
  const loaded: Map<string, SessionCheckpoint> = ids.length
    ? await deps.retry('redis_load', () => deps.store.load(ids))
    : new Map();
  const unowned = sessionsWithoutOwner(
    decoded.flatMap(({ d }, i) => (underived[i] ? [] : [d])),
    loaded,
  );
  const rowTenants = unowned.length
    ? await deps.retry('mysql_tenants', () => deps.mysql.sessionTenants(unowned))
    : new Map<string, string>();

  const sessions = new Map<string, Working>();
  for (const [id, stored] of loaded) {
    sessions.set(id, {
      stored,
      state: stored.state,
      position: stored.position,
      touched: false,
      forced: false,
      seen: false,
      scored: false,
    });
  }
  const outcomes: MessageOutcome[] = [];
  const dead: DeadLetterRecord[] = [];
  const writes: ChunkWrites = { starts: [], alerts: [], snapshots: [], updates: [] };
  const drafts: { sessionId: string; tenantId: string; draft: AlertDraft }[] = [];
  let newestReceivedAt = 0;

  const toDeadLetter = (m: ChunkMessage, reason: string, detail: string) => {
    dead.push(deadLetter(topic, partition, m, `${reason}: ${detail}`, now));
    outcomes.push({ offset: m.offset, outcome: 'dlq', reason });
  };

  for (const [i, { m, d }] of decoded.entries()) {
    if (!d.ok) {
      toDeadLetter(m, d.reason, d.detail);
      continue;
    }
    const refused = underived[i];
    if (refused) {
      toDeadLetter(m, refused.reason, refused.detail);
      continue;
    }
    const record = d.record;
    const w = sessions.get(record.sessionId)!;
    // Erased: a record still in Kafka must not bring back the rows. Dropped, not dead-lettered: the DLQ would keep
    // the candidate's data past their erasure.
    if (w.stored.erased) {
      outcomes.push({ offset: m.offset, outcome: 'drop', reason: 'session_erased' });
      continue;
    }
    const offset = Number(m.offset);
    // Already counted in the stored state (a redelivery after a crash between the Redis save and the commit).
    if (w.position && w.position.partition === partition && offset <= w.position.offset) {
      outcomes.push({ offset: m.offset, outcome: 'drop', reason: 'already_applied' });
      continue;
    }
    // A lapse of a session this processor never saw has no tenant to alert under (nor anything to alert about); a
    // heartbeat of one (never started, or its state expired) or of an ended session moves nothing. Dropped quietly:
    // a metric (processed_total by reason), not the DLQ, since the edge accepts heartbeats without reading the session.
    if ((record.kind === 'connection_lost' || record.kind === 'heartbeat') && !w.state) {
      outcomes.push({ offset: m.offset, outcome: 'drop', reason: 'unknown_session' });
      continue;
    }
    if (record.kind === 'heartbeat' && w.state?.endedAt) {
      outcomes.push({ offset: m.offset, outcome: 'drop', reason: 'session_ended' });
      continue;
    }
    const wrongTenant = tenantRefusal(record, w.state?.tenantId || rowTenants.get(record.sessionId));
    if (wrongTenant) {
      toDeadLetter(m, wrongTenant.reason, wrongTenant.detail);
      continue;
    }
    const r = applyRecord(w.state, record);
    w.state = r.state;
    w.position = { partition, offset };
    w.touched = true;
    if (record.kind !== 'connection_lost') {
      newestReceivedAt = Math.max(newestReceivedAt, record.receivedAt);
      w.seen = true;
    }
    if (record.kind !== 'heartbeat') w.scored = true;
    if (record.kind === 'session_started') {
      writes.starts.push({
        sessionId: record.sessionId,
        tenantId: record.tenantId,
        session: record.session,
        receivedAt: record.receivedAt,
      });
    }
    if ((record.kind !== 'event' && record.kind !== 'heartbeat') || r.alerts.length) w.forced = true;
    for (const draft of r.alerts) drafts.push({ sessionId: record.sessionId, tenantId: r.state.tenantId, draft });
    outcomes.push({ offset: m.offset, outcome: 'ok', reason: r.reason });
  }

  for (const { sessionId, tenantId, draft } of drafts) {
    writes.alerts.push({
      ...draft,
      alertId: await deriveAlertId(sessionId, draft.rule, draft.windowBucket),
      tenantId,
      sessionId,
      status: 'open',
      createdAt: now,
    });
  }

  const saves: { sessionId: string; state: SessionState; position: Position }[] = [];
  const liveness: LivenessChange = { deadlines: [], ended: [] };
  for (const [sessionId, w] of sessions) {
    if (!w.touched || !w.state || !w.position) continue;
    const st = w.state;
    const t = Math.max(st.rules.maxEventTs, st.risk.asOf) || st.lastSeenAt;
    const risk = decayTo(st.risk, t);
    const bucketStart = snapshotBucket(t);
    const score = riskScore(risk);
    // A chunk of heartbeats only moves lastSeenAt: no snapshot row for a session whose risk nothing touched.
    if (w.scored && shouldSnapshot(st.lastSnapshot, bucketStart, score, w.forced)) {
      const snapshot: RiskSnapshot = {
        tenantId: st.tenantId,
        sessionId,
        bucketStart,
        score,
        contributions: riskContributions(risk),
        createdAt: now,
      };
      writes.snapshots.push(snapshot);
      writes.updates.push({ sessionId, lastSeenAt: st.lastSeenAt, riskScore: score, endedAt: st.endedAt || undefined });
      w.state = { ...st, lastSnapshot: { bucketStart, score } };
    }
    saves.push({ sessionId, state: w.state, position: w.position });
    if (w.state.endedAt) liveness.ended.push(sessionId);
    else if (w.seen)
      liveness.deadlines.push({ sessionId, deadline: w.state.lastSeenAt + livenessWindowMs(w.state.config) });
  }

  // Order matters for replay safety: MySQL upserts are idempotent, so they go before the Redis save that makes
  // a redelivery skip these records. A crash in between repeats the same upserts, never loses them.
  // Only when there is something to send: an empty step's await would time other partitions' work as its own.
  if (dead.length) await deps.retry('dead_letter', () => deps.deadLetter.send(dead));
  await deps.retry('mysql_write', () => deps.mysql.write(writes));
  // Liveness is idempotent too (a deadline set again, an ended session removed again), so it goes before the save.
  if (liveness.deadlines.length || liveness.ended.length) {
    await deps.retry('redis_liveness', () => deps.liveness.apply(liveness));
  }
  const stateBytes = saves.length ? await deps.retry('redis_save', () => deps.store.save(saves)) : [];
  return { outcomes, alerts: writes.alerts, stateBytes, newestReceivedAt };
}
