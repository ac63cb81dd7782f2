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

/**
 * eventId: chosen by the client, unique within its session: 1–128 characters from `A-Za-z0-9 . _ : -`, compared
 * exactly (case-sensitive). The charset keeps ids safe as Redis hash fields, in log lines and in SQL JSON without
 * escaping. A UUID (`crypto.randomUUID()`) is the recommendation and what our client sends.
 */
export const EventId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 characters: letters, digits and . _ : -')
  .meta({
    description: 'Unique within the session: 1–128 of A-Za-z0-9 . _ : - (a UUID is recommended)',
    examples: ['evt-1', '3f0c2a6e-5b1d-4c8e-9a7f-2d4e6b8c0a13'],
  });

/** Epoch milliseconds (integer, after 2020-01-01 so a seconds value is caught). */
export const EPOCH_MILLIS_MIN = 1_577_836_800_000;
export const EpochMillis = z
  .number()
  .int()
  .min(EPOCH_MILLIS_MIN, 'must be epoch milliseconds (looks like seconds or too old)');

const encoder = new TextEncoder();

/** Lower-case hex SHA-256 through WebCrypto: the same code runs in workerd, Node and browsers. */
export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(input));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
