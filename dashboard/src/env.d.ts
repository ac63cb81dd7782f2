// Types of what the middleware puts on Astro.locals for every dashboard route.
/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    requestId: string;
    /** Set for every authenticated route; pages and API routes read the tenant only from here. */
    principal: import('./server/auth/principal.ts').Principal;
    services: import('./server/services.ts').Services;
  }
}
