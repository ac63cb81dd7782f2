// The API route tests' one dashboard (built, on real MariaDB and Redis) with two tenants seeded alike, and one
// request per route: the route tables are keyed by the app's own route list (src/server/api/routes.ts), so a new
// route is a type error here until every table covers it.
import type { ProctorRole } from '@proctor/contracts';
import { beforeAll } from 'vitest';
import { ROUTES, type RouteId } from '../../src/server/api/routes.ts';
import { rand, seedThumbnail, useTestDashboard } from '../testDashboard.ts';

export const ROUTE_IDS = Object.keys(ROUTES) as RouteId[];

export interface Ids {
  schedule: string;
  session: string;
  alert: string;
}

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  contentType?: string;
}

/** The least role a route takes, as its definition declares it. */
export const roleOf = (id: RouteId): ProctorRole => ROUTES[id].route['x-role'];

/**
 * Routes that name a tenant's resource by id in their path: another tenant's id must read like a missing one. A
 * schedule's policy is not one: it is the caller's own tenant's layer for that schedule id (an admin may set it
 * before the schedule has a session), so another tenant's schedule id reads and writes the caller's own layer.
 */
export const ID_ROUTES = ROUTE_IDS.filter(
  (id) => /\{(scheduleId|sessionId|alertId)\}/.test(ROUTES[id].route.path) && roleOf(id) !== 'admin',
);

/** A body each POST route accepts for its own tenant (policy saves take the current version, see `callFor`). */
const BODIES = {
  receipt: (i: Ids) => ({ version: 1, sessionId: i.session, events: [], head: '0'.repeat(64) }),
  review: () => ({ action: 'acknowledge', note: 'route test' }),
  policySave: () => ({ policy: {}, expectedVersion: 0 }),
  schedulePolicySave: () => ({ policy: {}, expectedVersion: 0 }),
  erasure: () => ({ userId: 'nobody-here' }),
} satisfies Partial<Record<RouteId, (i: Ids) => unknown>>;

/** The request for route `id` over the ids `i`. */
function callFor(id: RouteId, i: Ids): Call {
  const { route } = ROUTES[id];
  const path = route.path
    .replace('{scheduleId}', i.schedule)
    .replace('{sessionId}', i.session)
    .replace('{alertId}', i.alert);
  const body = (BODIES as Partial<Record<RouteId, (i: Ids) => unknown>>)[id]?.(i);
  return { method: route.method === 'post' ? 'POST' : 'GET', path, ...(body === undefined ? {} : { body }) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function useApiDashboard(name: string) {
  const dash = useTestDashboard(name);
  const A = `tenant-a-${rand(3)}`;
  const B = `tenant-b-${rand(3)}`;
  const ids: Record<'A' | 'B', Ids> = {
    A: { schedule: 'exam-a', session: '', alert: '' },
    B: { schedule: 'exam-b', session: '', alert: '' },
  };
  /** The one evidence event each tenant's alert holds (what a receipt is checked against). */
  const held = {} as Record<
    'A' | 'B',
    { eventId: string; timestamp: number; confidence: number; durationMillis: number }
  >;

  beforeAll(async () => {
    for (const [key, tenant] of [
      ['A', A],
      ['B', B],
    ] as const) {
      const i = ids[key];
      i.session = await dash.seedSession({ tenantId: tenant, scheduleId: i.schedule, userId: 'cand-1', risk: 50 });
      const eventId = crypto.randomUUID();
      held[key] = { eventId, timestamp: Date.now() - 20_000, confidence: 0.9, durationMillis: 3000 };
      i.alert = await dash.seedAlert({ tenantId: tenant, sessionId: i.session, evidence: [held[key]] });
      await seedThumbnail(tenant, i.session, eventId);
      await dash.seedSnapshots(tenant, i.session, [10, 50]);
    }
  }, 180_000);

  /** A token of `tenant` for a caller of `role`. */
  const token = (tenant: string, role: ProctorRole = 'proctor') =>
    dash.issuer.proctor(tenant, `${role}-${tenant}`, role);

  /** Sends a call; an SSE stream is read until its first chunk, then hung up. */
  async function call(c: Call, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const type = c.contentType ?? (c.body !== undefined ? 'application/json' : undefined);
    const res = await fetch(`${dash.app.url}${c.path}`, {
      method: c.method,
      headers: { ...headers, ...(type ? { 'content-type': type } : {}) },
      body: typeof c.body === 'string' ? c.body : c.body !== undefined ? JSON.stringify(c.body) : undefined,
      redirect: 'manual',
      signal: controller.signal,
    });
    let text: string;
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      text = new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
    } else {
      text = await res.text();
    }
    controller.abort();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  }

  /** Route `id` as `tenant`'s caller of its own role, a policy save from the layer's current version. */
  async function callAs(id: RouteId, i: Ids, headers: Record<string, string>, tenant: string) {
    const c = callFor(id, i);
    if (id === 'policySave' || id === 'schedulePolicySave') {
      const current = await call({ method: 'GET', path: c.path }, bearer(await token(tenant, 'admin')));
      c.body = { policy: {}, expectedVersion: current.status === 200 ? current.json().version : 0 };
    }
    return call(c, headers);
  }

  return { dash, A, B, ids, held, token, call, callAs };
}
