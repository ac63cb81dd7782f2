// The OpenAPI document covers every route of the table with JSON Schemas generated from zod.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi.ts';
import { ROUTES } from './routes.ts';

const PAGES_API = join(import.meta.dirname, '../../pages/api');

/** Every handler under src/pages/api as `method path`, the path in OpenAPI form (`[id]` → `{id}`). */
function servedOperations(): string[] {
  const files = readdirSync(PAGES_API, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files
    .filter((f) => f !== 'openapi.json.ts')
    .flatMap((f) => {
      const path = `/api/${relative('.', f)
        .replace(/\.ts$/, '')
        .replace(/(^|\/)index$/, '')
        .replace(/\[(\w+)\]/g, '{$1}')}`.replace(/\/$/, '');
      const methods = [
        ...readFileSync(join(PAGES_API, f), 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g),
      ];
      return methods.map((m) => `${m[1]?.toLowerCase()} ${path}`);
    })
    .sort();
}

describe('the route table', () => {
  it('lists every operation the site serves under /api, and nothing it does not serve', () => {
    // A route missing here is missing from openapi.json and from the token and cross-tenant matrix
    // (test/api.integration.test.ts), whose calls are keyed by this table.
    const table = Object.values(ROUTES)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(servedOperations()).toEqual(table);
  });
});

describe('buildOpenApi', () => {
  const doc = buildOpenApi() as unknown as { paths: Record<string, Record<string, unknown>> };
  it('has one operation per route, each with auth and a 401 and 404', () => {
    for (const [id, route] of Object.entries(ROUTES)) {
      const op = (
        doc.paths[route.path] as Record<string, { operationId: string; responses: object; security: unknown[] }>
      )[route.method];
      expect(op?.operationId).toBe(id);
      expect(Object.keys(op?.responses ?? {})).toEqual(
        expect.arrayContaining([String(('status' in route && route.status) || 200), '401', '404']),
      );
      if (route.path.startsWith('/api/admin/')) expect(Object.keys(op?.responses ?? {})).toContain('403');
      expect(op?.security.length).toBeGreaterThan(0);
    }
  });
  it('describes filters and path ids as parameters, never a tenant', () => {
    const sessions = doc.paths['/api/schedules/{scheduleId}/sessions']?.get as {
      parameters: { name: string; in: string }[];
    };
    expect(sessions.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:scheduleId',
      'query:status',
      'query:rule',
    ]);
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(
        methods as Record<string, { parameters?: { name: string }[]; requestBody?: unknown }>,
      )) {
        const inputs = JSON.stringify([(op.parameters ?? []).map((p) => p.name), op.requestBody ?? null]);
        expect(inputs).not.toMatch(/tenant/i);
      }
    }
  });
  it('carries the review body schema with its enum', () => {
    const review = doc.paths['/api/alerts/{alertId}/review']?.post as {
      requestBody: { content: { 'application/json': { schema: { properties: { action: { enum: string[] } } } } } };
    };
    expect(review.requestBody.content['application/json'].schema.properties.action.enum).toEqual([
      'acknowledge',
      'dismiss',
    ]);
  });
});
