// The shim's Redis side on ioredis: one shared client for REDIS_URL, a single Redis or a Redis Cluster (`Cluster`
// routes each command to its slot's master). Replies stay Buffers (callBuffer) so binary values survive until the
// response is encoded.
import { createRedisClient, isCluster, masters, type RedisClient } from '@proctor/contracts/redis';

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

/** ioredis' own refusal of a transaction over several slots, before anything is sent. */
const CROSS_SLOT = /should belong to the same slot/;

/** A Redis error reply becomes a value; a connection failure stays thrown (the route answers 503). */
export function asReply(err: unknown): RedisReplyError {
  if (isReplyError(err)) return new RedisReplyError(err.message);
  if (err instanceof Error && CROSS_SLOT.test(err.message)) {
    return new RedisReplyError("CROSSSLOT Keys in request don't hash to the same slot");
  }
  throw err;
}

export function createRedis(url: string): RedisClient {
  // Fail fast while Redis is away (the shim answers 503) instead of queueing; ioredis reconnects by itself.
  return createRedisClient(url, { maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 100, 1000) });
}

async function call(redis: RedisClient, name: string, args: RespArg[]): Promise<RespValue> {
  return (await redis.callBuffer(name, ...args)) as RespValue;
}

/**
 * Keyless commands that mean "the whole database": on a cluster they go to every master and their answers are
 * combined, as a client of one Redis expects. SCAN's cursor then carries the master it is on (cursor × masters +
 * index), so one cursor walks every node in turn.
 */
async function acrossMasters(redis: RedisClient, name: string, args: RespArg[]): Promise<RespValue | undefined> {
  const nodes = (await masters(redis)).sort((a, b) => nodeName(a).localeCompare(nodeName(b)));
  const sub = String(args[0] ?? '').toLowerCase();
  switch (name) {
    case 'flushdb':
    case 'flushall':
      await Promise.all(nodes.map((n) => n.callBuffer(name, ...args)));
      return Buffer.from('OK');
    case 'dbsize':
      return (await Promise.all(nodes.map((n) => n.dbsize()))).reduce((a, b) => a + b, 0);
    case 'keys':
      return (await Promise.all(nodes.map((n) => n.callBuffer(name, ...args) as Promise<Buffer[]>))).flat();
    case 'script':
      if (sub !== 'load' && sub !== 'flush') return undefined;
      return (await Promise.all(nodes.map((n) => n.callBuffer(name, ...args) as Promise<RespValue>)))[0] ?? null;
    case 'scan': {
      const n = BigInt(nodes.length);
      const cursor = BigInt(String(args[0] ?? '0'));
      let index = Number(cursor % n);
      let nodeCursor = String(cursor / n);
      for (;;) {
        const [next, keys] = (await nodes[index]!.callBuffer('scan', nodeCursor, ...args.slice(1))) as [
          Buffer,
          Buffer[],
        ];
        nodeCursor = next.toString();
        if (nodeCursor !== '0') return [Buffer.from(String(BigInt(nodeCursor) * n + BigInt(index))), keys];
        // This node is done: the next cursor starts the next node (cursor 0 there is just its index), 0 after the last.
        index++;
        if (index === nodes.length) return [Buffer.from('0'), keys];
        if (keys.length) return [Buffer.from(String(index)), keys];
      }
    }
    default:
      return undefined;
  }
}

const nodeName = (n: { options: { host?: string; port?: number } }) => `${n.options.host}:${n.options.port}`;

const WHOLE_DATABASE = new Set(['flushdb', 'flushall', 'dbsize', 'keys', 'script', 'scan']);

/** Multi-key commands a cluster client splits per key (each key alone is one slot); their answers add up. */
const SPLIT_SUM = new Set(['del', 'unlink', 'exists', 'touch']);

export async function send(redis: RedisClient, [name, ...args]: RespArg[]): Promise<RespValue> {
  const cmd = String(name).toLowerCase();
  try {
    if (isCluster(redis)) {
      const whole = WHOLE_DATABASE.has(cmd) ? await acrossMasters(redis, cmd, args) : undefined;
      if (whole !== undefined) return whole;
      if (SPLIT_SUM.has(cmd) && args.length > 1) {
        const counts = await Promise.all(args.map((k) => call(redis, cmd, [k])));
        return counts.reduce<number>((a, b) => a + Number(b), 0);
      }
    }
    return await call(redis, String(name), args);
  } catch (err) {
    return asReply(err);
  }
}
