// Lua scripts run atomically in Redis, called with EVALSHA and falling back to EVAL when Redis answers NOSCRIPT.
import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');

/** One script call: EVALSHA first (no script body on the wire), EVAL once if the script cache lacks it. */
export async function runScript(redis: Redis, script: LuaScript, keys: string[], args: (string | number)[]) {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

/**
 * A pipeline of script calls. Each call is idempotent by design (guarded writes), so if any call met NOSCRIPT
 * the scripts are loaded and the whole pipeline is sent once more.
 */
export async function runScriptPipeline(
  redis: Redis,
  scripts: LuaScript[],
  build: (pipeline: ChainableCommander) => void,
): Promise<unknown[]> {
  for (let attempt = 0; ; attempt++) {
    const pipeline = redis.pipeline();
    build(pipeline);
    const results = (await pipeline.exec()) ?? [];
    if (attempt === 0 && results.some(([err]) => isNoScript(err))) {
      for (const s of scripts) await redis.script('LOAD', s.source);
      continue;
    }
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    return results.map(([, value]) => value);
  }
}

// A session's processing state is one string key, `<partition>:<offset>|<deadlines>|<state>`: a string keeps a
// few hundred bytes compact (a hash with a value over 64 bytes leaves listpack encoding and costs ~2×).
const SPLIT_STATE = `
local function split(v)
  local a = string.find(v, '|', 1, true)
  local b = string.find(v, '|', a + 1, true)
  return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1)
end
`;

/**
 * Saves a session's rule state unless a newer position of the same partition is already stored: a redelivered
 * (older) chunk can never overwrite state that already counts later records. Keeps the sweep's deadlines.
 * KEYS[1] state key · ARGV partition, offset, state, ttlSeconds. Returns 1 if written, 0 if skipped.
 */
export const SAVE_STATE = luaScript(`${SPLIT_STATE}
local cur = redis.call('GET', KEYS[1])
local deadlines = ''
if cur then
  local pos
  pos, deadlines = split(cur)
  local sep = string.find(pos, ':', 1, true)
  if tonumber(string.sub(pos, 1, sep - 1)) == tonumber(ARGV[1]) and tonumber(string.sub(pos, sep + 1)) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2] .. '|' .. deadlines .. '|' .. ARGV[3], 'EX', ARGV[4])
return 1
`);

/**
 * Claims the sessions of one liveness shard whose deadline passed: read and remove in one step, so two
 * processors sweeping the same shard never both alert on one lapse.
 * KEYS[1] liveness ZSET · ARGV now (ms), limit. Returns [member, score, member, score, …].
 */
export const CLAIM_EXPIRED = luaScript(`
local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #m, 2 do redis.call('ZREM', KEYS[1], m[i]) end
return m
`);

/**
 * Records a connection-lost deadline beside the session's state (the newest ARGV[2] kept) and returns
 * [state, deadlines], or nil when the processor never saw the session. KEYS[1] state key · ARGV deadline, keep.
 */
export const RECORD_CONNECTION_LOST = luaScript(`${SPLIT_STATE}
local cur = redis.call('GET', KEYS[1])
if not cur then return false end
local pos, deadlines, state = split(cur)
local list = {}
for d in string.gmatch(deadlines, '[^,]+') do
  if d ~= ARGV[1] then table.insert(list, d) end
end
table.insert(list, ARGV[1])
while #list > tonumber(ARGV[2]) do table.remove(list, 1) end
local joined = table.concat(list, ',')
redis.call('SET', KEYS[1], pos .. '|' .. joined .. '|' .. state, 'KEEPTTL')
return {state, joined}
`);
