// Liveness without the edge's Redis: a heartbeat through the edge in workerd is a Kafka record, and the processor
// moves the session's deadline on its own Redis from it (and from every other record of the session); a session that
// goes silent is reported lost by the sweep within the window, an ended one never.
import { livenessKey, livenessShard } from '@proctor/contracts';
import { candidate, randomIdentity } from '@proctor/testkit/edge';
import { waitFor } from '@proctor/testkit/stack';
import { describe, expect, it } from 'vitest';
import { writePathPerFile } from './writePath.ts';

// The sweep on, over every shard each half second: what a deployed processor runs, faster.
const w = writePathPerFile(3, { SWEEP_ENABLED: 'true', SWEEP_INTERVAL_MS: '500', SWEEP_SHARDS_PER_TICK: '64' });
/** The shortest window the contracts allow: 2 intervals of 5 s. */
const proctoring = { examConfig: { heartbeatIntervalSeconds: 5, connectionLostAfterIntervals: 2 } };
const WINDOW_MS = 10_000;

const deadlineOf = async (sessionId: string) => {
  const score = await w.env.redis.zscore(livenessKey(livenessShard(sessionId), w.env.prefix), sessionId);
  return score === null ? null : Number(score);
};

async function lostAlerts(sessionId: string) {
  const [rows] = await w.env.db.pool.query(
    "SELECT window_end, created_at FROM alerts WHERE session_id = ? AND rule = 'connection_lost'",
    [sessionId],
  );
  return rows as { window_end: Date; created_at: Date }[];
}

describe('liveness through Kafka', () => {
  it("moves the session's deadline on a heartbeat, and reports a silent session lost within the window", async () => {
    const c = await candidate(w.edge.url, { ...randomIdentity(), proctoring });
    const started = await c.callRetrying('/sessions/start');
    expect(started.status).toBe(201);
    const startedAt = started.json.session.startedAt as number;
    await waitFor(
      'the start to set the deadline',
      async () => (await deadlineOf(c.sessionId)) === startedAt + WINDOW_MS,
    );

    const beat = await c.callRetrying('/sessions/heartbeat', { sessionId: c.sessionId });
    expect(beat.status).toBe(200);
    const lastContact = beat.json.serverTime as number;
    await waitFor(
      'the heartbeat to move the deadline',
      async () => (await deadlineOf(c.sessionId)) === lastContact + WINDOW_MS,
    );

    // Silent from now on: the sweep claims the deadline once it passed, and the consumer writes the alert.
    const [alert] = await waitFor(
      'the connection-lost alert',
      async () => {
        const rows = await lostAlerts(c.sessionId);
        return rows.length > 0 && rows;
      },
      60_000,
    );
    expect(alert!.window_end.getTime()).toBe(lastContact + WINDOW_MS);
    // Reported within the window plus the sweep and the pipeline's lag, far inside the 60 s the proctor is promised.
    expect(Date.now() - lastContact).toBeLessThan(WINDOW_MS + 20_000);
    expect(await deadlineOf(c.sessionId)).toBeNull();
  }, 90_000);

  it('drops an ended session from liveness, and a heartbeat after the end puts nothing back', async () => {
    const c = await candidate(w.edge.url, { ...randomIdentity(), proctoring });
    expect((await c.callRetrying('/sessions/start')).status).toBe(201);
    await waitFor('the start to set the deadline', async () => (await deadlineOf(c.sessionId)) !== null);
    expect((await c.callRetrying('/sessions/end', { sessionId: c.sessionId })).status).toBe(200);
    await waitFor('the end to remove the deadline', async () => (await deadlineOf(c.sessionId)) === null);
    expect((await c.callRetrying('/sessions/heartbeat', { sessionId: c.sessionId })).status).toBe(200);
    await new Promise((r) => setTimeout(r, WINDOW_MS + 3000));
    expect(await deadlineOf(c.sessionId)).toBeNull();
    expect(await lostAlerts(c.sessionId)).toEqual([]);
  }, 60_000);
});
