// POST /api/admin/erasure: erase one candidate's data (admin only). Recorded here, carried out by the processor's
// lifecycle job; the audit keeps a tombstone without the candidate's id. JSON or the audit page's form.
import { jsonContent } from '@proctor/contracts';
import { requestErasure } from '../../../policy/policyStore.ts';
import { backTo, formErrorsBackTo } from '../../middleware/formBody.ts';
import { ErasureBody, ErasureResult } from '../../policySchemas.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';

const AUDIT_PAGE = '/admin/audit';

const route = apiRoute({
  method: 'post',
  path: '/api/admin/erasure',
  operationId: 'erasure',
  summary:
    'Admin: erase one candidate (sessions, alerts, snapshots, audit entries, Redis keys); 202, done by the lifecycle job',
  role: 'admin',
  form: (form) => ({ userId: String(form.get('userId') ?? '').trim() }),
  errors: [],
  request: { body: { required: true, content: jsonContent(ErasureBody) } },
  responses: { 202: { description: 'Accepted', content: jsonContent(ErasureResult) } },
});

export const erasure = dashboardRoute(
  route,
  async (c) => {
    const { principal, services } = c.var;
    const { userId } = c.req.valid('json');
    const requestId = await requestErasure(services.db, principal.tenantId, userId, principal.sub);
    if (c.var.form) return backTo(c, AUDIT_PAGE, { kind: 'erasure', requestId });
    return c.json(
      { requestId, status: 'pending' as const, message: 'the lifecycle job erases it within its next pass' },
      202,
    );
  },
  formErrorsBackTo(() => AUDIT_PAGE),
);
