// GET /openapi.json: the API described from its own contracts.
import type { Route, RouteContract } from '../openapi/contract.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';

export function openapiRoute(routes: RouteContract[]): Route {
  const contract: RouteContract = {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    auth: false,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
    errors: [],
  };
  return {
    contract,
    handler(c) {
      // Built per request (a few ms, rarely asked for): its examples carry the current time, so they stay sendable.
      return c.body(JSON.stringify(buildOpenApiDocument([...routes, contract])), 200, {
        'Content-Type': 'application/json',
      });
    },
  };
}
