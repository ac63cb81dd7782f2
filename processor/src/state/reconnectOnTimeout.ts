// A Redis command that timed out leaves its connection waiting for a reply that may never come: rebuild it.
import type { RedisClient } from '@proctor/contracts/redis';
import { timeoutKind } from '../consumer/retry.ts';

/**
 * Wraps every method of `store` so that a Redis timeout also drops the connection (ioredis reconnects at once).
 * The error is rethrown unchanged: it is retriable, and the retry runs on the fresh connection instead of queueing
 * behind the unanswered command.
 */
export function reconnectOnTimeout<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  store: T,
  redis: RedisClient,
): T {
  const wrapped = {} as T;
  for (const [name, fn] of Object.entries(store) as [keyof T, T[keyof T]][]) {
    wrapped[name] = (async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (timeoutKind(err) === 'command') redis.disconnect(true);
        throw err;
      }
    }) as T[keyof T];
  }
  return wrapped;
}
