// GET/POST /api/admin/policy: the tenant's own policy (admin only, see server/auth/roles.ts).
import type { APIRoute } from 'astro';
import type { RouteContracts } from '../../../server/api/contract.ts';
import { PolicySaveBody, PolicySaveResult, PolicyView } from '../../../server/api/policySchemas.ts';
import { json } from '../../../server/http/respond.ts';
import { loadPolicy } from '../../../server/policy/loadPolicy.ts';
import { TENANT_LAYER } from '../../../server/policy/policyStore.ts';
import { handlePolicySave } from '../../../server/policy/savePolicyRoute.ts';

export const contracts = {
  policy: {
    method: 'get',
    path: '/api/admin/policy',
    summary: 'Admin: the tenant policy (thresholds, accommodations, retentionDays, thumbnails, browserSignals)',
    response: PolicyView,
  },
  policySave: {
    method: 'post',
    path: '/api/admin/policy',
    summary: 'Admin: save the tenant policy (optimistic version, audited, published to the edge through Redis)',
    body: PolicySaveBody,
    response: PolicySaveResult,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals }) => json(await loadPolicy(locals));
export const POST: APIRoute = (ctx) => handlePolicySave(ctx, TENANT_LAYER);
