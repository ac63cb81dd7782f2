// GET /api/schedules: the tenant's exam schedules with live counts.
import type { APIRoute } from 'astro';
import { loadSchedules } from '../../../server/api/load.ts';
import { json } from '../../../server/http/respond.ts';

export const GET: APIRoute = async ({ locals }) => json({ schedules: await loadSchedules(locals) });
