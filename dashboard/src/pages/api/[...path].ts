// Every /api/* request goes to the dashboard's one HTTP layer (src/server/api/app.ts), with the Astro request as
// its binding (cookies, the request id). Routes are declared there, one file each under src/server/api/routes/.
import type { APIRoute } from 'astro';
import { createApi } from '../../server/api/app.ts';

let api: ReturnType<typeof createApi> | undefined;

export const ALL: APIRoute = (astro) => {
  api ??= createApi();
  return api.fetch(astro.request, { astro });
};
