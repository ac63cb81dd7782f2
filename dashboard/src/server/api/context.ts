// The typed Hono context of the dashboard's API: the Astro request it serves (cookies, redirects) as its binding,
// and what the middleware sets for the handlers: the request id, the services, the caller and whether it posted a form.
import type { APIContext } from 'astro';
import type { Principal } from '../auth/principal.ts';
import type { Services } from '../services.ts';

export interface DashboardEnv {
  Bindings: { astro: APIContext };
  Variables: {
    requestId: string;
    services: Services;
    /** Set by the route's `authorize` middleware: every handler reads the tenant only from here. */
    principal: Principal;
    /** True when the body came as a form post (a page without JavaScript): answered with a redirect back. */
    form: boolean;
  };
}
