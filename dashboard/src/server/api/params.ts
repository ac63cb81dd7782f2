// Query-string parsing for list and stream routes: unknown filter values are refused with the allowed ones named.
import { describeIssues } from '../http/respond.ts';
import { SessionFilter } from './schemas.ts';

export function parseFilter(url: URL): { ok: true; value: SessionFilter } | { ok: false; message: string } {
  const raw = {
    status: url.searchParams.get('status') || undefined,
    rule: url.searchParams.get('rule') || undefined,
  };
  const parsed = SessionFilter.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: describeIssues(parsed.error.issues) };
}
