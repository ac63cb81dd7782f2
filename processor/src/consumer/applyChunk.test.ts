import type { ProctorRecord } from '@proctor/contracts';
import { describe, expect, it } from 'vitest';
import {
  connectionLostRecord,
  endedRecord,
  eventRecord,
  heartbeatRecord,
  lookAway,
  SESSION,
  startedRecord,
  T0,
  TENANT,
} from '../../test/events.ts';
import type { ChunkWrites } from '../sinks/mysqlSink.ts';
import type { Position, SessionCheckpoint } from '../state/sessionCheckpoints.ts';
import { applyChunk, type ChunkDeps, type ChunkMessage } from './applyChunk.ts';

/** In-memory stand-ins that record the order of side effects; the store keeps what was saved. */
function fakes(opts: { failMysql?: boolean; rows?: Map<string, string>; erased?: string[] } = {}) {
  const steps: string[] = [];
  /** Every step run through `retry` (timed as processor_step_duration_ms), in order. */
  const retried: string[] = [];
  const saved = new Map<string, SessionCheckpoint>();
  const writes: ChunkWrites[] = [];
  /** The liveness shards as the consumer left them: session → deadline. */
  const deadlines = new Map<string, number>();
  const deps: ChunkDeps = {
    liveness: {
      apply: async (change) => {
        steps.push('redis_liveness');
        for (const d of change.deadlines) deadlines.set(d.sessionId, d.deadline);
        for (const id of change.ended) deadlines.delete(id);
      },
    },
    store: {
      load: async (ids) =>
        new Map(
          ids.map((id) => [
            id,
            {
              ...(saved.get(id) ?? { state: undefined, position: undefined, corrupt: false }),
              erased: opts.erased?.includes(id) ?? false,
            },
          ]),
        ),
      save: async (entries: { sessionId: string; state: SessionCheckpoint['state']; position: Position }[]) => {
        steps.push('redis_save');
        for (const e of entries) {
          saved.set(e.sessionId, { state: e.state, position: e.position, corrupt: false, erased: false });
        }
        return entries.map(() => 100);
      },
    },
    mysql: {
      sessionTenants: async (ids) => new Map([...(opts.rows ?? [])].filter(([id]) => ids.includes(id))),
      write: async (w) => {
        steps.push('mysql_write');
        if (opts.failMysql) throw new Error('boom');
        writes.push(w);
      },
    },
    deadLetter: { send: async (r) => void (r.length && steps.push(`dead_letter:${r.length}`)) },
    retry: (step, fn) => {
      retried.push(step);
      return fn();
    },
    now: () => 1_767_300_000_000,
  };
  return { deps, steps, saved, writes, deadlines, retried };
}

const msg = (offset: number, value: unknown, key: string | null = SESSION): ChunkMessage => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

const records = [startedRecord(), eventRecord(lookAway(1, 3)), eventRecord(lookAway(10, 3)), endedRecord(60)];

