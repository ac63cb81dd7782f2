// Scripts against the stack's Upstash shim: EVAL until the digest is known, then EVALSHA, and EVAL again on NOSCRIPT.
import { createHash, randomUUID } from 'node:crypto';
import { stackConfig } from '@proctor/infra/stack/config';
import { Redis } from '@upstash/redis/cloudflare';
import { describe, expect, it } from 'vitest';
import { evalScript, sha1Hex, upstashScript } from './upstashScript.ts';

/** The stack's Redis as the edge builds it (auto-pipelined), recording which script command each call used. */
function recordingRedis() {
  const { shim } = stackConfig();
  const redis = new Redis({
    url: shim.url,
    token: shim.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    enableAutoPipelining: true,
  });
  const calls: string[] = [];
  const spy = new Proxy(redis, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'eval' && prop !== 'evalsha') return value;
      return (...args: unknown[]) => {
        calls.push(prop);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { redis: spy, calls };
}

/** A script no other test has loaded: its text (and so its SHA-1) is unique. */
const uniqueScript = (body: string) => upstashScript(`-- ${randomUUID()}\n${body}`);

describe('evalScript', () => {
  it('uses EVAL until the digest is known, then EVALSHA with the same result', async () => {
    const { redis, calls } = recordingRedis();
    const script = uniqueScript('return ARGV[1] .. KEYS[1]');
    expect(await evalScript(redis, script, ['k'], ['v'])).toBe('vk');
    await script.digesting;
    expect(script.sha).toBe(createHash('sha1').update(script.text).digest('hex'));
    // `k{k}` shares the slot of `k`: on a Redis Cluster each node has its own script cache.
    expect(await evalScript(redis, script, ['k{k}'], ['w'])).toBe('wk{k}');
    expect(calls).toEqual(['eval', 'evalsha']);
  });

  it('falls back to EVAL when Redis does not know the script (NOSCRIPT), and runs it once', async () => {
    const { redis, calls } = recordingRedis();
    const key = `lua-test-${randomUUID()}`;
    const script = uniqueScript("return redis.call('INCR', KEYS[1])");
    script.sha = await sha1Hex(script.text); // known here, never loaded into Redis
    try {
      expect(await evalScript(redis, script, [key], [])).toBe(1);
      expect(calls).toEqual(['evalsha', 'eval']);
      expect(await evalScript(redis, script, [key], [])).toBe(2);
      expect(calls).toEqual(['evalsha', 'eval', 'evalsha']);
    } finally {
      await redis.del(key);
    }
  });

  it('passes any other script error through without retrying', async () => {
    const { redis, calls } = recordingRedis();
    const script = uniqueScript("return redis.error_reply('BOOM script failed')");
    await expect(evalScript(redis, script, [], [])).rejects.toThrow(/BOOM/);
    await script.digesting;
    await expect(evalScript(redis, script, [], [])).rejects.toThrow(/BOOM/);
    expect(calls).toEqual(['eval', 'evalsha']);
  });
});
