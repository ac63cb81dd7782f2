// The Upstash shim over a real Redis Cluster (3 masters): a /pipeline over many slots is split per node, a
// /multi-exec must stay in one slot, and the whole-database commands (SCAN, KEYS, DBSIZE, SCRIPT LOAD) visit every
// master.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { smokeClusterPort, startRedisCluster, type TestRedisCluster } from '@proctor/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShim, type Shim } from './server.ts';

const TOKEN = 'cluster-shim-token';
const prefix = `shim-cluster-${randomBytes(4).toString('hex')}`;
const k = (i: number | string) => `${prefix}:${i}`;
let cluster: TestRedisCluster;
let shim: Shim;
let url: string;

async function post(path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the tests assert on many different Upstash response shapes.
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  cluster = await startRedisCluster({ basePort: smokeClusterPort(0) });
  shim = createShim({ redisUrl: cluster.url, token: TOKEN });
  await new Promise<void>((resolve) => shim.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(shim.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await shim?.close();
  await cluster?.stop();
});

describe('the shim on a Redis Cluster', () => {
  it('answers a pipeline over keys on every master, in order', async () => {
    const sets = Array.from({ length: 30 }, (_, i) => ['SET', k(i), `v${i}`]);
    const gets = Array.from({ length: 30 }, (_, i) => ['GET', k(i)]);
    const res = await post('/pipeline', [...sets, ...gets, ['INCR', k(0)]]);
    expect(res.status).toBe(200);
    expect(res.body.slice(30, 60).map((r: { result: string }) => r.result)).toEqual(gets.map((_, i) => `v${i}`));
    expect(res.body[60].error).toMatch(/not an integer/);
  });

  it('runs a transaction in one slot and refuses one across slots with a 400', async () => {
    const tagged = await post('/multi-exec', [
      ['SET', `${prefix}:{t}:a`, '1'],
      ['INCR', `${prefix}:{t}:a`],
    ]);
    expect(tagged).toMatchObject({ status: 200, body: [{ result: 'OK' }, { result: 2 }] });
    const cross = await post('/multi-exec', [
      ['SET', k('x'), '1'],
      ['SET', k('y'), '1'],
    ]);
    expect(cross.status).toBe(400);
    expect(cross.body.error).toMatch(/CROSSSLOT/);
  });

  it('scans, counts and deletes keys across every master', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => k(`scan:${i}`));
    await post(
      '/pipeline',
      keys.map((key) => ['SET', key, '1']),
    );
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const res = await post('/', ['SCAN', cursor, 'MATCH', `${prefix}:scan:*`, 'COUNT', '7']);
      expect(res.status).toBe(200);
      cursor = String(res.body.result[0]);
      for (const key of res.body.result[1]) seen.add(key);
    } while (cursor !== '0');
    expect([...seen].sort()).toEqual([...keys].sort());
    expect((await post('/', ['KEYS', `${prefix}:scan:*`])).body.result).toHaveLength(50);
    expect((await post('/', ['DEL', ...keys])).body.result).toBe(50);
    expect((await post('/', ['EXISTS', ...keys])).body.result).toBe(0);
  });

  it('loads a script on every master, so EVALSHA works whichever node owns the key', async () => {
    const source = `-- ${prefix}\nreturn redis.call('INCR', KEYS[1])`;
    const sha = (await post('/', ['SCRIPT', 'LOAD', source])).body.result;
    const calls = Array.from({ length: 20 }, (_, i) => ['EVALSHA', sha, '1', k(`script:${i}`)]);
    const res = await post('/pipeline', calls);
    expect(res.body.map((r: { result: number }) => r.result)).toEqual(calls.map(() => 1));
  });
});
