// GET /healthz: the Worker is up. Deliberately touches no dependency, so an outage elsewhere does not take the
// edge out of rotation (dependencies report themselves as 503 on the routes that need them).
import { createRoute, defineOpenAPIRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { errorResponses, jsonContent } from '../http/openapi.ts';

const HealthResponse = z.object({ status: z.literal('ok') });

const route = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness of the Worker itself',
  security: [],
  responses: { 200: { description: 'Up', content: jsonContent(HealthResponse) }, ...errorResponses([]) },
});

export const healthz = defineOpenAPIRoute<typeof route, AppEnv>({
  route,
  handler: (c) => c.json({ status: 'ok' as const }, 200),
});
