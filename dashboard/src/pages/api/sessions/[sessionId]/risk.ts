// GET /api/sessions/:sessionId/risk: the session's risk snapshots over time.
import type { APIRoute } from 'astro';
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadRisk } from '../../../../server/api/load.ts';
import { RiskSeries } from '../../../../server/api/schemas.ts';
import { apiError, json } from '../../../../server/http/respond.ts';

export const contracts = {
  risk: {
    method: 'get',
    path: '/api/sessions/{sessionId}/risk',
    summary: 'Risk score over time (snapshots with their per-rule contributions)',
    params: SessionParams,
    response: RiskSeries,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals, params }) => {
  const series = await loadRisk(locals, params.sessionId ?? '');
  return series ? json(series) : apiError('NOT_FOUND', 'no such session in your tenant', locals.requestId);
};
