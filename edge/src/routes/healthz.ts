// GET /healthz: the Worker is up. Deliberately touches no dependency, so an outage elsewhere does not take the
// edge out of rotation (dependencies report themselves as 503 on the routes that need them).
import { z } from 'zod';
import type { Route } from '../openapi/contract.ts';

export const HealthResponse = z.object({ status: z.literal('ok') });

export const healthz: Route = {
  contract: {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness of the Worker itself',
    auth: false,
    responses: { 200: { description: 'Up', schema: HealthResponse } },
    errors: [],
  },
  handler: (c) => c.json({ status: 'ok' as const }),
};
