// The live feed behind SSE, pushed by the processor's change stream (contracts liveChanges, followed once per
// process by followChanges). One channel per tenant+schedule with open streams here: a notice naming it marks it
// dirty, and a dirty channel re-reads once (the alerts the notices named, by id; then the ranked list once per
// distinct filter), however many streams watch it and however many notices came meanwhile. What to read is what the
// notices say: no cursor on the database's clock.
import { type Shards, shardList } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { type LiveChangeEntry, liveChangesSince } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import { riskBand } from '../../ui/format.ts';
import type { RankedSession, RankedSessionList, SessionFilter } from '../api/schemas.ts';
import { listRankedSessions } from '../queries/sessions.ts';
import { type ChangeFollower, followChanges } from './followChanges.ts';
import { type LiveAlert, readLiveAlerts } from './liveAlerts.ts';
import { createPresenceCache } from './presence.ts';

/**
 * `seq` is the SSE event id: once a stream has been sent an event, it has been sent every alert of its schedule
 * that a notice up to `seq` named, so a reconnect that resumes from it (Last-Event-ID) misses nothing.
 */
export type LiveEvent =
  | { type: 'sessions'; seq: string; data: RankedSessionList }
  | { type: 'alert'; seq: string; data: LiveAlert };
export type LiveListener = (event: LiveEvent) => void;

export interface LiveFeedOptions {
  db: Pool;
  redis: RedisClient;
  /** The edge's databases, where presence (liveness) is read; default: `redis` is the edge's one database. */
  edge?: Shards<RedisClient>;
  redisPrefix: string;
  /** Presence comes from Redis deadlines that pass without a row changing: re-read the list at least this often. */
  refreshMs?: number;
  onError?: (err: unknown) => void;
}

interface Subscriber {
  filter: SessionFilter;
  filterKey: string;
  listener: LiveListener;
  lastSent?: string;
  /** Events held back while the stream catches up from its Last-Event-ID; null once it is live. */
  held: LiveEvent[] | null;
}

interface Channel {
  tenantId: string;
  scheduleId: string;
  subscribers: Set<Subscriber>;
  /** Alerts named by notices not yet re-read, each with the newest sequence number that named it. */
  pending: Map<string, string>;
  /** The newest sequence number whose alerts every subscriber has been sent ('' until the follower started). */
  sent: string;
  noticed: string;
  dirty: boolean;
  running: boolean;
  refresh: ReturnType<typeof setInterval>;
  lastPushAt: number;
}

/** After a failed re-read (MySQL away), wait this long before the next. */
const RETRY_MS = 1_000;

