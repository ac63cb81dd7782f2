// The session id, computed locally from the exam token's claims, so events can be queued before /sessions/start
// answers (offline start, reload) under the same id the edge will compute.
import { deriveSessionId, ExamTokenClaims, type SessionId } from '@proctor/contracts';
import { decodeJwt } from 'jose';

/** Reads (does not verify: the edge does) the claims of a JWT. Undefined when it is not a readable exam token. */
export function readExamClaims(token: string): ExamTokenClaims | undefined {
  try {
    const parsed = ExamTokenClaims.safeParse(decodeJwt(token));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not a JWT at all: jose says why, the caller only needs "unreadable"
  }
}

export async function sessionIdFromToken(token: string): Promise<SessionId | undefined> {
  const claims = readExamClaims(token);
  return claims ? deriveSessionId(claims) : undefined;
}