describe('applyChunk', () => {
  it('runs (and times) the dead-letter step only for a chunk with something to dead-letter', async () => {
    const f = fakes();
    await applyChunk(
      f.deps,
      't',
      0,
      records.map((r, i) => msg(i, r)),
    );
    expect(f.retried).not.toContain('dead_letter');
    expect(f.retried).toContain('mysql_write');
  });

  it('gives every message an outcome and writes DLQ, then MySQL, then Redis', async () => {
    const f = fakes();
    const out = await applyChunk(f.deps, 't', 0, [
      msg(0, records[0]),
      msg(1, '{bad'),
      ...records.slice(1).map((r, i) => msg(i + 2, r)),
    ]);
    expect(out.outcomes.map((o) => `${o.offset}:${o.outcome}:${o.reason}`)).toEqual([
      '0:ok:session_started',
      '1:dlq:invalid_json',
      '2:ok:applied',
      '3:ok:alerted',
      '4:ok:session_ended',
    ]);
    expect(f.steps).toEqual(['dead_letter:1', 'mysql_write', 'redis_liveness', 'redis_save']);
    expect(f.retried).toEqual(['redis_load', 'dead_letter', 'mysql_write', 'redis_liveness', 'redis_save']);
    const w = f.writes[0]!;
    expect(w.starts).toHaveLength(1);
    expect(w.alerts.map((a) => a.rule)).toEqual(['look_away']);
    expect(w.updates[0]).toMatchObject({ sessionId: SESSION, endedAt: T0 + 60_000 });
    expect(w.snapshots[0]!.score).toBeGreaterThan(0);
    expect(f.saved.get(SESSION)!.position).toEqual({ partition: 0, offset: 4 });
  });

  it('drops a redelivery of what the stored state already counts, and applies what is new', async () => {
    const f = fakes();
    const messages = records.map((r, i) => msg(i, r));
    await applyChunk(f.deps, 't', 0, messages.slice(0, 3));
    const again = await applyChunk(f.deps, 't', 0, messages);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['drop', 'drop', 'drop', 'ok']);
    expect(again.alerts).toEqual([]);
  });

  it('saves no state when MySQL fails, so the redelivered chunk recomputes the same alerts', async () => {
    const failing = fakes({ failMysql: true });
    const messages = records.map((r, i) => msg(i, r));
    await expect(applyChunk(failing.deps, 't', 0, messages)).rejects.toThrow('boom');
    expect(failing.steps).toEqual(['mysql_write']);
    expect(failing.saved.size).toBe(0);
    const ok = fakes();
    const first = await applyChunk(ok.deps, 't', 0, messages);
    const replay = await applyChunk(fakes().deps, 't', 0, messages); // as after the failure: nothing saved
    expect(replay.alerts.map((a) => a.alertId)).toEqual(first.alerts.map((a) => a.alertId));
  });

  it('dead-letters a record keyed by another session instead of applying it out of order', async () => {
    const f = fakes();
    const out = await applyChunk(f.deps, 't', 0, [msg(0, records[1], 'b'.repeat(64))]);
    expect(out.outcomes).toEqual([{ offset: '0', outcome: 'dlq', reason: 'key_mismatch' }]);
    expect(f.steps).toEqual(['dead_letter:1', 'mysql_write']);
    expect(f.writes).toEqual([{ starts: [], alerts: [], snapshots: [], updates: [] }]);
    expect(f.saved.size).toBe(0);
  });

  it('turns a connection_lost record into the one alert, snapshot and session row, once per deadline', async () => {
    const f = fakes();
    const out = await applyChunk(f.deps, 't', 0, [
      msg(0, connectionLostRecord(5)), // not seen yet: no tenant, nothing to write
      msg(1, records[0]),
      msg(2, connectionLostRecord(90)),
      msg(3, connectionLostRecord(90)), // a sweeper died after its produce: the same lapse again
    ]);
    expect(out.outcomes.map((o) => `${o.outcome}:${o.reason}`)).toEqual([
      'drop:unknown_session',
      'ok:session_started',
      'ok:alerted',
      'ok:connection_lost_repeat',
    ]);
    const w = f.writes[0]!;
    expect(new Set(w.alerts.map((a) => a.alertId)).size).toBe(1);
    expect(w.alerts[0]).toMatchObject({ rule: 'connection_lost', tenantId: TENANT, windowEnd: T0 + 90_000 });
    expect(w.snapshots).toEqual([expect.objectContaining({ score: 25 })]);
    // A lapse is no sign of life: the session's lastSeenAt stays at its last record.
    expect(w.updates).toEqual([expect.objectContaining({ lastSeenAt: T0, riskScore: 25 })]);
    const again = await applyChunk(f.deps, 't', 0, [msg(4, connectionLostRecord(90))]);
    expect(again.outcomes[0]!.reason).toBe('connection_lost_repeat');
    expect(f.saved.get(SESSION)!.state!.risk.points.connection_lost).toBe(25);
  });

  it('raises no connection-lost alert for an ended session', async () => {
    const f = fakes();
    const out = await applyChunk(f.deps, 't', 0, [
      msg(0, records[0]),
      msg(1, records[3]),
      msg(2, connectionLostRecord(90)),
    ]);
    expect(out.outcomes.at(-1)).toMatchObject({ outcome: 'ok', reason: 'session_ended' });
    expect(out.alerts).toEqual([]);
  });

  it("moves a session's liveness deadline on every record but a lapse, and removes it at the end", async () => {
    const f = fakes();
    const window = 3 * 15_000; // the test config's connectionLostAfterIntervals × heartbeatIntervalSeconds
    await applyChunk(f.deps, 't', 0, [msg(0, records[0])]);
    expect(f.deadlines.get(SESSION)).toBe(T0 + window);
    // In the next snapshot minute: still no MySQL row for a heartbeat, no snapshot, no update.
    const beat = await applyChunk(f.deps, 't', 0, [msg(1, heartbeatRecord(90))]);
    expect(beat.outcomes).toEqual([{ offset: '1', outcome: 'ok', reason: 'heartbeat' }]);
    expect(f.deadlines.get(SESSION)).toBe(T0 + 90_000 + window);
    expect(f.writes.at(-1)).toEqual({ starts: [], alerts: [], snapshots: [], updates: [] });
    // A lapse is no sign of life: the deadline it reported is not put back.
    f.deadlines.delete(SESSION); // the sweeper claimed it
    await applyChunk(f.deps, 't', 0, [msg(2, connectionLostRecord(136))]);
    expect(f.deadlines.has(SESSION)).toBe(false);
    await applyChunk(f.deps, 't', 0, [msg(3, endedRecord(140))]);
    expect(f.deadlines.has(SESSION)).toBe(false);
  });

  it('drops heartbeats of unknown and ended sessions quietly (no DLQ, no row lookup)', async () => {
    const f = fakes();
    const stranger = 'c'.repeat(64);
    const out = await applyChunk(f.deps, 't', 0, [
      msg(0, heartbeatRecord(1, stranger), stranger),
      msg(1, records[0]),
      msg(2, endedRecord(5)),
      msg(3, heartbeatRecord(6)),
    ]);
    expect(out.outcomes.map((o) => `${o.outcome}:${o.reason}`)).toEqual([
      'drop:unknown_session',
      'ok:session_started',
      'ok:session_ended',
      'drop:session_ended',
    ]);
    expect(f.steps).not.toContain('dead_letter:1');
    expect(f.deadlines.size).toBe(0);
  });

  describe('checks each record where it is applied', () => {
    const outcomesOf = (out: { outcomes: { outcome: string; reason: string }[] }) =>
      out.outcomes.map((o) => `${o.outcome}:${o.reason}`);

    it('dead-letters a start whose session id is not derived from its identity, and writes no row', async () => {
      const f = fakes();
      const forged = { ...records[0]!, sessionId: 'b'.repeat(64) };
      const out = await applyChunk(f.deps, 't', 0, [msg(0, forged, forged.sessionId)]);
      expect(outcomesOf(out)).toEqual(['dlq:session_id_not_derived']);
      expect(f.writes[0]?.starts ?? []).toEqual([]);
      expect(f.saved.size).toBe(0);
    });

    it("dead-letters a record of another tenant than the session's, from its state or its row", async () => {
      const f = fakes();
      const other = { ...records[1]!, tenantId: 'tenant-2' } as ProctorRecord;
      const out = await applyChunk(f.deps, 't', 0, [msg(0, records[0]), msg(1, other)]);
      expect(outcomesOf(out)).toEqual(['ok:session_started', 'dlq:tenant_mismatch']);

      const rowOnly = fakes({ rows: new Map([[SESSION, TENANT]]) });
      const later = await applyChunk(rowOnly.deps, 't', 0, [msg(5, other), msg(6, records[1])]);
      expect(outcomesOf(later)).toEqual(['dlq:tenant_mismatch', 'ok:applied']);
    });

    it('dead-letters an event of a session with neither a start nor a row', async () => {
      const f = fakes();
      const out = await applyChunk(f.deps, 't', 0, [msg(0, records[1]), msg(1, records[3])]);
      expect(outcomesOf(out)).toEqual(['dlq:unknown_session', 'dlq:unknown_session']);
      expect(out.alerts).toEqual([]);
    });

    it('drops every record of an erased session, its start included', async () => {
      const f = fakes({ erased: [SESSION] });
      const out = await applyChunk(
        f.deps,
        't',
        0,
        records.map((r, i) => msg(i, r)),
      );
      expect(outcomesOf(out)).toEqual(records.map(() => 'drop:session_erased'));
      expect(f.writes[0]?.starts ?? []).toEqual([]);
      expect(f.saved.size).toBe(0);
    });
  });
});
