// POST /api/admin/policy: save the tenant's own policy (admin only), as JSON or from the policy editor's form.
import { jsonContent } from '@proctor/contracts';
import { policyFromForm } from '../../../policy/policyForm.ts';
import { TENANT_LAYER } from '../../../policy/policyStore.ts';
import { editorPage, savePolicyLayer } from '../../../policy/savePolicyLayer.ts';
import { formErrorsBackTo } from '../../middleware/formBody.ts';
import { POLICY_BODY_LIMIT, PolicySaveBody, PolicySaveResult } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const route = apiRoute({
  method: 'post',
  path: '/api/admin/policy',
  operationId: 'policySave',
  summary: 'Admin: save the tenant policy (optimistic version, audited, published to the edge through Redis)',
  role: 'admin',
  bodyLimit: POLICY_BODY_LIMIT,
  form: (form) => ({
    policy: policyFromForm(form, { tenantLayer: true }),
    expectedVersion: Number(form.get('version') ?? 0),
  }),
  errors: ['POLICY_VERSION_CONFLICT', 'SCHEDULE_POLICY_CONFLICT'],
  request: { body: { required: true, content: jsonContent(PolicySaveBody) } },
  responses: { 200: { description: 'Saved', content: jsonContent(PolicySaveResult) } },
});

export const policySave = dashboardRoute(
  route,
  (c) => savePolicyLayer(c, TENANT_LAYER, c.req.valid('json')),
  formErrorsBackTo(() => editorPage(TENANT_LAYER)),
);
