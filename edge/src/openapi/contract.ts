// A route's contract, declared next to its handler: the app registers it and the OpenAPI document describes it.
import type { ErrorCode } from '@proctor/contracts';
import type { Handler } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../context.ts';

export interface RouteContract {
  method: 'get' | 'post';
  path: string;
  summary: string;
  /** Bearer exam token required. */
  auth: boolean;
  request?: z.ZodType;
  /** Query parameters (a route whose body is not JSON, such as an image upload). */
  query?: z.ZodObject;
  /** A raw (non-JSON) body in one of these media types. */
  binaryBody?: readonly string[];
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  /** Error codes this route can answer with, besides the auth ones. */
  errors: ErrorCode[];
}

export interface Route {
  contract: RouteContract;
  handler: Handler<AppEnv>;
}
