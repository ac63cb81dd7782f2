// One simulated candidate: a real API client on the client library's own transport (edge API with token refresh,
// memory queue, sender with backoff and session re-open, heartbeat rule), executing a plan from mix.ts.
import {
  type ApiResult,
  createEdgeApi,
  createEventSender,
  createMemoryQueue,
  type EdgeApi,
  type EventSender,
  heartbeatDue,
  type MemoryQueueStore,
  type QueuedEvent,
} from '@proctor/client/transport';
import {
  type AnomalyEvent,
  deriveSessionId,
  type EventBatchResponse,
  EXAM_CONFIG_DEFAULTS,
  type ExamConfigOverrides,
  HeartbeatResponse,
  type SessionIdentity,
  SessionStartResponse,
  sleep,
} from '@proctor/contracts';
import type { CohortMetrics } from './metrics.ts';
import type { CandidatePlan } from './mix.ts';

/** The URGENT set of startProctoring: high-severity events go out at once. */
const URGENT: ReadonlySet<AnomalyEvent['type']> = new Set(['MULTI_PERSON', 'CAMERA_LOST', 'CAMERA_BLOCKED']);
const ANY_BODY = { safeParse: (v: unknown) => ({ success: true as const, data: v }) };

export type MintToken = (claims: SessionIdentity, expSeconds: number) => Promise<string>;

export interface CandidateContext {
  edgeUrl: string;
  mintToken: MintToken;
  /** The edge's JWT_CLOCK_TOLERANCE_SECONDS: a token only fails that long after its exp. */
  tokenToleranceSeconds: number;
  examConfig: ExamConfigOverrides;
  flushIntervalMs: number;
  metrics: CohortMetrics;
  fetch: typeof fetch;
  signal: AbortSignal;
}

export interface CandidateOutcome {
  plan: CandidatePlan;
  sessionId: string;
  /** Distinct eventIds the edge answered as accepted or duplicate (durable). */
  delivered: Set<string>;
  accepted: number;
  duplicates: number;
  starts: number;
  tokensMinted: number;
  ended: boolean;
  /** Events still queued when it stopped (only after a stop or an unreachable edge). */
  leftQueued: number;
}

