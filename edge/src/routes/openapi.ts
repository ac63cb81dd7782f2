// GET /openapi.json: the API described from its own contracts.
import type { Route, RouteContract } from '../openapi/contract.ts';
import { buildOpenApiDocument } from '../openapi/document.ts';

export function openapiRoute(routes: RouteContract[]): Route {
  let document: string | undefined; // built once per isolate, on first request
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
      document ??= JSON.stringify(buildOpenApiDocument([...routes, contract]));
      return c.body(document, 200, { 'Content-Type': 'application/json' });
    },
  };
}
