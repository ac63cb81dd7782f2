// The OpenAPI document comes from the routes' own definitions: one operation per route with its role, auth, errors
// and the schemas its validators use.
import { describe, expect, it } from 'vitest';
import { createApi } from './app.ts';
import { ROUTES } from './routes.ts';

interface Operation {
  operationId?: string;
  'x-role': string;
  security: unknown[];
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { enum?: string[] }> } }> };
}
const doc = createApi().getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } }) as unknown as {
  paths: Record<string, Record<string, Operation>>;
};
const operation = (id: keyof typeof ROUTES) => {
  const { route } = ROUTES[id];
  return doc.paths[route.path]?.[route.method] as Operation;
};

describe('the dashboard API document', () => {
  it('has one operation per route, each with its role, auth, 401 and 500', () => {
    for (const id of Object.keys(ROUTES) as (keyof typeof ROUTES)[]) {
      const op = operation(id);
      expect(op.operationId).toBe(id);
      expect(op['x-role'], id).toBe(ROUTES[id].route.path.startsWith('/api/admin/') ? 'admin' : 'proctor');
      expect(op.security.length, id).toBeGreaterThan(0);
      expect(Object.keys(op.responses), id).toEqual(expect.arrayContaining(['401', '500']));
      if (op['x-role'] === 'admin' || ROUTES[id].route.method === 'post')
        expect(Object.keys(op.responses)).toContain('403');
    }
    expect(Object.keys(operation('erasure').responses)).toEqual(expect.arrayContaining(['202', '303', '413', '415']));
    expect(Object.keys(operation('policySave').responses)).toContain('409');
  });

  it('describes filters and path ids as parameters, never a tenant', () => {
    expect(operation('sessions').parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:scheduleId',
      'query:status',
      'query:rule',
    ]);
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods)) {
        const inputs = JSON.stringify([(op.parameters ?? []).map((p) => p.name), op.requestBody ?? null]);
        expect(inputs).not.toMatch(/tenant/i);
      }
    }
  });

  it('carries the review body schema the validator uses, with its enum', () => {
    const body = operation('review').requestBody?.content['application/json']?.schema;
    expect(body?.properties?.action?.enum).toEqual(['acknowledge', 'dismiss']);
  });
});
