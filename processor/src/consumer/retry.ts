// Retry with capped exponential backoff, only for errors marked (or known to be) retriable.
import { sleep } from '@proctor/contracts';

const RETRIABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
]);
// The last four are ioredis' Cluster client between a master's death and its replica's promotion.
const RETRIABLE_REDIS =
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b|Connection is closed|Stream isn't writeable|^Command timed out|^Too many Cluster redirections|Failed to refresh slots cache|Cluster isn't ready|None of startup nodes is available/;

/**
 * What kind of timeout an error is: mysql2's query timeout, ioredis' commandTimeout, or a connect timeout (of
 * either); undefined for other errors. The retry step names the dependency.
 */
export function timeoutKind(err: unknown): 'query' | 'command' | 'connect' | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return 'query';
  if (code === 'ETIMEDOUT') return 'connect';
  if (/^Command timed out/.test(err.message)) return 'command';
  return undefined;
}

/**
 * An error is retriable when it says so (kafkajs sets `retriable`), carries a transient network or lock code
 * (mysql2, node), is a fatal connection error of mysql2, or is a transient Redis condition.
 */
export function isRetriable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { retriable?: boolean; code?: string; fatal?: boolean };
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (e.code && RETRIABLE_CODES.has(e.code)) return true;
  if (e.fatal === true) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return RETRIABLE_REDIS.test(e.message);
}

/** Thrown when a retry loop gave up because the work is no longer ours (shutdown, revoked partition). */
export class RetryAborted extends Error {
  readonly retriable = true;
  constructor(step: string, cause: unknown) {
    super(`${step}: gave up retrying (stopping)`, { cause });
    this.name = 'RetryAborted';
  }
}

export interface RetryOptions {
  step: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each wait: metrics, logs, and the consumer heartbeat that keeps the partition ours. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => Promise<void> | void;
  shouldAbort?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export const backoffDelay = (attempt: number, base: number, max: number) => Math.min(max, base * 2 ** (attempt - 1));

/** Runs fn until it succeeds. A non-retriable error is rethrown at once; a retriable one waits and tries again. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5000;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err)) throw err;
      if (opts.shouldAbort?.()) throw new RetryAborted(opts.step, err);
      const delay = backoffDelay(attempt, base, max);
      await opts.onRetry?.(attempt, err, delay);
      await wait(delay);
    }
  }
}
