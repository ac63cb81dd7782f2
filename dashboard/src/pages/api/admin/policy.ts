// GET/POST /api/admin/policy: the tenant's own policy (admin only, see server/auth/roles.ts).
import type { APIRoute } from 'astro';
import { json } from '../../../server/http/respond.ts';
import { loadPolicy } from '../../../server/policy/loadPolicy.ts';
import { TENANT_LAYER } from '../../../server/policy/policyStore.ts';
import { handlePolicySave } from '../../../server/policy/savePolicyRoute.ts';

export const GET: APIRoute = async ({ locals }) => json(await loadPolicy(locals));
export const POST: APIRoute = (ctx) => handlePolicySave(ctx, TENANT_LAYER);
