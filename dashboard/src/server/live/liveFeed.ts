// The live feed behind SSE, pushed by the processor's change stream (contracts liveChanges, followed once per
// process by followChanges). One channel per tenant+schedule with open streams here, and one loop per channel that
// does its reads for every stream watching it: the alerts the notices named (by id, as soon as they come), and the
// ranked list (once per distinct filter, at most every `listMs` while notices keep coming, every `refreshMs`
// otherwise for presence). A new stream is sent the channel's last list, a reconnect the alerts it missed from the
// channel's log: what a schedule costs MySQL and Redis is per process, never per stream. What to read is what the
// notices say: no cursor on the database's clock.
import type { RedisClient } from '@proctor/contracts/redis';
import { type LiveChangeEntry, liveChangesSince } from '@proctor/contracts/redis';
import type { Pool } from 'mysql2/promise';
import { riskBand } from '../../ui/format.ts';
import type { RankedSession, RankedSessionList, SessionFilter } from '../api/schemas.ts';
import { listRankedSessions } from '../queries/sessions.ts';
import { type ChangeFollower, followChanges } from './followChanges.ts';
import { readLiveAlerts } from './liveAlerts.ts';
import { compareSeq, type LiveEvent, type LiveListener, maxSeq } from './liveSeq.ts';
import { createPresenceCache } from './presence.ts';
import { createRecentAlerts, type RecentAlerts } from './recentAlerts.ts';

export { compareSeq, type LiveEvent, type LiveListener } from './liveSeq.ts';

export interface LiveFeedOptions {
  db: Pool;
  redis: RedisClient;
  redisPrefix: string;
  /** Presence comes from Redis deadlines that pass without a row changing: re-read the list at least this often. */
  refreshMs?: number;
  /**
   * While notices keep coming, the list is re-read at most this often (default 1 s): a busy schedule's notices name
   * some listed session nearly every commit, and a list a second is all a proctor reads; alerts are not held back.
   */
  listMs?: number;
  /** The change follower's least time between two reads (followChanges). */
  followMinMs?: number;
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
  /** Alerts named by notices not yet read, each with the newest sequence number that named it. */
  pending: Map<string, string>;
  /** The newest sequence number whose alerts every subscriber has been sent ('' until the follower started). */
  sent: string;
  noticed: string;
  /** Notices came that the alert step has not taken yet. */
  alertsDue: boolean;
  /** The list may have changed since it was last read (a notice, or the refresh timer). */
  listDue: boolean;
  /** The last list read per filter: what a new stream is sent at once. */
  lists: Map<string, { event: LiveEvent; text: string }>;
  recent: RecentAlerts;
  running: boolean;
  /** Ends the loop's wait for the next list read early (a notice or a new stream came). */
  wake?: () => void;
  refresh: ReturnType<typeof setInterval>;
  lastListAt: number;
}

