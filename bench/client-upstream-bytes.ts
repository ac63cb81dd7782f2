/// <reference lib="dom" />
// Upstream bytes per candidate-hour, headers included, as real Chromium sends them: the library's own sender
// and edge client, with each fetch made by a page in headless Chromium (cross-origin, so CORS preflights count)
// to a recording server. One simulated hour with a realistic event mix. Goal: ≤ 200 KB.
import { randomUUID } from 'node:crypto';
import type { AnomalyEvent } from '@proctor/contracts';
import { HeartbeatResponse } from '@proctor/contracts';
import { createEdgeApi } from '../client/src/transport/edgeApi.ts';
import { createMemoryQueue } from '../client/src/transport/eventQueue.ts';
import { createEventSender } from '../client/src/transport/eventSender.ts';
import { heartbeatDue } from '../client/src/transport/heartbeat.ts';
import { launchChromium } from '../client/test/chromium.ts';
import { startFakeEdge } from '../client/test/fakeEdge.ts';
import { buildHarness, serveHarness } from '../client/test/harness.ts';
import { mintDevToken } from '../edge/testing/devKeys.ts';

const HOUR_S = 3600;
const HEARTBEAT_S = 15;
const FLUSH_S = 5;
/** Per candidate-hour: a fidgety but honest candidate. */
const MIX = { LOOK_AWAY: 30, NO_FACE: 6, MULTI_PERSON: 2, CAMERA_BLOCKED: 2 } as const;

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const t0 = Date.now() - HOUR_S * 1000;
function makeEvent(type: keyof typeof MIX, at: number): AnomalyEvent {
  const base = {
    eventId: randomUUID(),
    timestamp: t0 + at * 1000,
    confidence: Math.round((0.6 + random() * 0.4) * 100) / 100,
  };
  const ms = Math.round(1000 + random() * 8000);
  if (type === 'LOOK_AWAY')
    return { ...base, type, details: { durationMillis: ms, direction: 'LEFT', yawDegrees: 34.5, pitchDegrees: -3.2 } };
  if (type === 'NO_FACE') return { ...base, type, details: { durationMillis: ms } };
  if (type === 'MULTI_PERSON') return { ...base, type, details: { faceCount: 2, durationMillis: 1500 } };
  return { ...base, type, details: { durationMillis: ms, meanLuma: 8.4 } };
}
const schedule = Object.entries(MIX)
  .flatMap(([type, n]) =>
    Array.from({ length: n }, () => ({ type: type as keyof typeof MIX, at: Math.floor(random() * HOUR_S) })),
  )
  .sort((a, b) => a.at - b.at);

const edge = await startFakeEdge();
const harness = await serveHarness(await buildHarness(), false);
const chromium = await launchChromium();
try {
  const page = await chromium.context.newPage();
  await page.goto(harness.url); // the page's origin differs from the edge's, as in production
  const browserFetch: typeof fetch = async (url, init) => {
    const r = await page.evaluate(
      async ([u, i]) => {
        const res = await fetch(u, i as RequestInit);
        return { status: res.status, headers: [...res.headers.entries()], body: await res.text() };
      },
      [
        String(url),
        {
          method: init?.method,
          headers: init?.headers,
          body: init?.body,
          credentials: init?.credentials,
          referrerPolicy: init?.referrerPolicy,
        },
      ] as const,
    );
    return new Response(r.body, { status: r.status, headers: r.headers });
  };
  const token = await mintDevToken({
    tenant_id: 'tenant-0001',
    exam_schedule_id: 'schedule-2026-01',
    user_id: 'candidate-000123',
    attempt_no: 1,
  });
  const sessionId = 'a'.repeat(64);
  let clock = t0;
  let lastContact = t0;
  const api = createEdgeApi({ baseUrl: edge.url, getToken: () => token, fetch: browserFetch, now: () => clock });
  const sender = createEventSender({
    api,
    queue: createMemoryQueue(),
    sessionId,
    now: () => clock,
    onState: (s) => {
      if (s === 'online') lastContact = clock;
    },
  });

  await api.post(
    '/sessions/start',
    {
      examConfig: {},
      client: {
        version: '0.1.0',
        backend: 'wasm',
        userAgent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
      },
    },
    { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
  );
  for (let s = 0; s < HOUR_S; s++) {
    clock = t0 + s * 1000;
    const due = schedule.filter((e) => e.at === s).map((e) => makeEvent(e.type, e.at));
    if (due.length)
      await sender.enqueue(
        due,
        due.some((e) => e.type === 'MULTI_PERSON' || e.type === 'CAMERA_BLOCKED'),
      );
    if (s % FLUSH_S === 0) await sender.flush();
    if (heartbeatDue(clock, lastContact, HEARTBEAT_S)) {
      const r = await api.post('/sessions/heartbeat', { sessionId }, HeartbeatResponse);
      if (r.ok) lastContact = clock;
    }
  }
  await api.post(
    '/sessions/end',
    { sessionId, reason: 'submitted' },
    { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
  );

  const by = (pred: (p: string, m: string) => boolean) => edge.requests.filter((r) => pred(r.path, r.method));
  const bytes = (rs: typeof edge.requests) => rs.reduce((s, r) => s + r.headerBytes + r.bodyBytes, 0);
  const total = bytes(edge.requests);
  const heartbeats = by((p, m) => p === '/sessions/heartbeat' && m === 'POST');
  const batches = by((p, m) => p === '/events/batch' && m === 'POST');
  const preflights = by((_, m) => m === 'OPTIONS');
  console.log(
    `events: ${edge.received.length} (${Object.entries(MIX)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), JWT ${token.length} bytes`,
  );
  console.log(
    `requests: ${edge.requests.length} = ${heartbeats.length} heartbeats + ${batches.length} batches + ${preflights.length} CORS preflights + start/end`,
  );
  console.log(
    `heartbeats ${(bytes(heartbeats) / 1024).toFixed(1)} KB, batches ${(bytes(batches) / 1024).toFixed(1)} KB, preflights ${(bytes(preflights) / 1024).toFixed(1)} KB`,
  );
  console.log(
    `mean request: ${Math.round(total / edge.requests.length)} bytes (headers ${Math.round(edge.requests.reduce((s, r) => s + r.headerBytes, 0) / edge.requests.length)})`,
  );
  console.log(
    `upstream per candidate-hour (HTTP/1.1, headers included): ${(total / 1024).toFixed(1)} KB; goal 200 KB; ratio ${(total / 1024 / 200).toFixed(2)}`,
  );
} finally {
  await chromium.close();
  await harness.close();
  await edge.close();
}
