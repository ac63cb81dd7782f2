// GET /api/schedules: the tenant's exam schedules with live counts.
import type { APIRoute } from 'astro';
import type { RouteContracts } from '../../../server/api/contract.ts';
import { loadSchedules } from '../../../server/api/load.ts';
import { ScheduleList } from '../../../server/api/schemas.ts';
import { json } from '../../../server/http/respond.ts';

export const contracts = {
  schedules: {
    method: 'get',
    path: '/api/schedules',
    summary: 'Exam schedules of your tenant with live counts: active, ended, flagged, open alerts',
    response: ScheduleList,
  },
} as const satisfies RouteContracts;

export const GET: APIRoute = async ({ locals }) => json({ schedules: await loadSchedules(locals) });
