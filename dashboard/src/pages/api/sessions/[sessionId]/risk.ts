// GET /api/sessions/:sessionId/risk: the session's risk snapshots over time.
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadRisk } from '../../../../server/api/load.ts';
import { RiskSeries } from '../../../../server/api/schemas.ts';
import { sessionGet } from '../../../../server/http/sessionRoute.ts';

export const contracts = {
  risk: {
    method: 'get',
    path: '/api/sessions/{sessionId}/risk',
    summary: 'Risk score over time (snapshots with their per-rule contributions)',
    params: SessionParams,
    response: RiskSeries,
  },
} as const satisfies RouteContracts;

export const GET = sessionGet(loadRisk);
