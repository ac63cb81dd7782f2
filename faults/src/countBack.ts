// Counts a run back out of Kafka, Redis and MySQL: each event the edge accepted, its record, whether the processor
// applied it, and per session the status, risk score and alerts MySQL holds.
import type { CandidateOutcome } from '@proctor/cohort';
import { stateKey } from '@proctor/processor/state/sessionCheckpoints';
import type { Pool } from 'mysql2/promise';
import type { SessionOutcome, Tally } from './compare.ts';
import { committedOffsets, highWatermarks, readTopic, totalOf } from './topic.ts';

export interface CountBackInput {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
  prefix: string;
  redis: RedisReader;
  pool: Pool;
  outcomes: readonly CandidateOutcome[];
}

/** The one Redis call the count back makes (a Redis or a Cluster client). */
export interface RedisReader {
  get(key: string): Promise<string | null>;
}

/** `<partition>:<offset>|<state>`: the last record a session's saved state counts (processor/src/state). */
async function savedPositions(redis: RedisReader, prefix: string, sessionIds: string[]) {
  // One GET each (auto-pipelined on a cluster), not an MGET: the keys sit in different Cluster slots.
  const values = await Promise.all(sessionIds.map((id) => redis.get(stateKey(id, prefix))));
  const out = new Map<string, { partition: number; offset: number }>();
  sessionIds.forEach((id, i) => {
    const v = values[i];
    if (!v) return;
    const [partition, offset] = v.slice(0, v.indexOf('|')).split(':').map(Number);
    out.set(id, { partition: partition!, offset: offset! });
  });
  return out;
}

export async function countBack(i: CountBackInput): Promise<Tally> {
  const records = await readTopic(i.brokers, i.topic);
  const committed = await committedOffsets(i.brokers, i.groupId, i.topic);
  const byEvent = new Map<string, { partition: number; offset: number }[]>();
  for (const r of records) {
    const v = JSON.parse(r.value) as { kind: string; event?: { eventId: string } };
    if (v.kind !== 'event' || !v.event) continue;
    const list = byEvent.get(v.event.eventId) ?? [];
    list.push({ partition: r.partition, offset: r.offset });
    byEvent.set(v.event.eventId, list);
  }
  const positions = await savedPositions(
    i.redis,
    i.prefix,
    i.outcomes.map((o) => o.sessionId),
  );

  let accepted = 0;
  let inKafka = 0;
  let kafkaRepeats = 0;
  let applied = 0;
  const unapplied: string[] = [];
  for (const o of i.outcomes) {
    const pos = positions.get(o.sessionId);
    for (const eventId of o.delivered) {
      accepted++;
      const copies = byEvent.get(eventId);
      if (!copies?.length) continue;
      inKafka++;
      kafkaRepeats += copies.length - 1;
      const first = copies[0]!;
      // Applied: the group committed past the record and the session's saved state counts it (every record of a
      // session sits on one partition, applied in offset order; the saved position is the last one applied).
      const committedPast = (committed.get(first.partition) ?? 0) > first.offset;
      if (committedPast && pos && pos.partition === first.partition && pos.offset >= first.offset) applied++;
      else
        unapplied.push(
          `${o.plan.behaviour} #${o.plan.index} event at ${first.partition}:${first.offset}, committed ${committed.get(first.partition) ?? 0}, state at ${pos ? `${pos.partition}:${pos.offset}` : 'none'}`,
        );
    }
  }

  const indexOf = new Map(i.outcomes.map((o) => [o.sessionId, o.plan.index]));
  const sessions = new Map<number, SessionOutcome>();
  const [rows] = await i.pool.query('SELECT session_id, status, risk_score FROM sessions');
  for (const r of rows as { session_id: string; status: string; risk_score: string }[]) {
    const index = indexOf.get(r.session_id);
    if (index !== undefined) sessions.set(index, { status: r.status, risk: Number(r.risk_score), alerts: new Map() });
  }
  const [alerts] = await i.pool.query('SELECT session_id, rule FROM alerts');
  for (const a of alerts as { session_id: string; rule: string }[]) {
    const s = sessions.get(indexOf.get(a.session_id) ?? -1);
    if (s) s.alerts.set(a.rule, (s.alerts.get(a.rule) ?? 0) + 1);
  }
  const deadLettered = totalOf(await highWatermarks(i.brokers, i.dlqTopic));
  return { accepted, inKafka, kafkaRepeats, applied, unapplied, deadLettered, sessions };
}
