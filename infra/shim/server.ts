// Upstash REST protocol over a real Redis or Redis Cluster: POST / (one command), /pipeline, /multi-exec (true
// MULTI/EXEC, one slot on a cluster), GET /healthz.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isCluster } from '@proctor/contracts/redis';
import { checkCommand, checkCommandList } from './commands.ts';
import { toResultEntry } from './encoding.ts';
import { asReply, createRedis, RedisReplyError, type RespValue, send } from './redisClient.ts';

export interface ShimOptions {
  /** REDIS_URL: `redis://host:port`, or `redis+cluster://host:port,…` for a Redis Cluster. */
  redisUrl: string;
  token: string;
  /** Largest accepted request body; Upstash's own limit is far higher, but a local shim needs a guard. */
  maxBodyBytes?: number;
}

export interface Shim {
  server: Server;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

/** A client error (bad body, refused command): 400 with Upstash's `{error}` envelope. */
const badRequest = (error: string): Reply => ({ status: 400, body: { error } });

const isReplyLike = (e: unknown) => e instanceof Error && e.name === 'ReplyError';

export function createShim(options: ShimOptions): Shim {
  if (!options.token) throw new Error('createShim: token must be a non-empty string');
  const redis = createRedis(options.redisUrl);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const expected = Buffer.from(`Bearer ${options.token}`);

  function authorized(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://shim');
    const header =
      req.headers.authorization ?? (url.searchParams.has('_token') ? `Bearer ${url.searchParams.get('_token')}` : '');
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function single(raw: unknown, base64: boolean): Promise<Reply> {
    const cmd = checkCommand(raw);
    if (!cmd.ok) return badRequest(cmd.error);
    let reply: RespValue;
    if (cmd.blocking) {
      // A blocking call would stall every other request on the shared connection: it gets its own.
      const conn = isCluster(redis) ? redis.duplicate() : redis.duplicate();
      try {
        reply = await send(conn, cmd.args);
      } finally {
        conn.disconnect();
      }
    } else {
      reply = await send(redis, cmd.args);
    }
    const entry = toResultEntry(reply, base64);
    return { status: 'error' in entry ? 400 : 200, body: entry };
  }

  async function pipeline(raw: unknown, base64: boolean): Promise<Reply> {
    const list = checkCommandList(raw);
    if (!list.ok) return badRequest(list.error);
    const checked = list.commands.map(checkCommand);
    if (isCluster(redis)) {
      // One ioredis pipeline may touch one node only: each command goes to its own slot's master, all sent at once
      // (one round trip per node). Not atomic, as Upstash documents for /pipeline.
      const replies = await Promise.all(
        checked.map((c) => (c.ok ? send(redis, c.args) : Promise.resolve(new RedisReplyError(c.error)))),
      );
      return { status: 200, body: replies.map((r) => toResultEntry(r, base64)) };
    }
    const p = redis.pipeline();
    for (const c of checked) if (c.ok) p.callBuffer(String(c.args[0]), ...c.args.slice(1));
    // One round trip, answered in order. Not atomic, as Upstash documents.
    const results = (await p.exec()) ?? [];
    let i = 0;
    const replies = checked.map((c): RespValue => {
      if (!c.ok) return new RedisReplyError(c.error);
      const [err, value] = results[i++]!;
      return err ? asReply(err) : (value as RespValue);
    });
    return { status: 200, body: replies.map((r) => toResultEntry(r, base64)) };
  }

  async function multiExec(raw: unknown, base64: boolean): Promise<Reply> {
    const list = checkCommandList(raw);
    if (!list.ok) return badRequest(list.error);
    const checked = list.commands.map(checkCommand);
    const refused = checked.find((c) => !c.ok);
    if (refused && !refused.ok) return badRequest(refused.error);
    // ioredis writes MULTI, the commands and EXEC as one block: no other request's command can land inside. On a
    // cluster every key must share one slot (CROSSSLOT otherwise, a 400 like any refused transaction).
    const m = redis.multi();
    for (const c of checked) if (c.ok) m.callBuffer(String(c.args[0]), ...c.args.slice(1));
    let results: [Error | null, unknown][];
    try {
      results = (await m.exec()) ?? [];
    } catch (err) {
      // EXECABORT: a command was rejected while queueing, so nothing ran. Report the first real cause.
      const cause = (err as { previousErrors?: Error[] }).previousErrors?.find(isReplyLike);
      return badRequest(asReply(cause ?? err).message);
    }
    return {
      status: 200,
      body: results.map(([err, value]) => toResultEntry(err ? asReply(err) : (value as RespValue), base64)),
    };
  }

  async function route(req: IncomingMessage, body: unknown): Promise<Reply> {
    const path = new URL(req.url ?? '/', 'http://shim').pathname.replace(/\/+$/, '') || '/';
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    if (path === '/') return single(body, base64);
    if (path === '/pipeline') return pipeline(body, base64);
    if (path === '/multi-exec') return multiExec(body, base64);
    return { status: 404, body: { error: `ERR unknown route ${path}` } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (reply: Reply) => {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        // Read-your-writes is trivially true against one local Redis; echo what the client holds.
        'upstash-sync-token': String(req.headers['upstash-sync-token'] || '0'),
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const path = new URL(req.url ?? '/', 'http://shim').pathname;
    if (req.method === 'GET' && path === '/healthz') {
      try {
        await redis.ping();
        return send({ status: 200, body: { status: 'ok' } });
      } catch (err) {
        return send({ status: 503, body: { status: 'redis_unavailable', error: String(err) } });
      }
    }
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer realm="upstash-shim"');
      return send({ status: 401, body: { error: 'Unauthorized' } });
    }
    if (req.method !== 'POST') return send({ status: 405, body: { error: 'ERR only POST is supported' } });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBody) return send(badRequest(`ERR request body larger than ${maxBody} bytes`));
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(badRequest('ERR body must be JSON'));
    }
    try {
      send(await route(req, body));
    } catch (err) {
      send({
        status: 503,
        body: { error: `ERR redis unavailable: ${err instanceof Error ? err.message : String(err)}` },
      });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `ERR ${String(err)}` }));
    });
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    close: () =>
      new Promise((resolve) => {
        redis.disconnect();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
