// Lua scripts run atomically in Redis, called with EVALSHA and falling back to EVAL when Redis answers NOSCRIPT.
// Each script touches the keys of one hash slot only (one session's `{sessionId}`, one shard's `{liveness:N}`), so
// it runs unchanged on a Redis Cluster.
import { createHash } from 'node:crypto';
import { execEach, loadScript, type RedisClient, type RedisCommand } from '@proctor/contracts/redis';

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/** One script call: EVALSHA first (no script body on the wire), EVAL once if the script cache lacks it. */
export async function runScript(redis: RedisClient, script: LuaScript, keys: string[], args: (string | number)[]) {
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
  scripts: LuaScript[],
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

// A session's processing state is one string key, `<partition>:<offset>|<state>`: a string keeps a few hundred
// bytes compact (a hash with a value over 64 bytes leaves listpack encoding and costs ~2×).

/**
 * Saves a session's rule state unless a newer position of the same partition is already stored: a redelivered
 * (older) chunk can never overwrite state that already counts later records.
 * KEYS[1] state key · ARGV partition, offset, state, ttlSeconds. Returns 1 if written, 0 if skipped.
 */
export const SAVE_STATE = luaScript(`
local cur = redis.call('GET', KEYS[1])
if cur then
  local pos = string.sub(cur, 1, string.find(cur, '|', 1, true) - 1)
  local sep = string.find(pos, ':', 1, true)
  if tonumber(string.sub(pos, 1, sep - 1)) == tonumber(ARGV[1]) and tonumber(string.sub(pos, sep + 1)) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2] .. '|' .. ARGV[3], 'EX', ARGV[4])
return 1
`);

/**
 * Claims lapsed sessions of one liveness shard. A claim moves `sessionId` from the liveness ZSET into the shard's
 * claims ZSET as `sessionId:deadline`, scored by its lease end, in one atomic step: two sweepers never claim one
 * lapse. The sweeper removes the claim only after Kafka acknowledged the connection_lost record; a claim whose
 * lease ran out (its sweeper died between claim and acknowledgement) is taken again first, so nothing is lost.
 * KEYS[1] liveness ZSET, KEYS[2] claims ZSET · ARGV now (ms), limit, lease end (ms).
 * Returns the claims as `sessionId:deadline` strings.
 */
export const CLAIM_EXPIRED = luaScript(`
local limit = tonumber(ARGV[2])
local out = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
for _, c in ipairs(out) do redis.call('ZADD', KEYS[2], ARGV[3], c) end
if #out < limit then
  local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit - #out)
  for i = 1, #m, 2 do
    local c = m[i] .. ':' .. m[i + 1]
    redis.call('ZREM', KEYS[1], m[i])
    redis.call('ZADD', KEYS[2], ARGV[3], c)
    table.insert(out, c)
  end
end
return out
`);
