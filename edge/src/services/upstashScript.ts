// The Worker's Lua scripts over Upstash's REST client, called by their SHA-1 (EVALSHA) instead of shipping their text
// on every call, with EVAL on NOSCRIPT. (The Node services' helper over ioredis is contracts' redis/scripts.ts.)
import type { Redis } from '@upstash/redis/cloudflare';

/**
 * A script and, once known, its SHA-1. Module-level scripts are isolate-lifetime state: the digest is computed on
 * first use (crypto.subtle is async), and until it is known calls use EVAL, which also loads the script into
 * Redis's script cache for the EVALSHA calls that follow.
 */
export interface UpstashScript {
  readonly text: string;
  sha?: string;
  digesting?: Promise<void>;
}

export function upstashScript(text: string): UpstashScript {
  return { text };
}

/**
 * Runs `script`. The Redis command is issued synchronously (no await before it), so it still joins the caller's
 * tick's auto-pipeline. NOSCRIPT (Redis restarted, SCRIPT FLUSH, a failover) means the script did not run at all,
 * so running it again with EVAL cannot apply it twice.
 */
export function evalScript<T = unknown>(
  redis: Redis,
  script: UpstashScript,
  keys: string[],
  args: string[],
): Promise<T> {
  const { sha } = script;
  if (!sha) {
    script.digesting ??= sha1Hex(script.text).then(
      (hex) => {
        script.sha = hex;
      },
      () => {
        script.digesting = undefined; // try again on a later call; EVAL keeps working meanwhile
      },
    );
    return redis.eval<string[], T>(script.text, keys, args);
  }
  return redis.evalsha<string[], T>(sha, keys, args).catch((err: unknown) => {
    if (!String(err).includes('NOSCRIPT')) throw err;
    return redis.eval<string[], T>(script.text, keys, args);
  });
}

export async function sha1Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
