// GET /api/openapi.json: the API description, generated from the zod route table (public: it holds no data).
import type { APIRoute } from 'astro';
import { buildOpenApi } from '../../server/api/openapi.ts';
import { json } from '../../server/http/respond.ts';

let cached: ReturnType<typeof buildOpenApi> | undefined;

export const GET: APIRoute = () => {
  cached ??= buildOpenApi();
  return json(cached, 200, { 'cache-control': 'public, max-age=300' });
};
