// One-time notices after a form POST ("saved as version 3", "erasure request 12 recorded", "not saved: …"), kept in
// Redis under the proctor's server-side session and the page they are for, and consumed by that page's next view.
// A query string would let any link make an admin page announce something the server never recorded.
import { createHash } from 'node:crypto';
import { dashboardFlashKey } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import { z } from 'zod';
import { parseStoredJson } from '../redis/storedJson.ts';

const Flash = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('error'), message: z.string() }),
  z.object({ kind: z.literal('policySaved'), version: z.number().int(), published: z.boolean() }),
  z.object({ kind: z.literal('erasure'), requestId: z.number().int() }),
]);
export type Flash = z.infer<typeof Flash>;

/** Long enough for the redirect that follows the POST; a notice nobody came back for is not kept. */
const FLASH_TTL_SECONDS = 120;

const flashKey = (prefix: string, sessionId: string, page: string) =>
  dashboardFlashKey(createHash('sha256').update(`${sessionId}\u0000${page}`).digest('base64url'), prefix);

/** Stores the notice for `page`; without a server-side session (a bearer client) there is no page to show it on. */
export async function setFlash(
  redis: RedisClient,
  prefix: string,
  sessionId: string | undefined,
  page: string,
  flash: Flash,
): Promise<void> {
  if (!sessionId) return;
  await redis.set(flashKey(prefix, sessionId, page), JSON.stringify(flash), 'EX', FLASH_TTL_SECONDS);
}

/** The notice waiting for `page`, removed as it is read (GETDEL): shown once. */
export async function takeFlash(
  redis: RedisClient,
  prefix: string,
  sessionId: string | undefined,
  page: string,
): Promise<Flash | null> {
  if (!sessionId) return null;
  return parseStoredJson(Flash, await redis.getdel(flashKey(prefix, sessionId, page)));
}
