// GET /api/me: the signed-in proctor, as the token says.
import type { APIRoute } from 'astro';
import type { RouteContracts } from '../../server/api/contract.ts';
import { Me } from '../../server/api/schemas.ts';
import { json } from '../../server/http/respond.ts';

export const contracts = {
  me: {
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in proctor (tenant and role from the token)',
    response: Me,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = ({ locals: { principal } }) => {
  const me: Me = { tenantId: principal.tenantId, sub: principal.sub, role: principal.role, name: principal.name };
  return json(me);
};
