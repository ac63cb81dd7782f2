// The session's link to the edge: sessions/start (retried in the background, again when the edge lost the
// session), heartbeats when nothing else reached the edge, and the event sender that drains the offline queue.
import {
  type AnomalyEvent,
  EXAM_CONFIG_DEFAULTS,
  type ExamConfigOverrides,
  HeartbeatResponse,
  SessionStartResponse,
} from '@proctor/contracts';
import type { BackendName } from './detector/protocol.ts';
import type { StatusStore } from './status.ts';
import { backoffDelayMs } from './transport/backoff.ts';
import type { EdgeApi } from './transport/edgeApi.ts';
import type { EventQueue } from './transport/eventQueue.ts';
import { createEventSender, type EventSender } from './transport/eventSender.ts';
import { heartbeatDue } from './transport/heartbeat.ts';

export const CLIENT_VERSION = '0.1.0';

export interface SessionLinkOptions {
  api: EdgeApi;
  queue: EventQueue;
  sessionId: string;
  examConfig?: ExamConfigOverrides;
  flushIntervalMs: number;
  status: StatusStore;
  /** The detector's backend for the start body, once known (undefined if it failed to load). */
  backend: () => BackendName | undefined;
  /** Every successful sessions/start answer (the first start and each re-open). */
  onStarted: (start: SessionStartResponse) => void;
}

export interface SessionLink {
  enqueue: EventSender['enqueue'];
  readonly stats: EventSender['stats'];
  /** Starts the session at the edge (in the background) and the heartbeat and flush timers. */
  open(): void;
  /** No more timers, retries or re-opens; queued events stay queued until end() flushes them. */
  close(): void;
  /** Flushes what is queued and tells the edge the session ended (keepalive: survives the page closing). */
  end(reason: 'submitted' | 'timeout' | 'abandoned'): Promise<void>;
}

export function createSessionLink(o: SessionLinkOptions): SessionLink {
  const { api, sessionId, status } = o;
  let lastContact = 0;
  let started = false;
  let closed = false;
  let heartbeatBusy = false;
  let heartbeatSeconds = o.examConfig?.heartbeatIntervalSeconds ?? EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds;
  const timers: Array<ReturnType<typeof setInterval>> = [];

  const sender = createEventSender({
    api,
    queue: o.queue,
    sessionId,
    ready: () => started,
    onSessionLost: () => reopen(),
    onState: (connection, stats, failure) => {
      if (connection === 'online') lastContact = Date.now();
      status.update({
        connection,
        queued: stats.queued,
        delivered: stats.accepted + stats.duplicates,
        ...(failure ? { error: `${failure.code ?? failure.kind}: ${failure.message}` } : {}),
      });
    },
  });

  const start = async (attempt: number): Promise<void> => {
    if (closed) return;
    const res = await api.post(
      '/sessions/start',
      {
        examConfig: o.examConfig ?? {},
        client: { version: CLIENT_VERSION, backend: o.backend(), userAgent: navigator.userAgent.slice(0, 512) },
      },
      SessionStartResponse,
    );
    if (res.ok) {
      started = true;
      heartbeatSeconds = res.value.session.examConfig.heartbeatIntervalSeconds;
      o.onStarted(res.value);
      lastContact = Date.now();
      status.update({ connection: 'online' });
      void sender.flush(); // including events an earlier page load of this session left queued
      return;
    }
    if (res.error.kind === 'auth' || res.error.kind === 'fatal') {
      // Refused for good: a bad token, or a session that ended or was erased (SESSION_ENDED, SESSION_ERASED). Nothing
      // re-opens it: no retry, and `started` stays false, so neither heartbeats nor queued events reach the edge.
      status.update({ connection: 'rejected', error: `${res.error.code ?? res.error.kind}: ${res.error.message}` });
      return;
    }
    status.update({ connection: res.error.kind === 'network' ? 'offline' : 'retrying', error: res.error.message });
    setTimeout(() => void start(attempt + 1), backoffDelayMs(attempt, res.error.retryAfterMs));
  };
  // The edge lost the session (its state expired): start again, then the sender's queue drains into it.
  const reopen = () => {
    if (!started || closed) return;
    started = false;
    void start(0);
  };

  // Heartbeats: one per interval without contact; skipped when an event batch reached the edge within the interval
  // (the edge bumps the liveness deadline on every accepted batch, as on a heartbeat).
  const heartbeat = async () => {
    if (!started || heartbeatBusy || !heartbeatDue(Date.now(), lastContact, heartbeatSeconds)) return;
    heartbeatBusy = true;
    const res = await api.post('/sessions/heartbeat', { sessionId }, HeartbeatResponse);
    if (res.ok) {
      lastContact = Date.now();
      status.update({ connection: 'online' });
      void sender.flush();
    } else {
      status.update({ connection: res.error.kind === 'network' ? 'offline' : 'retrying' });
      if (res.error.code === 'SESSION_NOT_FOUND') reopen();
    }
    heartbeatBusy = false;
  };
  const onOnline = () => void sender.flush();

  return {
    enqueue: (events: AnomalyEvent[], urgent: boolean) => sender.enqueue(events, urgent),
    get stats() {
      return sender.stats;
    },
    open() {
      void start(0);
      timers.push(setInterval(() => void heartbeat(), 1000));
      timers.push(setInterval(() => void sender.flush(), o.flushIntervalMs));
      addEventListener('online', onOnline);
    },
    close() {
      closed = true;
      for (const t of timers) clearInterval(t);
      removeEventListener('online', onOnline);
    },
    async end(reason) {
      await sender.flush();
      await api.post(
        '/sessions/end',
        { sessionId, reason },
        { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
        { keepalive: true },
      );
    },
  };
}
