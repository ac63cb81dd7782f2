// A tiny client for the edge in tests: identities with random tenants, events, and JSON calls. Node only.
import { randomUUID } from 'node:crypto';
import { type AnomalyEvent, deriveSessionId, sleep } from '@proctor/contracts';
import { type DevTokenClaims, type MintOptions, mintDevToken } from '../devKeys.ts';

export function randomIdentity(overrides: Partial<DevTokenClaims> = {}): DevTokenClaims {
  return {
    tenant_id: `t-${randomUUID().slice(0, 8)}`,
    exam_schedule_id: 'sched-1',
    user_id: `u-${randomUUID().slice(0, 8)}`,
    attempt_no: 1,
    ...overrides,
  };
}

export function noFaceEvent(overrides: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    eventId: randomUUID(),
    type: 'NO_FACE',
    timestamp: Date.now(),
    confidence: 0.9,
    details: { durationMillis: 2500 },
    ...overrides,
  } as AnomalyEvent;
}

export interface Candidate {
  identity: DevTokenClaims;
  sessionId: string;
  token: string;
  call(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /**
   * Like call, but retries a 503 as the real client does (honouring Retry-After, for up to ~30 s). For steps that
   * are not themselves the failure under test: other engineers' tests restart stack services at any time.
   */
  callRetrying(path: string, body?: unknown): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect replies loosely; their assertions are the check.
  json: any;
}

/** A parsed JSON body a test looks into. */
export type Loose = Reply['json'];

/** A candidate with a valid dev token for the edge at `baseUrl`. */
export async function candidate(
  baseUrl: string,
  identity = randomIdentity(),
  mint: MintOptions = {},
): Promise<Candidate> {
  const token = await mintDevToken(identity, mint);
  return {
    identity,
    token,
    sessionId: await deriveSessionId(identity),
    call: (path, body, headers = {}) => post(baseUrl, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    async callRetrying(path, body) {
      for (let attempt = 0; ; attempt++) {
        const reply = await post(baseUrl, path, body, { Authorization: `Bearer ${token}` });
        if (reply.status !== 503 || attempt >= 10) return reply;
        await sleep(1000 * Math.min(3, Number(reply.headers.get('Retry-After')) || 1));
      }
    },
  };
}

/** A candidate whose session the edge at `baseUrl` started (201), 503s retried as the real client retries them. */
export async function startedCandidate(baseUrl: string, identity = randomIdentity()): Promise<Candidate> {
  const c = await candidate(baseUrl, identity);
  const start = await c.callRetrying('/sessions/start', {});
  if (start.status !== 201) throw new Error(`sessions/start answered ${start.status}: ${JSON.stringify(start.json)}`);
  return c;
}

export async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  let json: Loose;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}
