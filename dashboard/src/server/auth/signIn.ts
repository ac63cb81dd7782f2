// Sign-in, in the order it runs: the origin (login CSRF), the address's budget, the token, the proctor's budget, then
// a server-side session. Every refusal is a value with its status, stable code and a message the person can act on.
import type { ErrorCode } from '@proctor/contracts';
import type { RedisClient } from '@proctor/contracts/redis';
import type { DashboardEnv } from '../env.ts';
import { signInOriginAllowed } from '../http/requestChecks.ts';
import { consume, type RateLimit } from '../redis/rateLimit.ts';
import { createSession } from './loginSessions.ts';
import { verifyRawToken } from './principal.ts';

export type SignInResult =
  | { ok: true; sessionId: string; exp: number }
  | { ok: false; status: number; code: ErrorCode; message: string; headers?: Record<string, string> };

const MINUTE = 60_000;

const refused = (status: number, code: ErrorCode, message: string, headers?: Record<string, string>): SignInResult => ({
  ok: false,
  status,
  code,
  message,
  ...(headers && { headers }),
});

async function withinBudget(
  redis: RedisClient,
  prefix: string,
  rule: RateLimit,
  identifier: string,
): Promise<SignInResult | undefined> {
  const r = await consume(redis, prefix, rule, identifier);
  if (r.ok) return undefined;
  return refused(429, 'RATE_LIMITED', `Too many sign-ins; try again in ${r.retryAfterSeconds} s.`, {
    'retry-after': String(r.retryAfterSeconds),
  });
}

export async function signIn(o: {
  request: Request;
  url: URL;
  clientAddress: string;
  token: string;
  env: DashboardEnv;
  redis: RedisClient;
  prefix: string;
}): Promise<SignInResult> {
  if (!signInOriginAllowed(o.request, o.url, o.env.PLATFORM_ORIGINS)) {
    return refused(
      403,
      'SIGNIN_ORIGIN_REFUSED',
      'This sign-in came from a site that is not this dashboard or your exam platform, so it was refused. Open the ' +
        'dashboard from your exam platform.',
    );
  }
  const byAddress = { name: 'signin-addr', limit: o.env.SIGNIN_PER_MINUTE_PER_ADDRESS, windowMs: MINUTE };
  const addressRefusal = await withinBudget(o.redis, o.prefix, byAddress, o.clientAddress);
  if (addressRefusal) return addressRefusal;
  const result = await verifyRawToken(o.token);
  if (!result.ok) {
    return refused(
      result.code === 'SERVICE_UNAVAILABLE' ? 503 : 401,
      result.code,
      `This sign-in was refused: ${result.message}. Ask your exam platform for a new one.`,
    );
  }
  const { tenant_id: tenantId, sub, role, name, exp } = result.claims;
  const byProctor = { name: 'signin-sub', limit: o.env.SIGNIN_PER_MINUTE_PER_PROCTOR, windowMs: MINUTE };
  const proctorRefusal = await withinBudget(o.redis, o.prefix, byProctor, `${tenantId}\u0000${sub}`);
  if (proctorRefusal) return proctorRefusal;
  const session = await createSession(
    o.redis,
    o.prefix,
    { tenantId, sub, role, name, exp },
    o.env.MAX_SESSIONS_PER_PROCTOR,
  );
  if (!session) return refused(401, 'TOKEN_EXPIRED', 'This sign-in was refused: the token has expired.');
  return { ok: true, sessionId: session.id, exp: session.exp };
}
