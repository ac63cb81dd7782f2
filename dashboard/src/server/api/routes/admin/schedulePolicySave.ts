// POST /api/admin/schedules/:scheduleId/policy: save one exam schedule's policy (admin only), as JSON or from the
// policy editor's form.
import { jsonContent } from '@proctor/contracts';
import { policyFromForm } from '../../../policy/policyForm.ts';
import { editorPage, savePolicyLayer } from '../../../policy/savePolicyLayer.ts';
import { formErrorsBackTo } from '../../middleware/formBody.ts';
import { POLICY_BODY_LIMIT, PolicySaveBody, PolicySaveResult, SchedulePolicyParams } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const route = apiRoute({
  method: 'post',
  path: '/api/admin/schedules/{scheduleId}/policy',
  operationId: 'schedulePolicySave',
  summary: 'Admin: save a schedule policy (no retentionDays: retention is per tenant)',
  role: 'admin',
  bodyLimit: POLICY_BODY_LIMIT,
  form: (form) => ({
    policy: policyFromForm(form, { tenantLayer: false }),
    expectedVersion: Number(form.get('version') ?? 0),
  }),
  errors: ['POLICY_VERSION_CONFLICT'],
  request: { params: SchedulePolicyParams, body: { required: true, content: jsonContent(PolicySaveBody) } },
  responses: { 200: { description: 'Saved', content: jsonContent(PolicySaveResult) } },
});

export const schedulePolicySave = dashboardRoute(
  route,
  (c) => savePolicyLayer(c, c.req.valid('param').scheduleId, c.req.valid('json')),
  formErrorsBackTo((c) => editorPage(c.req.param('scheduleId') ?? '')),
);
