// An HTTP proxy in front of one upstream (the Kafka bridge or the Upstash shim) that a test can break on purpose,
// so failure paths run against the shared stack without stopping anything other engineers use. Node only.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * pass: forward unchanged. refuse: drop the connection (like a dead upstream). error: answer 500.
 * partial: forward, then rewrite a v2 produce answer so that its last record carries an error_code (a partial
 * failure). In partial mode the records really are written: the edge must still treat the batch as failed.
 */
type ProxyMode = 'pass' | 'refuse' | 'error' | 'partial';

export interface FaultyProxy {
  url: string;
  mode: ProxyMode;
  /** Requests seen, by path. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFaultyProxy(upstream: string): Promise<FaultyProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const state: FaultyProxy = { url: '', mode: 'pass', requests: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    if (state.mode === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (state.mode === 'error') {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error_code":500,"message":"injected"}');
      return;
    }
    const mode = state.mode;
    const up = request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          let body = Buffer.concat(chunks);
          if (mode === 'partial' && upRes.statusCode === 200) {
            const parsed = JSON.parse(body.toString()) as { offsets: Record<string, unknown>[] };
            parsed.offsets[parsed.offsets.length - 1] = {
              partition: null,
              offset: null,
              error_code: 50002,
              error: 'injected',
            };
            body = Buffer.from(JSON.stringify(parsed));
          }
          const headers = { ...upRes.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(upRes.statusCode ?? 502, headers).end(body);
        });
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
