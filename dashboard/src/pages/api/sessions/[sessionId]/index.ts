// GET /api/sessions/:sessionId: one session of your tenant with its alerts and live presence.
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { SessionDetail } from '../../../../server/api/schemas.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const contracts = {
  session: {
    method: 'get',
    path: '/api/sessions/{sessionId}',
    summary: 'One session with all its alerts (rule, window, evidence events, confidence, explanation)',
    params: SessionParams,
    response: SessionDetail,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals, params }) => {
  const detail = await loadSessionDetail(locals, params.sessionId ?? '');
  return detail ? json(detail) : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
