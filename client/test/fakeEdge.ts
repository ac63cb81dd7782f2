// A stand-in for the edge API that records every request, for tests that must not depend on the real edge:
// it can go down (connections refused) and come back on the same port. Plain HTTP/1.1 by default; given a
// certificate it serves HTTP/2 over TLS only (as Cloudflare does to browsers) and counts the bytes read on the
// TCP sockets under TLS, i.e. what the candidate's uplink really carries.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createSecureServer, type Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';
import {
  AnomalyEvent,
  type BrowserSignalsPolicy,
  EXAM_CONFIG_DEFAULTS,
  POLICY_DEFAULTS,
  type ThumbnailsPolicy,
} from '@proctor/contracts';

interface RecordedRequest {
  method: string;
  path: string;
  headerBytes: number;
  bodyBytes: number;
  body: unknown;
  /** The body exactly as received. */
  raw: Buffer;
  contentType: string;
}

export interface FakeEdge {
  url: string;
  requests: RecordedRequest[];
  /** Every event received in a batch, in arrival order, including repeats. */
  received: AnomalyEvent[];
  /** Every POST /thumbnails, with its raw bytes. */
  thumbnails: { eventId: string; type: string; contentType: string; bytes: Buffer }[];
  /** Bytes read so far on every TCP connection (TLS records, handshakes and HTTP/2 frames included). */
  wireBytesIn(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-max-age': '7200',
};

export interface FakeEdgeOptions {
  port?: number;
  /** PEM key and certificate: serve HTTP/2 over TLS (no HTTP/1.1 fallback) on https://127.0.0.1. */
  tls?: { key: string; cert: string };
  /** The session's thumbnails opt-in, answered in the start response's resolved config; absent: none (off). */
  thumbnails?: ThumbnailsPolicy;
  /** The session's browser-signals opt-in, answered the same way; absent: the default (off). */
  browserSignals?: BrowserSignalsPolicy;
}

export async function startFakeEdge(options: FakeEdgeOptions | number = {}): Promise<FakeEdge> {
  const {
    port = 0,
    tls,
    thumbnails: optIn,
    browserSignals,
  } = typeof options === 'number' ? { port: options } : options;
  const requests: RecordedRequest[] = [];
  const thumbnails: FakeEdge['thumbnails'] = [];
  const received: AnomalyEvent[] = [];
  const seen = new Set<string>();
  const sockets = new Set<Socket>();
  let closedSocketBytes = 0;

  // The part of the HTTP/1.1 and HTTP/2 compatibility responses this handler uses.
  type Res = { writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown };
  const handler = async (req: IncomingMessage | Http2ServerRequest, res: Res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = String(req.headers['content-type'] ?? '');
    const isJson = contentType.startsWith('application/json');
    const body = raw.length && isJson ? JSON.parse(raw.toString()) : raw.length ? raw : undefined;
    const headerBytes =
      req.rawHeaders.reduce((s, h) => s + Buffer.byteLength(h) + 2, 0) +
      Buffer.byteLength(`${req.method} ${req.url} HTTP/1.1\r\n\r\n`);
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headerBytes,
      bodyBytes: raw.length,
      body,
      raw,
      contentType,
    });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { ...CORS, 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end('');
      return;
    }
    const sessionId = (isJson && (body as { sessionId?: string })?.sessionId) || 'f'.repeat(64);
    if (req.url?.startsWith('/thumbnails?')) {
      const q = new URL(req.url, 'http://fake').searchParams;
      thumbnails.push({ eventId: q.get('eventId') ?? '', type: q.get('type') ?? '', contentType, bytes: raw });
      return json(201, {
        sessionId: q.get('sessionId'),
        eventId: q.get('eventId'),
        tenantId: 't1',
        bytes: raw.length,
        width: 96,
        height: 72,
        contentType,
        storedAt: Date.now(),
      });
    }
    if (req.url === '/sessions/start') {
      const now = Date.now();
      return json(200, {
        resumed: false,
        session: {
          sessionId,
          tenantId: 't1',
          examScheduleId: 's1',
          userId: 'u1',
          attemptNo: 1,
          status: 'active',
          examConfig: { ...EXAM_CONFIG_DEFAULTS },
          startedAt: now,
          lastHeartbeatAt: now,
        },
        config: {
          examConfig: { ...EXAM_CONFIG_DEFAULTS },
          thumbnails: optIn ?? POLICY_DEFAULTS.thumbnails,
          browserSignals: browserSignals ?? POLICY_DEFAULTS.browserSignals,
          policyVersions: {},
          tightenedByBody: [],
        },
      });
    }
    if (req.url === '/sessions/heartbeat') return json(200, { sessionId, serverTime: Date.now(), nextInSeconds: 15 });
    if (req.url === '/sessions/end') return json(200, { sessionId });
    if (req.url === '/events/batch') {
      const events = (body as { events: unknown[] }).events;
      let accepted = 0;
      let duplicates = 0;
      const rejected: unknown[] = [];
      events.forEach((e, index) => {
        const parsed = AnomalyEvent.safeParse(e);
        if (!parsed.success) {
          rejected.push({ index, code: 'INVALID_EVENT', message: parsed.error.message });
          return;
        }
        received.push(parsed.data);
        if (seen.has(parsed.data.eventId)) duplicates++;
        else {
          seen.add(parsed.data.eventId);
          accepted++;
        }
      });
      return json(200, { accepted, duplicates, rejected });
    }
    json(404, { error: { code: 'NOT_FOUND', message: 'no route', requestId: 'fake' } });
  };

  let server: Server | ReturnType<typeof createSecureServer> | undefined;
  let boundPort = port;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = tls
        ? createSecureServer({ ...tls, allowHTTP1: false }, (req, res) => void handler(req, res))
        : createServer((req, res) => void handler(req, res));
      // 'connection' carries the raw TCP socket (for TLS, before the handshake), so bytesRead is wire bytes.
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => {
          closedSocketBytes += s.bytesRead;
          sockets.delete(s);
        });
      });
      server.listen(boundPort, '127.0.0.1', () => {
        boundPort = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server = undefined;
    });
  await listen();
  const wireBytesIn = () => closedSocketBytes + [...sockets].reduce((sum, s) => sum + s.bytesRead, 0);
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${boundPort}`;
  return { url, requests, received, thumbnails, wireBytesIn, down, up: listen, close: down };
}

/** An unsigned JWT carrying exam claims: the fake edge does not verify, and the client only reads them. */
export function fakeExamToken(claims: {
  tenant_id: string;
  exam_schedule_id: string;
  user_id: string;
  attempt_no: number;
}): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;
}
