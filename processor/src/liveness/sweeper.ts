// Connection-lost detection without full scans: claim expired members of a few liveness shards per tick.
import { type Alert, deriveAlertId, LIVENESS_SHARDS, livenessKey, type RiskSnapshot } from '@proctor/contracts';
import type { Redis } from 'ioredis';
import { errorContext, type Logger } from '../ops/log.ts';
import type { Metrics } from '../ops/metrics.ts';
import { decayTo, riskContributions, riskScore, snapshotBucket } from '../risk/riskScore.ts';
import { connectionLostAlert } from '../rules/connectionLost.ts';
import { mergeConnectionLost } from '../rules/session.ts';
import type { MysqlSink, SessionUpdateRow } from '../sinks/mysqlSink.ts';
import { decodeState } from '../state/codec.ts';
import { CLAIM_EXPIRED, RECORD_CONNECTION_LOST, runScript, runScriptPipeline } from '../state/scripts.ts';
import { stateKey } from '../state/sessionStore.ts';

/** How many connection-lost deadlines a session keeps beside its state (older ones are already in its risk). */
const KEPT_DEADLINES = 8;

export interface SweeperOptions {
  redis: Redis;
  prefix: string;
  mysql: MysqlSink;
  metrics: Metrics;
  log: Logger;
  intervalMs: number;
  shardsPerTick: number;
  limit: number;
  now?: () => number;
}

export function createLivenessSweeper(opts: SweeperOptions) {
  const { redis, prefix, log, metrics } = opts;
  const now = opts.now ?? Date.now;
  let nextShard = Math.floor(Math.random() * LIVENESS_SHARDS);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** Claims one shard's expired sessions and alerts on each; returns how many were claimed. */
  async function sweepShard(shard: number, at: number): Promise<number> {
    const key = livenessKey(shard, prefix);
    const flat = (await runScript(redis, CLAIM_EXPIRED, [key], [at, opts.limit])) as string[];
    if (!flat.length) return 0;
    const claimed: { sessionId: string; deadline: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) claimed.push({ sessionId: flat[i]!, deadline: Number(flat[i + 1]) });
    try {
      const states = await runScriptPipeline(redis, [RECORD_CONNECTION_LOST], (p) => {
        for (const c of claimed)
          p.evalsha(RECORD_CONNECTION_LOST.sha, 1, stateKey(c.sessionId, prefix), c.deadline, KEPT_DEADLINES);
      });
      const alerts: Alert[] = [];
      const snapshots: RiskSnapshot[] = [];
      const updates: SessionUpdateRow[] = [];
      for (const [i, c] of claimed.entries()) {
        const found = states[i] as [string, string] | null;
        if (!found?.[0]) {
          log.debug('connection_lost_unknown_session', { sessionId: c.sessionId });
          continue; // never saw a record of it: no tenant to alert under
        }
        const state = mergeConnectionLost(decodeState(found[0]), found[1].split(',').map(Number));
        if (state.endedAt) continue;
        const draft = connectionLostAlert(c.deadline, state.config);
        alerts.push({
          ...draft,
          alertId: await deriveAlertId(c.sessionId, draft.rule, draft.windowBucket),
          tenantId: state.tenantId,
          sessionId: c.sessionId,
          status: 'open',
          createdAt: at,
        });
        const t = Math.max(state.risk.asOf, c.deadline);
        const risk = decayTo(state.risk, t);
        const score = riskScore(risk);
        snapshots.push({
          tenantId: state.tenantId,
          sessionId: c.sessionId,
          bucketStart: snapshotBucket(t),
          score,
          contributions: riskContributions(risk),
          createdAt: at,
        });
        updates.push({
          sessionId: c.sessionId,
          lastSeenAt: state.lastSeenAt || c.deadline,
          riskScore: score,
          endedAt: undefined,
        });
      }
      await opts.mysql.write({ starts: [], alerts, snapshots, updates });
      metrics.sweptSessions.inc(claimed.length);
      for (const a of alerts) metrics.alerts.inc({ rule: a.rule, severity: a.severity });
      return claimed.length;
    } catch (err) {
      // Give the claims back (GT keeps a newer deadline a heartbeat may have set meanwhile); the next tick retries.
      const p = redis.pipeline();
      for (const c of claimed) p.zadd(key, 'GT', c.deadline, c.sessionId);
      await p.exec().catch(() => undefined);
      throw err;
    }
  }

  async function tick(): Promise<void> {
    const at = now();
    for (let i = 0; i < opts.shardsPerTick; i++) {
      const shard = nextShard;
      nextShard = (nextShard + 1) % LIVENESS_SHARDS;
      try {
        // A full shard (claimed == limit) stays next in line for the following tick.
        if ((await sweepShard(shard, at)) >= opts.limit) nextShard = shard;
      } catch (err) {
        log.warn('liveness_sweep_failed', { shard, ...errorContext(err) });
      }
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, opts.intervalMs);
  };

  return {
    sweepShard,
    tick,
    start: schedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
