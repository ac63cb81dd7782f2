// Delivers queued events to POST /events/batch: oldest first, within the edge's batch limits, the same eventId
// on every retry, backing off on failure and never sooner than Retry-After.
import { type AnomalyEvent, EVENT_LIMITS, EventBatchResponse } from '@proctor/contracts';
import { backoffDelayMs } from './backoff.ts';
import type { ApiFailure, EdgeApi } from './edgeApi.ts';
import type { EventQueue } from './eventQueue.ts';

export type ConnectionState = 'online' | 'retrying' | 'offline' | 'rejected';

export interface DeliveryStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  queued: number;
}

export interface EventSenderOptions {
  api: EdgeApi;
  queue: EventQueue;
  sessionId: string;
  onState?: (state: ConnectionState, stats: DeliveryStats, failure?: ApiFailure) => void;
  /** False until the session exists at the edge (/sessions/start answered); flushes wait for it. */
  ready?: () => boolean;
  /**
   * The edge no longer knows the session (SESSION_NOT_FOUND: its state expired or was lost). The events stay
   * queued; the owner re-opens the session (start is idempotent, the id comes from the token) and flushes again.
   */
  onSessionLost?: () => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  random?: () => number;
}

export interface EventSender {
  /** Queues events durably; `urgent` (high severity) flushes at once instead of waiting for the next tick. */
  enqueue(events: AnomalyEvent[], urgent: boolean): Promise<void>;
  /** Sends everything queued, batch by batch, until the queue is empty or a request fails. */
  flush(): Promise<void>;
  readonly stats: DeliveryStats;
}

/** Events per batch and bytes per body stay under the edge's limits with headroom for the envelope. */
const BODY_BUDGET = EVENT_LIMITS.maxBodyBytes - 1024;

export function createEventSender(o: EventSenderOptions): EventSender {
  const now = o.now ?? Date.now;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const stats: DeliveryStats = { accepted: 0, duplicates: 0, rejected: 0, batches: 0, queued: 0 };
  let flushing: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let notBefore = 0;
  let retryScheduled = false;

  const report = (state: ConnectionState, failure?: ApiFailure) => o.onState?.(state, { ...stats }, failure);

  async function nextBatch() {
    const queued = await o.queue.peek(o.sessionId, EVENT_LIMITS.maxEventsPerBatch);
    const batch: typeof queued = [];
    let bytes = 64;
    for (const q of queued) {
      bytes += JSON.stringify(q.event).length + 1;
      if (bytes > BODY_BUDGET && batch.length > 0) break;
      batch.push(q);
    }
    return batch;
  }

  function scheduleRetry(failure: ApiFailure) {
    const delay = backoffDelayMs(failures - 1, failure.retryAfterMs, o.random);
    notBefore = now() + delay;
    if (retryScheduled) return;
    retryScheduled = true;
    setTimer(() => {
      retryScheduled = false;
      void sender.flush();
    }, delay);
  }

  async function drain(): Promise<void> {
    for (;;) {
      const batch = await nextBatch();
      stats.queued = await o.queue.count(o.sessionId);
      if (batch.length === 0) return;
      const res = await o.api.post(
        '/events/batch',
        { sessionId: o.sessionId, events: batch.map((q) => q.event) },
        EventBatchResponse,
      );
      if (res.ok) {
        failures = 0;
        stats.batches++;
        stats.accepted += res.value.accepted;
        stats.duplicates += res.value.duplicates;
        stats.rejected += res.value.rejected.length;
        for (const r of res.value.rejected) console.warn('event_rejected', { eventId: r.eventId, code: r.code });
        // Accepted, duplicate (already durable) and rejected (will never be accepted) all leave the queue.
        await o.queue.remove(batch.map((q) => q.eventId));
        stats.queued = await o.queue.count(o.sessionId);
        report('online');
        continue;
      }
      const failure = res.error;
      if (failure.kind === 'network' || failure.kind === 'retry') {
        failures++;
        scheduleRetry(failure);
        report(failure.kind === 'network' ? 'offline' : 'retrying', failure);
      } else if (failure.code === 'SESSION_NOT_FOUND' && o.onSessionLost) {
        report('retrying', failure);
        o.onSessionLost();
      } else {
        // auth/fatal: retrying the same request cannot help. Keep the events; a new token or reload may.
        report('rejected', failure);
      }
      return;
    }
  }

  const sender: EventSender = {
    stats,
    async enqueue(events, urgent) {
      if (events.length === 0) return;
      await o.queue.put(o.sessionId, events);
      stats.queued = await o.queue.count(o.sessionId);
      if (urgent) await sender.flush();
    },
    async flush() {
      if (o.ready && !o.ready()) return;
      if (now() < notBefore) return; // honour Retry-After / backoff even for urgent events
      if (flushing) {
        again = true;
        return flushing;
      }
      flushing = (async () => {
        do {
          again = false;
          await drain();
        } while (again && now() >= notBefore);
      })().finally(() => {
        flushing = undefined;
      });
      return flushing;
    },
  };
  return sender;
}
