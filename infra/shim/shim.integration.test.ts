// The Upstash shim against the real Redis: auth, base64 encoding, errors as 4xx, pipelines and true MULTI/EXEC.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from '../stack/config.ts';
import { createRedis, type RespArg, send } from './redisClient.ts';
import { createShim, type Shim } from './server.ts';

const config = stackConfig();
const token = `test-${randomUUID()}`;
const prefix = `test:shim:${randomUUID()}`;
const k = (name: string) => `${prefix}:${name}`;
let shim: Shim;
let url: string;
let client: ReturnType<typeof createRedis>;
const redis = { send: (args: RespArg[]) => send(client, args) };

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests assert on many different Upstash response shapes.
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

beforeAll(async () => {
  shim = createShim({ redisUrl: config.redis.url, token });
  await new Promise<void>((resolve) => shim.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(shim.server.address() as AddressInfo).port}`;
  client = createRedis(config.redis.url);
});

afterAll(async () => {
  const keys = await redis.send(['KEYS', `${prefix}:*`]);
  if (Array.isArray(keys) && keys.length > 0) await redis.send(['DEL', ...(keys as Buffer[])]);
  client.disconnect();
  await shim.close();
});

describe('security', () => {
  it('refuses a request without a token with 401 {error} and WWW-Authenticate', async () => {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(['SET', k('x'), '1']) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    expect(await redis.send(['EXISTS', k('x')])).toBe(0);
  });

  it('refuses a wrong token on every route', async () => {
    for (const path of ['/', '/pipeline', '/multi-exec']) {
      const body = path === '/' ? ['SET', k('x'), '1'] : [['SET', k('x'), '1']];
      const res = await call(path, body, { authorization: `Bearer ${token}x` });
      expect(res.status, path).toBe(401);
    }
    expect(await redis.send(['EXISTS', k('x')])).toBe(0);
  });

  it('guards the stack shim too (token from UPSTASH_REDIS_REST_TOKEN)', async () => {
    const denied = await fetch(config.shim.url, {
      method: 'POST',
      body: '["PING"]',
      headers: { authorization: 'Bearer nope' },
    });
    expect(denied.status).toBe(401);
    const allowed = await fetch(config.shim.url, {
      method: 'POST',
      body: '["PING"]',
      headers: { authorization: `Bearer ${config.shim.token}` },
    });
    expect(await allowed.json()).toEqual({ result: 'PONG' });
  });
});

describe('single commands and encoding', () => {
  it('base64-encodes results when asked, except OK, and echoes the sync token', async () => {
    const value = 'héllo ✓ \u0000 bytes';
    const set = await call('/', ['SET', k('s'), value], {
      'upstash-encoding': 'base64',
      'upstash-sync-token': 'tok-1',
    });
    expect(set.body).toEqual({ result: 'OK' });
    expect(set.headers.get('upstash-sync-token')).toBe('tok-1');
    const get = await call('/', ['GET', k('s')], { 'upstash-encoding': 'base64' });
    expect(Buffer.from(get.body.result, 'base64').toString('utf8')).toBe(value);
    const plain = await call('/', ['GET', k('s')]);
    expect(plain.body.result).toBe(value);
  });

  it('returns binary values byte for byte', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    await redis.send(['SET', k('bin'), bytes]);
    const get = await call('/', ['GET', k('bin')], { 'upstash-encoding': 'base64' });
    expect(Buffer.from(get.body.result, 'base64')).toEqual(bytes);
  });

  it('answers a Redis error as 400 {error}', async () => {
    await call('/', ['SET', k('str'), 'abc']);
    const res = await call('/', ['INCR', k('str')]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/not an integer/);
    const unknown = await call('/', ['NOPE']);
    expect(unknown.status).toBe(400);
    const refused = await call('/', ['SUBSCRIBE', 'c']);
    expect(refused.status).toBe(400);
    const malformed = await call('/', { cmd: 'GET' });
    expect(malformed.status).toBe(400);
  });
});

describe('hashes', () => {
  it('answers HGETALL as the flat [field, value, …] array Upstash sends, alone and in a pipeline', async () => {
    await call('/', ['HSET', k('h'), 'evt-1', 'd', 'EVT-1', 'p']);
    const one = await call('/', ['HGETALL', k('h')]);
    expect(one.body).toEqual({ result: ['evt-1', 'd', 'EVT-1', 'p'] });
    const piped = await call('/pipeline', [
      ['HGETALL', k('h')],
      ['hgetall', k('h')],
    ]);
    expect(piped.body).toEqual([{ result: ['evt-1', 'd', 'EVT-1', 'p'] }, { result: ['evt-1', 'd', 'EVT-1', 'p'] }]);
  });
});

describe('pipeline', () => {
  it('returns one {result}|{error} per command, not atomically', async () => {
    const res = await call('/pipeline', [
      ['SET', k('p'), '5'],
      ['INCR', k('p')],
      ['LPUSH', k('p'), 'x'],
      ['GET', k('p')],
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { result: 'OK' },
      { result: 6 },
      { error: expect.stringMatching(/WRONGTYPE/) },
      { result: '6' },
    ]);
  });
});

describe('multi-exec', () => {
  it('applies nothing when one command is rejected while queueing', async () => {
    const res = await call('/multi-exec', [['SET', k('tx-a'), '1'], ['NOPE'], ['SET', k('tx-b'), '1']]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/unknown command/i);
    expect(await redis.send(['EXISTS', k('tx-a'), k('tx-b')])).toBe(0);
  });

  it('is isolated: a reader on another connection never sees half a transaction', async () => {
    await redis.send(['MSET', k('a'), '0', k('b'), '0']);
    // Each transaction is larger than Redis's 16 KB read buffer, so without MULTI/EXEC Redis would serve the
    // reader between its commands and the reader would catch a != b.
    const padding = 'x'.repeat(1024);
    const tx = [
      ['INCR', k('a')],
      ...Array.from({ length: 40 }, (_, i) => ['SET', k(`pad${i}`), padding]),
      ['INCR', k('b')],
    ];
    const readerClient = createRedis(config.redis.url);
    const reader = { send: (args: RespArg[]) => send(readerClient, args) };
    let writing = true;
    const torn: string[] = [];
    let reads = 0;
    const readLoop = (async () => {
      while (writing) {
        const [a, b] = ((await reader.send(['MGET', k('a'), k('b')])) as Buffer[]).map(String);
        reads++;
        if (a !== b) torn.push(`${a}/${b}`);
      }
    })();
    const results = await Promise.all(Array.from({ length: 30 }, () => call('/multi-exec', tx)));
    writing = false;
    await readLoop;
    readerClient.disconnect();
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toHaveLength(tx.length);
      expect(r.body[tx.length - 1].result).toBe(r.body[0].result);
    }
    expect(reads).toBeGreaterThan(0);
    expect(torn).toEqual([]);
    const final = (await redis.send(['MGET', k('a'), k('b')])) as Buffer[];
    expect(final.map(String)).toEqual(['30', '30']);
  });

  it('reports a runtime error of one command inside an applied transaction per entry', async () => {
    await redis.send(['SET', k('rt'), 'text']);
    const res = await call(
      '/multi-exec',
      [
        ['INCR', k('rt')],
        ['SET', k('rt2'), 'v'],
      ],
      { 'upstash-encoding': 'base64' },
    );
    expect(res.status).toBe(200);
    expect(res.body[0].error).toMatch(/not an integer/);
    expect(res.body[1]).toEqual({ result: 'OK' });
  });
});

describe('health', () => {
  it('answers /healthz without auth when Redis is reachable', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
  });
});
