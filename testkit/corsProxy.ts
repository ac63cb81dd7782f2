// Puts CORS in front of an upstream for browser tests: the exam page (one origin) calling the edge (another)
// needs a preflight answer, and the edge Worker does not send CORS headers yet. Bodies and statuses pass through.
import { createServer } from 'node:http';

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-expose-headers': 'retry-after',
  'access-control-max-age': '7200',
};

export async function startCorsProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const reply = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const headers: Record<string, string> = {
        ...CORS,
        'content-type': reply.headers.get('content-type') ?? 'application/json',
      };
      const retryAfter = reply.headers.get('retry-after');
      if (retryAfter) headers['retry-after'] = retryAfter;
      res.writeHead(reply.status, headers).end(Buffer.from(await reply.arrayBuffer()));
    } catch {
      res.writeHead(502, CORS).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
