// Turns RESP replies into Upstash REST JSON, honouring `Upstash-Encoding: base64` the way @upstash/redis decodes it.
import { RedisReplyError, type RespValue } from './redisClient.ts';

export type JsonReply = string | number | null | JsonReply[];

/**
 * With base64 on, every string is base64 except a top-level "OK": the client keeps a top-level "OK" as is but
 * base64-decodes every string inside an array, so inside arrays "OK" must be encoded too.
 */
export function toJsonReply(value: RespValue, base64: boolean, topLevel = true): JsonReply {
  if (value === null || typeof value === 'number') return value;
  if (value instanceof RedisReplyError) throw new Error('reply errors are handled by the caller');
  if (Array.isArray(value)) {
    return value.map((item) => (item instanceof RedisReplyError ? null : toJsonReply(item, base64, false)));
  }
  if (!base64) return value.toString('utf8');
  if (topLevel && value.length === 2 && value[0] === 0x4f && value[1] === 0x4b) return 'OK';
  return value.toString('base64');
}

/** One Upstash result entry: `{result}` or `{error}`. */
export function toResultEntry(value: RespValue, base64: boolean): { result: JsonReply } | { error: string } {
  if (value instanceof RedisReplyError) return { error: value.message };
  return { result: toJsonReply(value, base64) };
}
