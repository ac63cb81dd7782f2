// The processor's Lua scripts. Each touches the keys of one hash slot only (one session's `{sessionId}`, one shard's
// `{liveness:N}`), so it runs unchanged on a Redis Cluster.
import { redisScript } from '@proctor/contracts/redis/scripts';

// A session's processing state is one string key, `<partition>:<offset>|<state>`: a string keeps a few hundred
// bytes compact (a hash with a value over 64 bytes leaves listpack encoding and costs ~2×).

/**
 * Saves a session's rule state unless a newer position of the same partition is already stored: a redelivered
 * (older) chunk can never overwrite state that already counts later records.
 * KEYS[1] state key · ARGV partition, offset, state, ttlSeconds. Returns 1 if written, 0 if skipped.
 */
export const SAVE_STATE = redisScript(`
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
 * KEYS[1] liveness ZSET, KEYS[2] claims ZSET · ARGV now (ms), limit, lease end (ms), newest deadline to claim (ms:
 * `now` unless the edge's produce path failed lately, contracts lapseCutoff).
 * Returns the claims as `sessionId:deadline` strings.
 */
export const CLAIM_EXPIRED = redisScript(`
local limit = tonumber(ARGV[2])
local out = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
for _, c in ipairs(out) do redis.call('ZADD', KEYS[2], ARGV[3], c) end
if #out < limit then
  local m = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'WITHSCORES', 'LIMIT', 0, limit - #out)
  for i = 1, #m, 2 do
    local c = m[i] .. ':' .. m[i + 1]
    redis.call('ZREM', KEYS[1], m[i])
    redis.call('ZADD', KEYS[2], ARGV[3], c)
    table.insert(out, c)
  end
end
return out
`);
