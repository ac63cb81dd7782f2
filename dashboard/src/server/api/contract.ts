// One /api route's contract, exported by its own route file under src/pages/api (routes.ts collects them): method,
// path, parameters, body and success response. openapi.json and the token and tenant test matrix are built from it.
import { z } from 'zod';

export interface RouteContract {
  method: 'get' | 'post';
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** Media type of the success response; JSON unless said. */
  mediaType?: string;
  /** Status of the success response; 200 unless said. */
  status?: number;
}

/** A route file's contracts, by operation id. */
export type RouteContracts = Record<string, RouteContract>;

export const ScheduleParams = z.object({
  scheduleId: z.string().describe('Exam schedule id (exam_schedule_id claim)'),
});
export const SessionParams = z.object({ sessionId: z.string().describe('64-hex session id') });
export const AlertParams = z.object({ alertId: z.string().describe('64-hex alert id') });
