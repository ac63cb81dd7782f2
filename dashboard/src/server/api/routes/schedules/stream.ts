// GET /api/schedules/:scheduleId/stream: Server-Sent Events from the shared per-schedule live feed.
// The stream ends when the client goes away (request.signal), when the proctor's token expires, or when the
// session it was opened with ends (logout). Each proctor may hold MAX_STREAMS_PER_PROCTOR streams at once.
// Every event carries the live feed's sequence number as its id: a reconnect (EventSource sends Last-Event-ID)
// resumes from it and is sent the alerts it missed.
import { ApiError, LiveSeq } from '@proctor/contracts';
import { z } from 'zod';
import { SESSION_MAX_MS } from '../../../auth/loginSessions.ts';
import { env } from '../../../env.ts';
import { sseFrame } from '../../../live/sseFrame.ts';
import { scheduleExists } from '../../../queries/sessions.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { ScheduleParams, SessionFilter } from '../../schemas.ts';

/** Comment lines keep idle proxies from closing the connection. */
const KEEP_ALIVE_MS = 15_000;

const route = apiRoute({
  method: 'get',
  path: '/api/schedules/{scheduleId}/stream',
  operationId: 'stream',
  summary:
    'Server-Sent Events: `sessions` (the ranked list, whenever it changes) and `alert` (each new or changed alert)',
  role: 'proctor',
  errors: ['NOT_FOUND', 'RATE_LIMITED'],
  request: {
    params: ScheduleParams,
    query: SessionFilter,
    headers: z.object({
      'last-event-id': LiveSeq.optional().describe('The id of the last event this stream received (a reconnect)'),
    }),
  },
  responses: {
    200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
  },
});

export const stream = dashboardRoute(route, async (c) => {
  const { principal, services } = c.var;
  const { scheduleId } = c.req.valid('param');
  const filter = c.req.valid('query');
  const lastEventId = c.req.valid('header')['last-event-id'];
  const request = c.req.raw;
  if (!(await scheduleExists(services.db, principal.tenantId, scheduleId))) {
    throw new ApiError('NOT_FOUND', 'no such exam schedule in your tenant');
  }

  // A lease per stream, renewed with every other stream of this process: a crashed server's streams free their places
  // when their leases lapse.
  const opened = await services.streamLeases.open(principal);
  if (opened.status === 'full') {
    const { MAX_STREAMS_PER_PROCTOR: cap, SESSION_CHECK_MS: checkMs } = env();
    throw new ApiError(
      'RATE_LIMITED',
      `at most ${cap} live streams per proctor are open at once: close another dashboard tab`,
      { headers: { 'retry-after': String(Math.ceil((checkMs * 3) / 1000)) } },
    );
  }
  if (opened.status === 'ended') throw new ApiError('TOKEN_INVALID', 'the session has ended; sign in again');
  const { lease } = opened;

  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  const cleanup = () => {
    for (const fn of cleanups.splice(0)) fn();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (chunk: string | Uint8Array) => {
        try {
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        } catch {
          cleanup();
        }
      };
      const end = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      write('retry: 2000\n\n');
      cleanups.push(
        services.live.subscribe(principal.tenantId, scheduleId, filter, (event) => write(sseFrame(event)), lastEventId),
      );
      const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      // Logout deletes the session: the next renewal ends the stream.
      lease.onEnded(end);
      // A stream never outlives its session or token. Capped at a session's longest life: a bearer token's `exp` can
      // be weeks away, and a timer past 2^31-1 ms (24.8 days) fires at once.
      const expiry = setTimeout(end, Math.min(SESSION_MAX_MS, Math.max(0, principal.exp * 1000 - Date.now())));
      cleanups.push(
        () => clearInterval(keepAlive),
        () => clearTimeout(expiry),
        () => void lease.release().catch(() => undefined),
      );
      request.signal.addEventListener('abort', end, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
});
