// GET /api/schedules/:scheduleId/stream: Server-Sent Events from the shared per-schedule live feed.
// The stream ends when the client goes away (request.signal), when the proctor's token expires, or when the
// session it was opened with ends (logout). Each proctor may hold MAX_STREAMS_PER_PROCTOR streams at once.
// Every event carries the live feed's sequence number as its id: a reconnect (EventSource sends Last-Event-ID)
// resumes from it and is sent the alerts it missed.
import { LiveSeq } from '@proctor/contracts';
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { type RouteContracts, ScheduleParams } from '../../../../server/api/contract.ts';
import { parseFilter } from '../../../../server/api/params.ts';
import { SessionFilter } from '../../../../server/api/schemas.ts';
import { SESSION_MAX_MS } from '../../../../server/auth/loginSessions.ts';
import { env } from '../../../../server/env.ts';
import { apiError } from '../../../../server/http/respond.ts';
import { sseFrame } from '../../../../server/live/sseFrame.ts';
import { scheduleExists } from '../../../../server/queries/sessions.ts';

export const contracts = {
  stream: {
    method: 'get',
    path: '/api/schedules/{scheduleId}/stream',
    summary:
      'Server-Sent Events: `sessions` (the ranked list, whenever it changes) and `alert` (each new or changed alert)',
    params: ScheduleParams,
    query: SessionFilter,
    response: z.string().describe('text/event-stream'),
    mediaType: 'text/event-stream',
  },
} as const satisfies RouteContracts;

/** Comment lines keep idle proxies from closing the connection. */
const KEEP_ALIVE_MS = 15_000;

export const GET: APIRoute = async ({ locals, params, url, request }) => {
  const { principal, services, requestId } = locals;
  const filter = parseFilter(url);
  if (!filter.ok) return apiError('VALIDATION_FAILED', filter.message, requestId);
  const lastEventId = request.headers.get('last-event-id') || undefined;
  if (lastEventId !== undefined && !LiveSeq.safeParse(lastEventId).success) {
    return apiError('VALIDATION_FAILED', 'Last-Event-ID must be an id this stream sent (<ms>-<n>)', requestId);
  }
  const scheduleId = params.scheduleId ?? '';
  if (!(await scheduleExists(services.db, principal.tenantId, scheduleId))) {
    return apiError('NOT_FOUND', 'no such exam schedule in your tenant', requestId);
  }

  // A lease per stream, renewed with every other stream of this process: a crashed server's streams free their places
  // when their leases lapse.
  const opened = await services.streamLeases.open(principal);
  if (opened.status === 'full') {
    const { MAX_STREAMS_PER_PROCTOR: cap, SESSION_CHECK_MS: checkMs } = env();
    return apiError(
      'RATE_LIMITED',
      `at most ${cap} live streams per proctor are open at once: close another dashboard tab`,
      requestId,
      { headers: { 'retry-after': String(Math.ceil((checkMs * 3) / 1000)) } },
    );
  }
  if (opened.status === 'ended') return apiError('TOKEN_INVALID', 'the session has ended; sign in again', requestId);
  const { lease } = opened;

  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  const cleanup = () => {
    for (const fn of cleanups.splice(0)) fn();
  };
  const stream = new ReadableStream<Uint8Array>({
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
        services.live.subscribe(
          principal.tenantId,
          scheduleId,
          filter.value,
          (event) => write(sseFrame(event)),
          lastEventId,
        ),
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
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  });
};
