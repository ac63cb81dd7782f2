// A JSON value the dashboard wrote to Redis, read back through its schema.
import type { z } from 'zod';

/** The value, or null when there is none or it is not one of `schema` (a changed format reads as absent). */
export function parseStoredJson<S extends z.ZodType>(schema: S, raw: string | null): z.infer<S> | null {
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
