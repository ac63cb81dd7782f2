// Identifier formats shared by tokens, URLs, Redis keys and SQL columns.
import { z } from 'zod';

/**
 * Tenant, schedule and user ids: 1–128 chars, starting alphanumeric, then `A-Za-z0-9 . _ : @ -`.
 * The charset keeps ids safe inside Redis keys, log lines and URLs without escaping.
 */
export const ExternalId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/,
    'must be 1–128 characters: letters, digits and . _ : @ -, starting with a letter or digit',
  );

/** Derived ids (session, alert) are lower-case hex SHA-256: 64 characters. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');

/** eventId: a UUID in canonical lower-case 8-4-4-4-12 form, made by the client (`crypto.randomUUID()`). */
export const EventId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be a lower-case UUID such as crypto.randomUUID() returns',
  );

/** Epoch milliseconds (integer, after 2020-01-01 so a seconds value is caught). */
export const EpochMillis = z
  .number()
  .int()
  .min(1_577_836_800_000, 'must be epoch milliseconds (looks like seconds or too old)');

const encoder = new TextEncoder();

/** Lower-case hex SHA-256 through WebCrypto: the same code runs in workerd, Node and browsers. */
export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(input));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
