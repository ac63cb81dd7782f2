// The live feed behind SSE: one poller per tenant+schedule, shared by every connection watching it.
// Each tick runs two index-only queries; only when something changed is the ranked list re-read and pushed.
import type { AlertRule, Severity } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import type { RankedSessionList, SessionFilter } from '../api/schemas.ts';
import { listRankedSessions } from '../queries/sessions.ts';
import { ms, rows } from '../queries/sql.ts';
import { withPresence } from './presence.ts';

export interface LiveAlert {
  alertId: string;
  sessionId: string;
  userId: string;
  rule: AlertRule;
  severity: Severity;
  status: string;
  explanation: string;
  updatedAt: number;
}

export type LiveEvent = { type: 'sessions'; data: RankedSessionList } | { type: 'alert'; data: LiveAlert };
export type LiveListener = (event: LiveEvent) => void;

export interface LiveFeedOptions {
  db: Pool;
  redis: RedisClient;
  redisPrefix: string;
  pollMs: number;
  /** Presence comes from Redis deadlines that pass without a row changing: re-push at least this often. */
  refreshMs?: number;
  onError?: (err: unknown) => void;
}

/** Rows committed a little after a later-stamped row must not be skipped: re-read this far behind the cursor. */
const CURSOR_OVERLAP_MS = 2_000;

interface Subscriber {
  filter: SessionFilter;
  filterKey: string;
  listener: LiveListener;
  lastSent?: string;
}

interface Channel {
  tenantId: string;
  scheduleId: string;
  subscribers: Set<Subscriber>;
  timer?: ReturnType<typeof setTimeout>;
  primed: boolean;
  sessionsStamp: number | null;
  alertCursor: number;
  seen: Map<string, number>;
  lastPushAt: number;
}

export const scheduleStampSql =
  'SELECT MAX(updated_at) AS stamp FROM sessions WHERE tenant_id = ? AND exam_schedule_id = ?';

export const changedAlertsSql = `SELECT a.alert_id, a.session_id, s.user_id, a.rule, a.severity, a.status,
    a.explanation, a.updated_at
  FROM alerts a JOIN sessions s ON s.session_id = a.session_id AND s.tenant_id = a.tenant_id
  WHERE a.tenant_id = ? AND a.updated_at > ? AND s.exam_schedule_id = ?
  ORDER BY a.updated_at LIMIT 500`;

export function createLiveFeed(options: LiveFeedOptions) {
  const { db, redis, redisPrefix, pollMs } = options;
  const refreshMs = options.refreshMs ?? 5_000;
  const channels = new Map<string, Channel>();
  let ticks = 0;

  async function snapshot(channel: Channel, filter: SessionFilter): Promise<RankedSessionList> {
    const base = await listRankedSessions(db, channel.tenantId, channel.scheduleId, filter);
    const live = await withPresence(redis, base, redisPrefix);
    return {
      examScheduleId: channel.scheduleId,
      sessions: live.sessions,
      generatedAt: Date.now(),
      liveStateDegraded: live.degraded,
    };
  }

  /** Pushes the ranked list to each subscriber whose view changed; one query per distinct filter. */
  async function pushSnapshots(channel: Channel, only?: Subscriber) {
    const targets = only ? [only] : [...channel.subscribers];
    const byFilter = new Map<string, Subscriber[]>();
    for (const s of targets) byFilter.set(s.filterKey, [...(byFilter.get(s.filterKey) ?? []), s]);
    for (const subs of byFilter.values()) {
      const data = await snapshot(channel, (subs[0] as Subscriber).filter);
      const text = JSON.stringify(data.sessions);
      for (const s of subs) {
        if (s.lastSent === text || !channel.subscribers.has(s)) continue;
        s.lastSent = text;
        s.listener({ type: 'sessions', data });
      }
    }
    channel.lastPushAt = Date.now();
  }

  async function tick(channel: Channel) {
    ticks++;
    const [stampRow] = await rows<{ stamp: Date | null }>(db, scheduleStampSql, [channel.tenantId, channel.scheduleId]);
    const stamp = stampRow?.stamp ? ms(stampRow.stamp) : null;
    const changed = await rows<{
      alert_id: string;
      session_id: string;
      user_id: string;
      rule: AlertRule;
      severity: Severity;
      status: string;
      explanation: string;
      updated_at: Date;
    }>(db, changedAlertsSql, [channel.tenantId, new Date(channel.alertCursor - CURSOR_OVERLAP_MS), channel.scheduleId]);

    const fresh: LiveAlert[] = [];
    for (const a of changed) {
      const updatedAt = ms(a.updated_at);
      if (channel.seen.get(a.alert_id) === updatedAt) continue;
      channel.seen.set(a.alert_id, updatedAt);
      channel.alertCursor = Math.max(channel.alertCursor, updatedAt);
      fresh.push({
        alertId: a.alert_id,
        sessionId: a.session_id,
        userId: a.user_id,
        rule: a.rule,
        severity: a.severity,
        status: a.status,
        explanation: a.explanation,
        updatedAt,
      });
    }
    // Forget marks that fell behind the overlap window: they can no longer be re-read.
    for (const [id, at] of channel.seen) if (at < channel.alertCursor - 2 * CURSOR_OVERLAP_MS) channel.seen.delete(id);

    const rowsChanged = stamp !== channel.sessionsStamp || fresh.length > 0;
    channel.sessionsStamp = stamp;
    if (!channel.primed) {
      // The first tick only records where we are: the page was rendered with the current state already.
      channel.primed = true;
      return;
    }
    if (rowsChanged || Date.now() - channel.lastPushAt >= refreshMs) await pushSnapshots(channel);
    for (const data of fresh) for (const s of channel.subscribers) s.listener({ type: 'alert', data });
  }

  function schedule(channel: Channel, delay: number) {
    channel.timer = setTimeout(async () => {
      try {
        await tick(channel);
      } catch (err) {
        options.onError?.(err);
      }
      // Chained, not setInterval: a slow tick never overlaps the next one.
      if (channel.subscribers.size > 0) schedule(channel, pollMs);
    }, delay);
  }

  return {
    /** Subscribes one connection; the first subscriber of a channel starts its poller, the last stops it. */
    subscribe(tenantId: string, scheduleId: string, filter: SessionFilter, listener: LiveListener): () => void {
      const key = JSON.stringify([tenantId, scheduleId]);
      let channel = channels.get(key);
      if (!channel) {
        channel = {
          tenantId,
          scheduleId,
          subscribers: new Set(),
          primed: false,
          sessionsStamp: null,
          alertCursor: Date.now(),
          seen: new Map(),
          lastPushAt: Date.now(),
        };
        channels.set(key, channel);
        schedule(channel, 0);
      }
      const subscriber: Subscriber = { filter, filterKey: JSON.stringify([filter.status, filter.rule]), listener };
      channel.subscribers.add(subscriber);
      const own = channel;
      // A new connection gets the current list at once, closing the gap between page render and connect.
      pushSnapshots(own, subscriber).catch((err) => options.onError?.(err));
      return () => {
        own.subscribers.delete(subscriber);
        if (own.subscribers.size === 0) {
          clearTimeout(own.timer);
          channels.delete(key);
        }
      };
    },
    stats: () => ({ channels: channels.size, ticks }),
    close() {
      for (const c of channels.values()) clearTimeout(c.timer);
      channels.clear();
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
