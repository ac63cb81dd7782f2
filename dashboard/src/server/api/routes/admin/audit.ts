// GET /api/admin/audit: every policy change (who, when, before, after) and erasure request of the tenant (admin only).
import { jsonContent } from '@proctor/contracts';
import { listErasures, listPolicyAudit } from '../../../policy/policyStore.ts';
import { PolicyAuditList } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/admin/audit',
  operationId: 'policyAudit',
  summary: 'Admin: every policy change (who, when, before, after) and erasure request, newest first',
  role: 'admin',
  errors: [],
  responses: { 200: { description: 'The policy audit', content: jsonContent(PolicyAuditList) } },
});

export const policyAudit = dashboardRoute(route, async (c) => {
  const { db } = c.var.services;
  const tenantId = c.var.principal.tenantId;
  const [entries, erasures] = await Promise.all([listPolicyAudit(db, tenantId), listErasures(db, tenantId)]);
  return c.json({ entries, erasures }, 200);
});
