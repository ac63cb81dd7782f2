// A Lua script called by its SHA-1 (EVALSHA), with EVAL once when this Redis has not seen it yet (NOSCRIPT).
import { createHash } from 'node:crypto';
import type { RedisClient } from '@proctor/contracts/redis';

export interface RedisScript {
  run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown>;
}

export function redisScript(text: string): RedisScript {
  const sha = createHash('sha1').update(text).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!String(err).includes('NOSCRIPT')) throw err;
        return redis.eval(text, keys.length, ...keys, ...args);
      }
    },
  };
}