/** After a failed read (MySQL away), wait this long before the next. */
const RETRY_MS = 1_000;

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
  const listMs = options.listMs ?? 1_000;
  const onError = (err: unknown) => options.onError?.(err);
  const channels = new Map<string, Channel>();
  const counts = { rereads: 0, listReads: 0, alertReads: 0, catchUpReads: 0 };
  let follower: Promise<ChangeFollower> | undefined;
  let followReads = () => 0;
  const presence = createPresenceCache(redis, redisPrefix);
  const keyOf = (tenantId: string, scheduleId: string) => JSON.stringify([tenantId, scheduleId]);
  const isOpen = (c: Channel) => channels.get(keyOf(c.tenantId, c.scheduleId)) === c;

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

  /** Reads the list once per distinct filter (`only`: those no stream has been sent yet) and pushes what changed. */
  async function readLists(channel: Channel, only?: (filterKey: string) => boolean) {
    const filters = new Map<string, SessionFilter>();
    for (const s of channel.subscribers) if (!only || only(s.filterKey)) filters.set(s.filterKey, s.filter);
    for (const [key, filter] of filters) {
      const data = await snapshot(channel, filter);
      const text = visibleState(data.sessions);
      // One event object for every stream of this filter: sseFrame serialises it once.
      const event: LiveEvent = { type: 'sessions', seq: channel.sent, data };
      channel.lists.set(key, { event, text });
      for (const s of channel.subscribers) {
        if (s.filterKey !== key || s.lastSent === text) continue;
        s.lastSent = text;
        deliver(s, event);
      }
    }
    const watched = new Set([...channel.subscribers].map((s) => s.filterKey));
    for (const key of channel.lists.keys()) if (!watched.has(key)) channel.lists.delete(key);
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

  /** The alerts the notices named since the last step, to every stream; a failed read keeps them for the next. */
  async function sendAlerts(channel: Channel) {
    counts.rereads++;
    const pending = channel.pending;
    channel.pending = new Map();
    const upTo = maxSeq(channel.sent, channel.noticed);
    let events: LiveEvent[];
    try {
      events = await alertEvents(channel, pending);
    } catch (err) {
      for (const [id, seq] of pending) if (!channel.pending.has(id)) channel.pending.set(id, seq);
      channel.alertsDue = true;
      throw err;
    }
    for (const event of events) {
      channel.recent.add(event);
      for (const s of channel.subscribers) deliver(s, event);
    }
    channel.sent = upTo;
  }

  const unsent = (channel: Channel) => (key: string) => !channel.lists.has(key);
  const anyUnsent = (channel: Channel) => [...channel.subscribers].some((s) => !channel.lists.has(s.filterKey));

  /**
   * The channel's one loop: alerts first, whenever notices named some (what a proctor acts on); then the list once
   * due. Sequential, so an alert is sent before the list push that counts it, and a list push's seq covers every
   * alert sent before it.
   */
  async function run(channel: Channel) {
    while (isOpen(channel)) {
      try {
        if (channel.alertsDue) {
          channel.alertsDue = false;
          await sendAlerts(channel);
          continue;
        }
        if (channel.listDue && Date.now() - channel.lastListAt >= listMs) {
          channel.listDue = false;
          channel.lastListAt = Date.now();
          await readLists(channel);
          continue;
        }
        // A new stream whose filter has no list yet is sent one at once, not at the next due read.
        if (anyUnsent(channel)) {
          await readLists(channel, unsent(channel));
          continue;
        }
      } catch (err) {
        onError(err);
        channel.listDue = true;
        await new Promise((r) => setTimeout(r, RETRY_MS));
        continue;
      }
      if (!channel.listDue) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, channel.lastListAt + listMs - Date.now());
        channel.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      channel.wake = undefined;
    }
  }

  /** Starts the channel's loop, or wakes it; a loop already reading sees the flags when its read ends. */
  function kick(channel: Channel) {
    if (!channel.sent) return;
    if (channel.wake) return channel.wake();
    if (channel.running) return;
    channel.running = true;
    run(channel).finally(() => {
      channel.running = false;
    });
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
    for (const channel of touched) {
      channel.alertsDue = true;
      channel.listDue = true;
      kick(channel);
    }
  }

  /** A reconnecting stream: every alert of the schedule named from `since` on (inclusive: a duplicate, never a gap). */
  async function catchUp(channel: Channel, since: string): Promise<LiveEvent[]> {
    const logged = channel.recent.since(since);
    if (logged) return logged;
    return channel.recent.shared(since, channel.sent, async (from) => {
      counts.catchUpReads++;
      const pending = new Map<string, string>();
      for (const { seq, changes } of await liveChangesSince(redis, redisPrefix, from)) {
        for (const c of changes) {
          if (c.tenantId !== channel.tenantId || c.scheduleId !== channel.scheduleId) continue;
          for (const id of c.alertIds) pending.set(id, seq);
        }
      }
      return alertEvents(channel, pending);
    });
  }

  function follow(): Promise<ChangeFollower> {
    // A follower that could not start (Redis away) is tried again by the next subscriber.
    follower ??= followChanges(redis, redisPrefix, onEntries, onError, options.followMinMs).then(
      (f) => {
        followReads = f.reads;
        return f;
      },
      (err) => {
        follower = undefined;
        throw err;
      },
    );
    return follower;
  }

  async function start(channel: Channel, subscriber: Subscriber, since: string | undefined) {
    let missed: LiveEvent[] = [];
    let first = '';
    try {
      const f = await follow();
      if (!channel.sent) {
        channel.sent = f.lastSeq();
        channel.recent.start(channel.sent);
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
    // A new connection gets the current list at once, closing the gap between page render and connect: the
    // channel's last read of its filter if there is one (what every other stream of it was sent), else a read now.
    const last = channel.lists.get(subscriber.filterKey);
    if (last && subscriber.lastSent === undefined && channel.subscribers.has(subscriber)) {
      subscriber.lastSent = last.text;
      subscriber.listener(last.event.seq === first ? last.event : { ...last.event, seq: first });
    }
    kick(channel);
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
          alertsDue: false,
          listDue: false,
          lists: new Map(),
          recent: createRecentAlerts(),
          running: false,
          lastListAt: 0,
          refresh: setInterval(() => {
            if (Date.now() - created.lastListAt < refreshMs) return;
            created.listDue = true;
            kick(created);
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
          own.wake?.();
        }
      };
    },
    stats: () => ({ channels: channels.size, followReads: followReads(), ...counts }),
    close() {
      for (const c of channels.values()) {
        clearInterval(c.refresh);
        c.wake?.();
      }
      channels.clear();
      follower?.then(
        (f) => f.stop(),
        () => undefined,
      );
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
