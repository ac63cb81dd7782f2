// The live feed behind SSE: one poller per tenant+schedule, shared by every connection watching it.
// Each tick runs two index-only queries; only when something changed is the ranked list re-read, and it is pushed
// only when what a proctor sees of it changed (so a busy schedule costs one push per visible change, not per tick).
import type { AlertRule, Severity } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import { riskBand } from '../../ui/format.ts';
import type { RankedSession, RankedSessionList, SessionFilter } from '../api/schemas.ts';
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

/** Alerts read per page of one tick; a tick reads up to MAX_ALERT_PAGES pages. */
export const CHANGED_ALERTS_PAGE = 500;
const MAX_ALERT_PAGES = 20;

// One page of alerts changed since (updated_at, alert_id), in alerts_by_tenant_updated order (tenant_id, updated_at,
// and InnoDB's implicit primary key). The keyset matters at scale: a schedule of thousands can raise more than a page
// of alerts inside the re-read overlap (a venue's network drop: connection_lost for everyone at once), and a plain
// `updated_at > cursor - overlap LIMIT n` then re-reads the same n seen rows every tick and never moves again.
export const changedAlertsSql = `SELECT a.alert_id, a.session_id, s.user_id, a.rule, a.severity, a.status,
    a.explanation, a.updated_at
  FROM alerts a JOIN sessions s ON s.session_id = a.session_id AND s.tenant_id = a.tenant_id
  WHERE a.tenant_id = ? AND a.updated_at >= ? AND (a.updated_at > ? OR a.alert_id > ?) AND s.exam_schedule_id = ?
  ORDER BY a.updated_at, a.alert_id LIMIT ${CHANGED_ALERTS_PAGE}`;

interface ChangedAlertRow {
  alert_id: string;
  session_id: string;
  user_id: string;
  rule: AlertRule;
  severity: Severity;
  status: string;
  explanation: string;
  updated_at: Date;
}

/**
 * What a proctor sees of the ranked list, as one comparable string: the order, and per row the fields the table shows
 * (the score as displayed, rounded, with its band). In a busy schedule some listed session sends a batch in nearly
 * every poll; each batch moves its lastSeenAt and re-decays its stored score by a fraction of a point, and comparing
 * those pushed (and re-rendered) the whole list on nearly every tick though nothing changed for the eye. Presence,
 * which the last contact does change, is compared, so a lost connection still shows within a poll.
 */
function visibleState(sessions: readonly RankedSession[]): string {
  return JSON.stringify(
    sessions.map((s) => [
      s.sessionId,
      s.userId,
      s.attemptNo,
      Math.round(s.riskScore),
      riskBand(s.riskScore),
      s.openAlerts,
      s.totalAlerts,
      s.rules,
      s.status,
      s.presence,
      s.startedAt,
    ]),
  );
}

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
      const text = visibleState(data.sessions);
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
    const changed: ChangedAlertRow[] = [];
    let after = { at: new Date(channel.alertCursor - CURSOR_OVERLAP_MS), id: '' };
    for (let page = 0; page < MAX_ALERT_PAGES; page++) {
      const got = await rows<ChangedAlertRow>(db, changedAlertsSql, [
        channel.tenantId,
        after.at,
        after.at,
        after.id,
        channel.scheduleId,
      ]);
      changed.push(...got);
      const last = got.at(-1);
      if (got.length < CHANGED_ALERTS_PAGE || !last) break;
      after = { at: last.updated_at, id: last.alert_id };
    }

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
    // Alerts first: they are small and what a proctor acts on; the ranked list's query and push (tens of KB on a
    // busy schedule) would otherwise hold every toast of this tick back.
    for (const data of fresh) for (const s of channel.subscribers) s.listener({ type: 'alert', data });
    if (rowsChanged || Date.now() - channel.lastPushAt >= refreshMs) await pushSnapshots(channel);
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
