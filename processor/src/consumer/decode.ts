// Kafka message → ProctorRecord, or the reason it is poison. Parsed once here; past this point types are trusted.
import { keyMatchesSession, ProctorRecord } from '@proctor/contracts';

export type Decoded =
  | { ok: true; record: ProctorRecord }
  | { ok: false; reason: 'empty_value' | 'invalid_json' | 'schema_invalid' | 'key_mismatch'; detail: string };

export function decodeRecord(key: Buffer | null, value: Buffer | null): Decoded {
  if (!value || value.length === 0) return { ok: false, reason: 'empty_value', detail: 'message has no value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: err instanceof Error ? err.message : String(err) };
  }
  const parsed = ProctorRecord.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: 'schema_invalid', detail };
  }
  // Records are keyed by sessionId so one session stays in one partition, in order; another key breaks that.
  if (key && key.length > 0 && !keyMatchesSession(key.toString('utf8'), parsed.data.sessionId)) {
    return { ok: false, reason: 'key_mismatch', detail: 'message key is not the record sessionId' };
  }
  return { ok: true, record: parsed.data };
}
