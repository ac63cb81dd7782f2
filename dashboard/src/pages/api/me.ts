// GET /api/me: the signed-in proctor, as the token says.
import type { APIRoute } from 'astro';
import type { Me } from '../../server/api/schemas.ts';
import { json } from '../../server/http/respond.ts';

export const GET: APIRoute = ({ locals: { principal } }) => {
  const me: Me = { tenantId: principal.tenantId, sub: principal.sub, role: principal.role, name: principal.name };
  return json(me);
};
