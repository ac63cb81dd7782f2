// GET /api/admin/audit: every policy change (who, when, before, after) and erasure request of the tenant (admin only).
import type { APIRoute } from 'astro';
import type { RouteContracts } from '../../../server/api/contract.ts';
import { PolicyAuditList } from '../../../server/api/policySchemas.ts';
import { json } from '../../../server/http/respond.ts';
import { listErasures, listPolicyAudit } from '../../../server/policy/policyStore.ts';

export const contracts = {
  policyAudit: {
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Admin: every policy change (who, when, before, after) and erasure request, newest first',
    response: PolicyAuditList,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals }) => {
  const { db } = locals.services;
  const tenantId = locals.principal.tenantId;
  const [entries, erasures] = await Promise.all([listPolicyAudit(db, tenantId), listErasures(db, tenantId)]);
  return json({ entries, erasures });
};