/** Stream entry ids in order: `<ms>-<n>`, compared as numbers. */
export function compareSeq(a: string, b: string): number {
  const [am = 0n, an = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bn = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(an - bn) : am < bm ? -1 : 1;
}
const maxSeq = (a: string, b: string) => (!a ? b : !b ? a : compareSeq(a, b) >= 0 ? a : b);

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
  const { db, redis, redisPrefix } = options;
  const refreshMs = options.refreshMs ?? 5_000;
  const onError = (err: unknown) => options.onError?.(err);
  const channels = new Map<string, Channel>();
  const counts = { rereads: 0, listReads: 0, alertReads: 0 };
  let follower: Promise<ChangeFollower> | undefined;
  const presence = createPresenceCache(options.edge ?? shardList([redis]), redisPrefix);
  const keyOf = (tenantId: string, scheduleId: string) => JSON.stringify([tenantId, scheduleId]);

  function deliver(s: Subscriber, event: LiveEvent) {
    if (s.held) s.held.push(event);
    else s.listener(event);
  }

  async function snapshot(channel: Channel, filter: SessionFilter): Promise<RankedSessionList> {
    counts.listReads++;
    const base = await listRankedSessions(db, channel.tenantId, channel.scheduleId, filter);
    const live = await presence.withPresence(base);
    return {
      examScheduleId: channel.scheduleId,
      sessions: live.sessions,
      generatedAt: Date.now(),
      liveStateDegraded: live.degraded,
    };
  }

  /** Pushes the ranked list to each subscriber whose view changed; one query per distinct filter. */
  async function pushSnapshots(channel: Channel, targets: Subscriber[], seq: string) {
    const byFilter = new Map<string, Subscriber[]>();
    for (const s of targets) byFilter.set(s.filterKey, [...(byFilter.get(s.filterKey) ?? []), s]);
    for (const subs of byFilter.values()) {
      const data = await snapshot(channel, (subs[0] as Subscriber).filter);
      const text = visibleState(data.sessions);
      for (const s of subs) {
        if (s.lastSent === text || !channel.subscribers.has(s)) continue;
        s.lastSent = text;
        deliver(s, { type: 'sessions', seq, data });
      }
    }
    channel.lastPushAt = Date.now();
  }

  /** The alerts `pending` names, in notice order, as events. */
  async function alertEvents(channel: Channel, pending: Map<string, string>): Promise<LiveEvent[]> {
    if (!pending.size) return [];
    counts.alertReads++;
    const alerts = await readLiveAlerts(db, channel.tenantId, channel.scheduleId, [...pending.keys()]);
    return alerts
      .map((data): LiveEvent => ({ type: 'alert', seq: pending.get(data.alertId) as string, data }))
      .sort((a, b) => compareSeq(a.seq, b.seq));
  }

  /** One re-read of a dirty channel: alerts first (small, what a proctor acts on), then the list. */
  async function reread(channel: Channel) {
    counts.rereads++;
    const pending = channel.pending;
    channel.pending = new Map();
    const upTo = maxSeq(channel.sent, channel.noticed);
    let events: LiveEvent[];
    try {
      events = await alertEvents(channel, pending);
    } catch (err) {
      // Nothing was sent: the next re-read takes these alerts again.
      for (const [id, seq] of pending) if (!channel.pending.has(id)) channel.pending.set(id, seq);
      channel.dirty = true;
      throw err;
    }
    for (const event of events) {
      for (const s of channel.subscribers) deliver(s, event);
    }
    channel.sent = upTo;
    await pushSnapshots(channel, [...channel.subscribers], upTo);
  }

  /** Coalesces: while a re-read runs, new notices only mark the channel dirty again, for one more re-read. */
  function kick(channel: Channel) {
    channel.dirty = true;
    if (channel.running || !channel.sent) return;
    channel.running = true;
    (async () => {
      while (channel.dirty && channels.get(keyOf(channel.tenantId, channel.scheduleId)) === channel) {
        channel.dirty = false;
        await reread(channel).catch(async (err) => {
          onError(err);
          await new Promise((r) => setTimeout(r, RETRY_MS));
        });
      }
      channel.running = false;
    })();
  }

  function onEntries(entries: LiveChangeEntry[]) {
    const touched = new Set<Channel>();
    for (const { seq, changes } of entries) {
      for (const change of changes) {
        const channel = channels.get(keyOf(change.tenantId, change.scheduleId));
        if (!channel) continue;
        for (const id of change.alertIds) channel.pending.set(id, seq);
        channel.noticed = seq;
        touched.add(channel);
      }
    }
    for (const channel of touched) kick(channel);
  }

  /** A reconnecting stream: every alert of the schedule named from `since` on (inclusive: a duplicate, never a gap). */
  async function catchUp(channel: Channel, since: string): Promise<LiveEvent[]> {
    const pending = new Map<string, string>();
    for (const { seq, changes } of await liveChangesSince(redis, redisPrefix, since)) {
      for (const c of changes) {
        if (c.tenantId !== channel.tenantId || c.scheduleId !== channel.scheduleId) continue;
        for (const id of c.alertIds) pending.set(id, seq);
      }
    }
    return alertEvents(channel, pending);
  }

  function follow(): Promise<ChangeFollower> {
    // A follower that could not start (Redis away) is tried again by the next subscriber.
    follower ??= followChanges(redis, redisPrefix, onEntries, onError).catch((err) => {
      follower = undefined;
      throw err;
    });
    return follower;
  }

  async function start(channel: Channel, subscriber: Subscriber, since: string | undefined) {
    let missed: LiveEvent[] = [];
    let first = '';
    try {
      const f = await follow();
      if (!channel.sent) {
        channel.sent = f.lastSeq();
        if (channel.dirty) kick(channel);
      }
      first = channel.sent;
      if (since) missed = await catchUp(channel, since);
    } finally {
      // Whatever failed, the stream goes live: held events are sent, so a failed catch-up loses only the missed.
      const held = subscriber.held ?? [];
      subscriber.held = null;
      for (const event of [...missed, ...held]) subscriber.listener(event);
      first = maxSeq(first, held.at(-1)?.seq ?? '');
    }
    // A new connection gets the current list at once, closing the gap between page render and connect.
    await pushSnapshots(channel, [subscriber], first);
  }

  // Following from the feed's creation, not its first stream's: a notice that lands while a first stream's channel
  // waits for the follower's start point would otherwise fall behind it.
  follow().catch(onError);

  return {
    /**
     * Subscribes one connection, resuming after `since` (its Last-Event-ID) if given. The first subscriber of a
     * channel opens it, the last closes it.
     */
    subscribe(
      tenantId: string,
      scheduleId: string,
      filter: SessionFilter,
      listener: LiveListener,
      since?: string,
    ): () => void {
      const key = keyOf(tenantId, scheduleId);
      let channel = channels.get(key);
      if (!channel) {
        const created: Channel = {
          tenantId,
          scheduleId,
          subscribers: new Set(),
          pending: new Map(),
          sent: '',
          noticed: '',
          dirty: false,
          running: false,
          lastPushAt: Date.now(),
          refresh: setInterval(() => {
            if (Date.now() - created.lastPushAt >= refreshMs) kick(created);
          }, refreshMs),
        };
        channel = created;
        channels.set(key, channel);
      }
      const subscriber: Subscriber = {
        filter,
        filterKey: JSON.stringify([filter.status, filter.rule]),
        listener,
        held: [],
      };
      channel.subscribers.add(subscriber);
      const own = channel;
      start(own, subscriber, since).catch(onError);
      return () => {
        own.subscribers.delete(subscriber);
        if (own.subscribers.size === 0) {
          clearInterval(own.refresh);
          channels.delete(key);
        }
      };
    },
    stats: () => ({ channels: channels.size, ...counts }),
    close() {
      for (const c of channels.values()) clearInterval(c.refresh);
      channels.clear();
      follower?.then(
        (f) => f.stop(),
        () => undefined,
      );
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
