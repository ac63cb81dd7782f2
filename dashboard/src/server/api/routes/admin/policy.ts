// GET /api/admin/policy: the tenant's own policy (admin only).
import { jsonContent } from '@proctor/contracts';
import { loadPolicy } from '../../../policy/loadPolicy.ts';
import { PolicyView } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/admin/policy',
  operationId: 'policy',
  summary: 'Admin: the tenant policy (thresholds, accommodations, retentionDays, thumbnails, browserSignals)',
  role: 'admin',
  errors: [],
  responses: { 200: { description: 'The tenant policy', content: jsonContent(PolicyView) } },
});

export const policy = dashboardRoute(route, async (c) => {
  const view = await loadPolicy(c.var);
  if (!view) throw new Error('the tenant layer always has a view');
  return c.json(view, 200);
});
