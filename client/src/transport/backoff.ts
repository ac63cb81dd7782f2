// Retry timing: exponential backoff with jitter, never sooner than the server's Retry-After.

export const BACKOFF_DEFAULTS = { baseMs: 1000, maxMs: 60_000 } as const;

/** Delay before retry number `attempt` (0 for the first retry). Jitter spreads a fleet reconnecting at once. */
export function backoffDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
  { baseMs, maxMs }: { baseMs: number; maxMs: number } = BACKOFF_DEFAULTS,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const jittered = exp * (0.5 + random() / 2);
  return Math.max(retryAfterMs ?? 0, Math.round(jittered));
}

/** Retry-After is either delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
