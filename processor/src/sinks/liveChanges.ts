// After each MySQL commit, tells the dashboards what changed (contracts liveChanges): per tenant and schedule, the
// sessions and alerts just written. The dashboards re-read only on this notice, never on a clock of their own.
import type { LiveChange } from '@proctor/contracts';
import { publishLiveChanges, type RedisClient } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import type { ChunkWrites, MysqlSink } from './mysqlSink.ts';

/** Sessions whose schedule is remembered: a session's schedule never changes, so only the first chunk asks. */
const REMEMBERED_SESSIONS = 200_000;

interface Placement {
  tenantId: string;
  scheduleId: string;
}

export function createLiveChangePublisher(redis: RedisClient, prefix: string, pool: Pool) {
  const placements = new Map<string, Placement>();
  const remember = (sessionId: string, p: Placement) => {
    placements.set(sessionId, p);
    if (placements.size > REMEMBERED_SESSIONS) placements.delete(placements.keys().next().value as string);
  };

  /** Sessions not yet remembered are looked up in one primary-key read; a session with no row has no schedule. */
  async function place(sessionIds: string[]): Promise<void> {
    const unknown = sessionIds.filter((id) => !placements.has(id));
    if (!unknown.length) return;
    const [rows] = await pool.query(
      'SELECT session_id, tenant_id, exam_schedule_id FROM sessions WHERE session_id IN (?)',
      [unknown],
    );
    for (const r of rows as { session_id: string; tenant_id: string; exam_schedule_id: string }[]) {
      remember(r.session_id, { tenantId: r.tenant_id, scheduleId: r.exam_schedule_id });
    }
  }

  return {
    async publish(w: ChunkWrites): Promise<void> {
      for (const s of w.starts) remember(s.sessionId, { tenantId: s.tenantId, scheduleId: s.session.examScheduleId });
      const sessionIds = new Set([
        ...w.starts.map((s) => s.sessionId),
        ...w.alerts.map((a) => a.sessionId),
        ...w.updates.map((u) => u.sessionId),
      ]);
      await place([...sessionIds]);
      const changes = new Map<string, LiveChange>();
      const changeOf = (sessionId: string) => {
        const p = placements.get(sessionId);
        if (!p) return undefined;
        const key = JSON.stringify([p.tenantId, p.scheduleId]);
        const c = changes.get(key) ?? { ...p, sessionIds: [], alertIds: [] };
        changes.set(key, c);
        return c;
      };
      for (const id of sessionIds) changeOf(id)?.sessionIds.push(id);
      for (const a of w.alerts) changeOf(a.sessionId)?.alertIds.push(a.alertId);
      await publishLiveChanges(redis, prefix, [...changes.values()]);
    },
  };
}
export type LiveChangePublisher = ReturnType<typeof createLiveChangePublisher>;

/**
 * The sink that publishes after each commit. A failed publish fails the write, which is retried whole (its upserts
 * are idempotent): a notice is sent at least once after its rows are visible, never before.
 */
export function withLiveChanges(sink: MysqlSink, live: LiveChangePublisher): MysqlSink {
  return {
    ...sink,
    async write(w) {
      await sink.write(w);
      await live.publish(w);
    },
  };
}
