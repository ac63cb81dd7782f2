// GET /api/schedules: the tenant's exam schedules with live counts.
import { jsonContent } from '@proctor/contracts';
import { loadSchedules } from '../../load.ts';
import { apiRoute, dashboardRoute } from '../../route.ts';
import { ScheduleList } from '../../schemas.ts';

const route = apiRoute({
  method: 'get',
  path: '/api/schedules',
  operationId: 'schedules',
  summary: 'Exam schedules of your tenant with live counts: active, ended, flagged, open alerts',
  role: 'proctor',
  errors: [],
  responses: { 200: { description: 'The schedules', content: jsonContent(ScheduleList) } },
});

export const schedules = dashboardRoute(route, async (c) => c.json({ schedules: await loadSchedules(c.var) }, 200));
