// Validates Upstash command arrays and decides which connection a command may run on.
import type { RespArg } from './redisClient.ts';

/** Commands that would change the state of a shared connection or never return; refused like Upstash does. */
const REFUSED = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'sync',
  'psync',
  'quit',
  'select',
  'swapdb',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'reset',
  'hello',
  'auth',
  'client',
  'replicaof',
  'slaveof',
  'shutdown',
]);

/** Commands that may block their connection; they run on a leased connection so others are not stalled. */
const BLOCKING = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
]);

export type CommandCheck = { ok: true; args: RespArg[]; blocking: boolean } | { ok: false; error: string };

export function checkCommand(raw: unknown): CommandCheck {
  if (!Array.isArray(raw) || raw.length === 0) {
    return { ok: false, error: 'ERR a command must be a non-empty JSON array such as ["SET","key","value"]' };
  }
  const args: RespArg[] = [];
  for (const part of raw) {
    if (typeof part === 'string') args.push(part);
    else if (typeof part === 'number' || typeof part === 'boolean') args.push(String(part));
    else if (part !== null && typeof part === 'object') args.push(JSON.stringify(part));
    else return { ok: false, error: 'ERR command arguments must be strings, numbers or booleans' };
  }
  const name = String(args[0]).toLowerCase();
  if (REFUSED.has(name)) return { ok: false, error: `ERR command ${name.toUpperCase()} is not supported over REST` };
  const blocking =
    BLOCKING.has(name) ||
    ((name === 'xread' || name === 'xreadgroup') && args.some((a) => String(a).toLowerCase() === 'block'));
  return { ok: true, args, blocking };
}

export function checkCommandList(raw: unknown): { ok: true; commands: unknown[] } | { ok: false; error: string } {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every(Array.isArray)) {
    return { ok: false, error: 'ERR body must be a non-empty JSON array of command arrays' };
  }
  return { ok: true, commands: raw };
}
