// The per-session heartbeat limit, without Redis (a heartbeat costs no Upstash command): Cloudflare's Workers Rate
// Limiting binding `HEARTBEAT_LIMITER` (wrangler.toml `[[ratelimits]]`, keyed by session id) where it is bound, else
// a fixed window in the isolate. The binding's counters are per Cloudflare location and eventually consistent (its
// documentation: a limit per location, not an exact global count), which holds a candidate's runaway loop, whose
// requests all come from one place; the isolate's window holds it where one process serves every request (workerd
// locally, the tests, the benches). Either way a heartbeat over the limit is a 429 before anything is produced.
import { env } from 'cloudflare:workers';

/** The binding's interface (Cloudflare's `RateLimit`): one call per request, keyed by what is limited. */
interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

const WINDOW_MS = 60_000;
/** The isolate's windows, by session: isolate-lifetime state, emptied when the window turns. */
const counts = new Map<string, number>();
let countsWindow = 0;

function bound(): RateLimitBinding | undefined {
  const b = (env as Record<string, unknown>).HEARTBEAT_LIMITER as Partial<RateLimitBinding> | undefined;
  return typeof b?.limit === 'function' ? (b as RateLimitBinding) : undefined;
}

/** Whether this session may send one more heartbeat now; `limit` a minute when no binding is there. */
export async function heartbeatAllowed(
  sessionId: string,
  limit: number,
  now: number,
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const window = Math.floor(now / WINDOW_MS);
  const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
  const binding = bound();
  if (binding)
    return (await binding.limit({ key: sessionId })).success ? { ok: true } : { ok: false, retryAfterSeconds };
  if (window !== countsWindow) {
    counts.clear();
    countsWindow = window;
  }
  const n = (counts.get(sessionId) ?? 0) + 1;
  counts.set(sessionId, n);
  return n <= limit ? { ok: true } : { ok: false, retryAfterSeconds };
}
