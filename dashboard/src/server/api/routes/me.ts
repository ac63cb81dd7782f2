// GET /api/me: the signed-in proctor, as the token says.
import { jsonContent } from '@proctor/contracts';
import { apiRoute, dashboardRoute } from '../route.ts';
import { Me } from '../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/me',
  operationId: 'me',
  summary: 'The signed-in proctor (tenant and role from the token)',
  role: 'proctor',
  errors: [],
  responses: { 200: { description: 'The caller', content: jsonContent(Me) } },
});

export const me = dashboardRoute(route, (c) => {
  const { tenantId, sub, role, name } = c.var.principal;
  return c.json({ tenantId, sub, role, name }, 200);
});
