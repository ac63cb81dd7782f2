// GET /api/sessions/:sessionId: one session of your tenant with its alerts and live presence.
import { type RouteContracts, SessionParams } from '../../../../server/api/contract.ts';
import { loadSessionDetail } from '../../../../server/api/load.ts';
import { SessionDetail } from '../../../../server/api/schemas.ts';
import { sessionGet } from '../../../../server/http/sessionRoute.ts';

export const contracts = {
  session: {
    method: 'get',
    path: '/api/sessions/{sessionId}',
    summary: 'One session with all its alerts (rule, window, evidence events, confidence, explanation)',
    params: SessionParams,
    response: SessionDetail,
  },
} as const satisfies RouteContracts;

export const GET = sessionGet(loadSessionDetail);
