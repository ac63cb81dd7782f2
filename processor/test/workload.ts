// Synthetic sessions for integration tests and benchmarks, plus an oracle that says what the pipeline must write.
import { randomBytes, randomUUID } from 'node:crypto';
import { type AnomalyEvent, deriveAlertId, type ProctorRecord } from '@proctor/contracts';
import { decayTo, riskScore } from '../src/risk/riskScore.ts';
import { applyRecord, type SessionState } from '../src/session/applyRecord.ts';
import { config, newSessions, startedRecord, T0, type TestSession } from './events.ts';

export const randomSessionId = () => randomBytes(32).toString('hex');

const ev = (type: AnomalyEvent['type'], at: number, extra: Record<string, unknown>): AnomalyEvent =>
  ({ eventId: randomUUID(), type, timestamp: at, confidence: 0.9, ...extra }) as AnomalyEvent;

/**
 * One session's records. Every session has near-miss look-away (4 s in 30 s: counting any event twice would
 * alert), and by index some cross the limit, see two people, or lose the face.
 */
export function sessionRecords(session: TestSession, index: number, base = T0): ProctorRecord[] {
  const { sessionId, tenantId } = session;
  const common = { schemaVersion: 1 as const, tenantId, sessionId };
  const at = (s: number) => base + s * 1000;
  const events: AnomalyEvent[] = [
    ev('LOOK_AWAY', at(1), { details: { durationMillis: 2000, direction: 'LEFT' } }),
    ev('LOOK_AWAY', at(12), { details: { durationMillis: 2000, direction: 'RIGHT' } }),
  ];
  if (index % 2 === 0) events.push(ev('LOOK_AWAY', at(20), { details: { durationMillis: 2500, direction: 'UP' } }));
  if (index % 3 === 0) events.push(ev('MULTI_PERSON', at(40), { details: { faceCount: 2 } }));
  if (index % 5 === 0) events.push(ev('NO_FACE', at(70), { details: { durationMillis: 12_000 } }));
  if (index % 7 === 0) events.push(ev('CAMERA_BLOCKED', at(90), { details: { durationMillis: 3000 } }));
  return [
    startedRecord(config(), session, (base - T0) / 1000),
    ...events.map((event) => ({ ...common, kind: 'event' as const, receivedAt: event.timestamp + 300, event })),
    { ...common, kind: 'session_ended', receivedAt: at(120), endedAt: at(120), reason: 'submitted' },
  ];
}

/** Round-robin interleaving, as many concurrent candidates would produce. Each session's order is kept. */
export function interleave(perSession: ProctorRecord[][]): ProctorRecord[] {
  const out: ProctorRecord[] = [];
  const longest = Math.max(...perSession.map((s) => s.length));
  for (let i = 0; i < longest; i++) for (const s of perSession) if (s[i]) out.push(s[i]!);
  return out;
}

export interface Expected {
  alertIds: Set<string>;
  finalScores: Map<string, number>;
  sessions: number;
}

/** The oracle: the pure reducer over each session's records, in order. */
export async function expectedOutcome(records: ProctorRecord[]): Promise<Expected> {
  const states = new Map<string, SessionState>();
  const alertIds = new Set<string>();
  for (const r of records) {
    const out = applyRecord(states.get(r.sessionId), r);
    states.set(r.sessionId, out.state);
    for (const a of out.alerts) alertIds.add(await deriveAlertId(r.sessionId, a.rule, a.windowBucket));
  }
  const finalScores = new Map<string, number>();
  for (const [id, s] of states) {
    const t = Math.max(s.rules.maxEventTs, s.risk.asOf) || s.lastSeenAt;
    finalScores.set(id, riskScore(decayTo(s.risk, t)));
  }
  return { alertIds, finalScores, sessions: states.size };
}

/**
 * A busy candidate for benchmarks: one event every 2 s of event time, mostly short look-aways that stay under
 * the limit, a two-person sighting every 40th event (an alert) and a short no-face every 25th.
 */
export function busySessionRecords(session: TestSession, events: number): ProctorRecord[] {
  const start = sessionRecords(session, 1)[0]!;
  const common = { schemaVersion: 1 as const, tenantId: session.tenantId, sessionId: session.sessionId };
  const out: ProctorRecord[] = [start];
  for (let k = 0; k < events; k++) {
    const at = T0 + 1000 + k * 2000;
    const event =
      k % 40 === 39
        ? ev('MULTI_PERSON', at, { details: { faceCount: 2 } })
        : k % 25 === 24
          ? ev('NO_FACE', at, { details: { durationMillis: 2000 } })
          : ev('LOOK_AWAY', at, { details: { durationMillis: 300, direction: 'LEFT' } });
    out.push({ ...common, kind: 'event', receivedAt: at + 300, event });
  }
  return out;
}

/** Produces `sessions` busy sessions, interleaved, to a new random topic; returns it and the record count. */
export async function produceBusyTopic(
  sessions: number,
  eventsPerSession: number,
  partitions: number,
  extraTopics: (topic: string) => string[] = () => [],
): Promise<{ topic: string; total: number; seconds: number }> {
  const { createTopics, kafka, produceRecords, randomName } = await import('@proctor/testkit/stack');
  const topic = randomName('bench.processor');
  const records = interleave(
    (await newSessions(sessions, 'tenant-bench')).map((s) => busySessionRecords(s, eventsPerSession)),
  );
  await createTopics([topic, ...extraTopics(topic)], partitions);
  const producer = kafka().producer();
  await producer.connect();
  const t = performance.now();
  await produceRecords(producer, topic, records);
  await producer.disconnect();
  return { topic, total: records.length, seconds: (performance.now() - t) / 1000 };
}
