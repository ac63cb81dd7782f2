// A record is checked where it is applied, not only where it was produced: anyone who can write to the topic
// (through the REST proxy too) could otherwise open sessions, raise alerts or move a session to another tenant.
// A start's session id must be the one derived from its identity claims, and every record's tenant must be its
// session's: the processor's own state, else the sessions row.
import { deriveSessionId, type ProctorRecord } from '@proctor/contracts';
import type { SessionCheckpoint } from '../state/sessionCheckpoints.ts';
import type { Decoded } from './decode.ts';

export type Refusal = { reason: 'session_id_not_derived' | 'tenant_mismatch' | 'unknown_session'; detail: string };

/** A start whose session id is not derived from its tenant, schedule, user and attempt, or undefined. */
export async function underivedStart(record: ProctorRecord): Promise<Refusal | undefined> {
  if (record.kind !== 'session_started') return undefined;
  const { examScheduleId, userId, attemptNo } = record.session;
  const derived = await deriveSessionId({
    tenant_id: record.tenantId,
    exam_schedule_id: examScheduleId,
    user_id: userId,
    attempt_no: attemptNo,
  });
  if (derived === record.sessionId) return undefined;
  return { reason: 'session_id_not_derived', detail: 'sessionId is not the one derived from its identity claims' };
}

/**
 * Sessions whose tenant must come from the sessions row: no state of their own here, and their first record in the
 * chunk is not a start (a start carries its own proof: the derived id). Rare: a state that expired or was lost.
 */
export function sessionsWithoutOwner(decoded: Decoded[], loaded: Map<string, SessionCheckpoint>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of decoded) {
    if (!d.ok || seen.has(d.record.sessionId)) continue;
    seen.add(d.record.sessionId);
    const kind = d.record.kind;
    const ownsItself = kind === 'session_started';
    // A lapse or a heartbeat of a session this processor holds no state of is dropped (applyChunk): no row lookup.
    const dropped = kind === 'connection_lost' || kind === 'heartbeat';
    if (!loaded.get(d.record.sessionId)?.state?.tenantId && !ownsItself && !dropped) {
      out.push(d.record.sessionId);
    }
  }
  return out;
}

/** Why a record may not be applied to its session, whose tenant is `owner` (undefined: no state and no row). */
export function tenantRefusal(record: ProctorRecord, owner: string | undefined): Refusal | undefined {
  if (record.kind === 'connection_lost') return undefined;
  if (owner === undefined) {
    if (record.kind === 'session_started') return undefined;
    return { reason: 'unknown_session', detail: 'no start and no sessions row: its tenant cannot be checked' };
  }
  if (owner === record.tenantId) return undefined;
  return { reason: 'tenant_mismatch', detail: "tenantId is not the session's tenant" };
}
