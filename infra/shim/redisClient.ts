// The shim's Redis side on ioredis: one shared client (pipelined, MULTI/EXEC sent as one block), duplicates for
// blocking calls. Replies stay Buffers (callBuffer) so binary values survive until the response is encoded.
import { Redis } from 'ioredis';

/** An error reply from Redis. It is a value (one command of a pipeline may fail), never thrown to the route. */
export class RedisReplyError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export type RespValue = Buffer | number | null | RedisReplyError | RespValue[];
export type RespArg = string | Buffer;

/** ioredis rejects a command with a ReplyError for Redis' own error replies; anything else is the connection. */
const isReplyError = (err: unknown): err is Error => err instanceof Error && err.name === 'ReplyError';

/** A Redis error reply becomes a value; a connection failure stays thrown (the route answers 503). */
export function asReply(err: unknown): RedisReplyError {
  if (isReplyError(err)) return new RedisReplyError(err.message);
  throw err;
}

export function createRedis(host: string, port: number): Redis {
  // Fail fast while Redis is away (the shim answers 503) instead of queueing; ioredis reconnects by itself.
  return new Redis({ host, port, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 1000) });
}

export async function send(redis: Redis, [name, ...args]: RespArg[]): Promise<RespValue> {
  try {
    return (await redis.callBuffer(String(name), ...args)) as RespValue;
  } catch (err) {
    return asReply(err);
  }
}
