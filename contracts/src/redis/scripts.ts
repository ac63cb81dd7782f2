// Lua scripts for the Node services' ioredis client, called with EVALSHA and falling back to EVAL when Redis answers
// NOSCRIPT. The digest is computed once when the script is declared (node:crypto is synchronous); the edge has its own
// helper (edge/src/services/upstashScript.ts) because a Worker speaks to Redis over Upstash's REST client and can
// only digest asynchronously.
import { createHash } from 'node:crypto';
import { execEach, loadScript, type RedisClient, type RedisCommand } from './index.ts';

export interface RedisScript {
  source: string;
  sha: string;
}

export function redisScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/** One script call: EVALSHA first (no script body on the wire), EVAL once if the script cache lacks it. */
export async function runScript(redis: RedisClient, script: RedisScript, keys: string[], args: (string | number)[]) {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * A batch of script calls in one round trip (one per node on a cluster, see contracts' execEach). Each call is
 * idempotent by design (guarded writes), so if any call met NOSCRIPT the scripts are loaded on every master and the
 * whole batch is sent once more.
 */
export async function runScriptPipeline(
  redis: RedisClient,
  scripts: RedisScript[],
  commands: RedisCommand[],
): Promise<unknown[]> {
  for (let attempt = 0; ; attempt++) {
    const results = await execEach(redis, commands);
    if (attempt === 0 && results.some(([err]) => isNoScript(err))) {
      for (const s of scripts) await loadScript(redis, s.source);
      continue;
    }
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return results.map(([, value]) => value);
  }
}
