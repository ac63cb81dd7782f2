// @upstash/redis running inside workerd (Miniflare) talks to the stack's shim; the test checks Redis directly.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfig } from '../stack/config.ts';
import { createRedis, type RespArg, send } from './redisClient.ts';

const config = stackConfig();
const prefix = `test:workerd:${randomUUID()}`;
let mf: Miniflare;
let client: ReturnType<typeof createRedis>;
const redis = { send: (args: RespArg[]) => send(client, args) };

const str = async (args: string[]) => {
  const reply = await redis.send(args);
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : reply;
};

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'fixtures', 'upstashWorker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  // Miniflare 5 takes a new options shape; the v4 shape (script + bindings) is converted by its own helper.
  mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: bundle.outputFiles[0]?.text ?? '',
      compatibilityDate: '2026-11-01',
      bindings: { UPSTASH_REDIS_REST_URL: config.shim.url, UPSTASH_REDIS_REST_TOKEN: config.shim.token },
      // No cf.json download: this box has no internet.
      cf: false,
      port: 0,
    }),
  );
  await mf.ready;
  client = createRedis(config.redis.url);
});

afterAll(async () => {
  if (redis) {
    const keys = await redis.send(['KEYS', `${prefix}:*`]);
    if (Array.isArray(keys) && keys.length > 0) await redis.send(['DEL', ...(keys as Buffer[])]);
    client.disconnect();
  }
  await mf?.dispose();
});

describe('@upstash/redis in workerd through the shim', () => {
  it('does SET NX EX, a pipeline and a multi-exec, and Redis holds the values', async () => {
    const res = await mf.dispatchFetch(`http://worker.local/?prefix=${encodeURIComponent(prefix)}`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const seen = JSON.parse(text);

    expect(seen.firstNx).toBe('OK');
    expect(seen.secondNx).toBeNull();
    expect(seen.nxValue).toBe('first ✓ é');
    expect(seen.pipeline).toEqual(['OK', 1, 2, { tenant: 't1', score: 42 }, { a: 1, b: 'two' }]);
    expect(seen.multi).toEqual([1, 11, 3, ['x', 'OK', 'y']]);
    expect(seen.wrongType).toMatch(/WRONGTYPE|not an integer/);

    // What the client saw must be what Redis holds: read it back over RESP, bypassing the shim.
    expect(await str(['GET', `${prefix}:nx`])).toBe('first ✓ é');
    const ttl = await redis.send(['TTL', `${prefix}:nx`]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(JSON.parse(String(await str(['GET', `${prefix}:json`])))).toEqual({ tenant: 't1', score: 42 });
    expect(await str(['GET', `${prefix}:counter`])).toBe('1');
    expect(await str(['HGET', `${prefix}:hash`, 'b'])).toBe('two');
    expect(await str(['GET', `${prefix}:tx`])).toBe('11');
    const list = await redis.send(['LRANGE', `${prefix}:list`, '0', '-1']);
    expect((list as Buffer[]).map(String)).toEqual(['x', 'OK', 'y']);
  });
});