export async function runCandidate(ctx: CandidateContext, plan: CandidatePlan, t0: number): Promise<CandidateOutcome> {
  const { metrics, signal } = ctx;
  const identity: SessionIdentity = {
    tenant_id: plan.tenantId,
    exam_schedule_id: plan.scheduleId,
    user_id: plan.userId,
    attempt_no: 1,
  };
  const sessionId = await deriveSessionId(identity);
  const out: CandidateOutcome = {
    plan,
    sessionId,
    delivered: new Set(),
    accepted: 0,
    duplicates: 0,
    starts: 0,
    tokensMinted: 0,
    ended: false,
    leftQueued: 0,
  };
  await sleep(t0 + plan.joinAt - Date.now(), signal);
  if (signal.aborted) return out;
  const joinedAt = Date.now();
  const lifetime = (ms: number) => Math.max(1, Math.ceil(ms / 1000) - ctx.tokenToleranceSeconds);
  const mint = async (expSeconds: number) => {
    out.tokensMinted++;
    return ctx.mintToken(identity, expSeconds);
  };
  // tokenRefresh: the first token lapses mid-exam, so the edge answers TOKEN_EXPIRED and the API asks for another.
  let token = await mint(plan.tokenExpiresAt === undefined ? 6 * 3600 : lifetime(plan.tokenExpiresAt));
  let offlineUntil = 0;
  const candidateFetch: typeof fetch = (input, init) => {
    if (Date.now() < offlineUntil) return Promise.reject(new TypeError('fetch failed (simulated network drop)'));
    return ctx.fetch(input, init);
  };
  const store: MemoryQueueStore = new Map<string, QueuedEvent>(); // what IndexedDB keeps across a reload
  metrics.live++;

  // One "page load": its own API client, sender and session start; a reload replaces all three, the queue stays.
  let page = 0;
  let sessionStarted = false;
  let everStarted = false;
  let lastContact = 0;
  let heartbeatSeconds = ctx.examConfig.heartbeatIntervalSeconds ?? EXAM_CONFIG_DEFAULTS.heartbeatIntervalSeconds;
  let api!: EdgeApi;
  let sender!: EventSender;

  const instrument = (inner: EdgeApi): EdgeApi => ({
    async post(path, body, schema, init) {
      const sentAt = Date.now();
      const res = await inner.post(path, body, schema, init);
      metrics.response(path, res as ApiResult<unknown>);
      if (res.ok && path === '/events/batch') {
        const value = res.value as EventBatchResponse;
        const rejected = new Set(value.rejected.map((r) => r.eventId));
        out.accepted += value.accepted;
        out.duplicates += value.duplicates;
        for (const e of (body as { events: AnomalyEvent[] }).events) {
          if (rejected.has(e.eventId) || out.delivered.has(e.eventId)) continue;
          out.delivered.add(e.eventId);
          metrics.delivered(e.eventId, sentAt);
        }
      }
      return res;
    },
  });

  const openPage = () => {
    const mine = ++page;
    let first = true;
    api = instrument(
      createEdgeApi({
        baseUrl: ctx.edgeUrl,
        fetch: candidateFetch,
        getToken: async () => {
          if (first) {
            first = false;
            return token;
          }
          token = await mint(6 * 3600); // the host's refresh: a new token, the same four identity claims
          return token;
        },
      }),
    );
    sessionStarted = false;
    sender = createEventSender({
      api,
      queue: createMemoryQueue(store),
      sessionId,
      ready: () => sessionStarted && page === mine,
      onSessionLost: () => {
        if (page === mine && sessionStarted) {
          sessionStarted = false;
          void startSession(mine, 0);
        }
      },
      onState: (state) => {
        if (state === 'online') lastContact = Date.now();
      },
    });
    void startSession(mine, 0);
  };

  const startSession = async (mine: number, attempt: number): Promise<void> => {
    if (signal.aborted || page !== mine) return;
    out.starts++;
    const res = await api.post(
      '/sessions/start',
      { examConfig: ctx.examConfig, client: { version: 'cohort', backend: 'wasm', userAgent: 'proctor-cohort' } },
      SessionStartResponse,
    );
    if (page !== mine) return;
    if (res.ok) {
      if (!everStarted) metrics.sessionsLive++;
      everStarted = true;
      sessionStarted = true;
      heartbeatSeconds = res.value.session.examConfig.heartbeatIntervalSeconds;
      lastContact = Date.now();
      void sender.flush();
      return;
    }
    if (res.error.kind === 'auth' || (res.error.kind === 'fatal' && res.error.code !== 'SESSION_NOT_FOUND')) return;
    await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)), signal);
    return startSession(mine, attempt + 1);
  };

  openPage();
  const pending = [...plan.actions];
  const stopAt = joinedAt + plan.leaveAt;
  let nextFlush = joinedAt + ctx.flushIntervalMs;
  let heartbeatBusy = false;
  while (!signal.aborted && Date.now() < stopAt) {
    const now = Date.now();
    const due: AnomalyEvent[] = [];
    while (pending.length && joinedAt + pending[0]!.at <= now) {
      const action = pending.shift()!;
      if (action.kind === 'offline') offlineUntil = now + action.durationMs;
      else if (action.kind === 'reload') {
        metrics.reloads++;
        openPage();
      } else {
        const p = action.event;
        const duration = Number(p.details.durationMillis ?? 0);
        due.push({
          eventId: p.eventId,
          type: p.type,
          timestamp: now - duration,
          confidence: p.confidence,
          details: p.details,
        } as AnomalyEvent);
      }
    }
    if (due.length) {
      metrics.eventsGenerated += due.length;
      await sender.enqueue(
        due,
        due.some((e) => URGENT.has(e.type)),
      );
    }
    if (offlineUntil && now >= offlineUntil) {
      offlineUntil = 0;
      void sender.flush(); // the browser's 'online' event
    }
    if (now >= nextFlush) {
      nextFlush = now + ctx.flushIntervalMs;
      void sender.flush();
    }
    if (sessionStarted && !heartbeatBusy && heartbeatDue(now, lastContact, heartbeatSeconds)) {
      heartbeatBusy = true;
      void api.post('/sessions/heartbeat', { sessionId }, HeartbeatResponse).then((res) => {
        heartbeatBusy = false;
        if (res.ok) {
          lastContact = Date.now();
          void sender.flush();
        } else if (res.error.code === 'SESSION_NOT_FOUND' && sessionStarted) {
          sessionStarted = false;
          void startSession(page, 0);
        }
      });
    }
    await sleep(1000, signal);
  }

  // The exam is over: deliver what is queued (as the page's stop() does), then end unless this one never ends.
  const drainUntil = Date.now() + 60_000;
  while (!signal.aborted && Date.now() < drainUntil) {
    offlineUntil = 0;
    if (sessionStarted) await sender.flush();
    if (sessionStarted && store.size === 0) break;
    await sleep(500, signal);
  }
  out.leftQueued = store.size;
  if (plan.ends && !signal.aborted && store.size === 0) {
    for (let attempt = 0; attempt < 5 && !out.ended; attempt++) {
      const res = await api.post('/sessions/end', { sessionId, reason: 'submitted' }, ANY_BODY);
      out.ended = res.ok || res.error.code === 'SESSION_ENDED';
      if (!out.ended) await sleep(1000 * 2 ** attempt, signal);
    }
  }
  metrics.live--;
  if (everStarted) metrics.sessionsLive--;
  if (out.ended) metrics.ended++;
  return out;
}
