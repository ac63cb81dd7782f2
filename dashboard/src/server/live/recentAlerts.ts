// A channel's log of the alert events it sent, so a reconnecting stream of this process catches up from memory (no
// Redis range read, no MySQL read) when its Last-Event-ID is recent; and one shared catch-up read for the streams
// whose ids are older, however many reconnect at once (a server restart reconnects every stream of a schedule).
import { compareSeq, type LiveEvent } from './liveSeq.ts';

/**
 * Alert events a channel keeps (a few hundred bytes each, so ≤ about 1 MB a watched schedule): a venue-wide drop of
 * 2,000 candidates fits; a reconnect from before the oldest takes the shared read.
 */
const RECENT_ALERT_EVENTS = 2_000;

export function createRecentAlerts(limit = RECENT_ALERT_EVENTS) {
  const events: LiveEvent[] = [];
  /** The log holds every alert event the channel sent with a seq after this ('' until the channel starts). */
  let after = '';
  let shared: { since: string; sentAtStart: string; events: Promise<LiveEvent[]> } | undefined;
  const logged = (from: string, exclusiveFrom: string) =>
    events.filter((e) => compareSeq(e.seq, from) >= 0 && compareSeq(e.seq, exclusiveFrom) > 0);

  return {
    /** The channel starts sending alerts named after `seq`. */
    start(seq: string) {
      after = seq;
    },
    add(event: LiveEvent) {
      events.push(event);
      if (events.length > limit) {
        const dropped = events.shift() as LiveEvent;
        if (compareSeq(dropped.seq, after) > 0) after = dropped.seq;
      }
    },
    /** Every alert event sent from `since` on (inclusive), or undefined when the log does not reach back that far. */
    since(since: string): LiveEvent[] | undefined {
      if (!after || compareSeq(since, after) <= 0) return undefined;
      return logged(since, '0-0');
    },
    /**
     * The alerts named from `since` on, by `read`, or joined to a read already running from an id no later than
     * `since`: one read for a burst of reconnects. `sent` is the channel's newest sent seq now; what the channel sends
     * after a joined read started is in the log, so a joiner takes those from there (a duplicate, never a gap).
     */
    async shared(since: string, sent: string, read: (since: string) => Promise<LiveEvent[]>): Promise<LiveEvent[]> {
      const joinable =
        shared && compareSeq(shared.since, since) <= 0 && after && compareSeq(after, shared.sentAtStart) <= 0;
      if (!joinable || !shared) {
        const run = { since, sentAtStart: sent, events: read(since) };
        shared = run;
        const done = () => {
          if (shared === run) shared = undefined;
        };
        run.events.then(done, done);
        return run.events;
      }
      const run = shared;
      const fromRead = (await run.events).filter((e) => compareSeq(e.seq, since) >= 0);
      return [...fromRead, ...logged(since, run.sentAtStart)].sort((a, b) => compareSeq(a.seq, b.seq));
    },
  };
}

export type RecentAlerts = ReturnType<typeof createRecentAlerts>;
