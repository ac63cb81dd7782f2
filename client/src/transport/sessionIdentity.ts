// The session id, computed locally from the exam token's claims, so events can be queued before /sessions/start
// answers (offline start, reload) under the same id the edge will compute.
import { deriveSessionId, ExamTokenClaims, type SessionId } from '@proctor/contracts';

/** Reads (does not verify: the edge does) the claims of a JWT. Undefined when it is not a readable exam token. */
export function readExamClaims(token: string): ExamTokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    const parsed = ExamTokenClaims.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function sessionIdFromToken(token: string): Promise<SessionId | undefined> {
  const claims = readExamClaims(token);
  return claims ? deriveSessionId(claims) : undefined;
}
