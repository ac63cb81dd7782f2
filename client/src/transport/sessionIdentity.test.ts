import { deriveSessionId } from '@proctor/contracts';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { readExamClaims, sessionIdFromToken } from './sessionIdentity.ts';

const identity = { tenant_id: 't1', exam_schedule_id: 's1', user_id: 'u1', attempt_no: 1 };

async function token(claims: Record<string, unknown>) {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign(privateKey);
}

describe('reading the exam token on the device', () => {
  it('derives the session id the edge will derive, from the identity claims', async () => {
    expect(await sessionIdFromToken(await token(identity))).toBe(await deriveSessionId(identity));
  });

  it('decodes UTF-8 claims as UTF-8 (a signed accommodation reason keeps its accents)', async () => {
    const reason = 'congé médical — 残り時間';
    const claims = readExamClaims(
      await token({ ...identity, proctoring: { accommodations: { reason, overrides: { maxLookAwaySeconds: 9 } } } }),
    );
    expect(claims?.proctoring?.accommodations?.reason).toBe(reason);
  });

  it('gives undefined for what is not a readable exam token', async () => {
    expect(readExamClaims('not-a-jwt')).toBeUndefined();
    expect(readExamClaims('a.%%%.c')).toBeUndefined();
    expect(readExamClaims(await token({ tenant_id: 't1' }))).toBeUndefined();
    expect(await sessionIdFromToken('')).toBeUndefined();
  });
});
