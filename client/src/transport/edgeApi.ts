// POSTs JSON to the edge with the exam token, refreshing it once on TOKEN_EXPIRED, and classifies failures
// so callers know whether to retry. Failures are values, not throws.
import { ErrorEnvelope } from '@proctor/contracts';
import { parseRetryAfter } from './backoff.ts';

export interface ApiFailure {
  /** network: no response; retry: 429/5xx, try again later; auth: token refused after a refresh; fatal: a bug. */
  kind: 'network' | 'retry' | 'auth' | 'fatal';
  status?: number;
  code?: string;
  message: string;
  retryAfterMs?: number;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiFailure };

export interface EdgeApiOptions {
  baseUrl: string;
  /** Returns the candidate's current exam JWT; called at start and again when the edge says TOKEN_EXPIRED. */
  getToken: () => string | Promise<string>;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Any contracts schema: the response body is parsed with it at this boundary. */
interface ResponseSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface EdgeApi {
  post<T>(
    path: string,
    body: unknown,
    schema: ResponseSchema<T>,
    /** A Blob body is sent as is with its own type (thumbnails); anything else as JSON. */
    init?: { keepalive?: boolean },
  ): Promise<ApiResult<T>>;
}

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function createEdgeApi(options: EdgeApiOptions): EdgeApi {
  if (!/^https?:\/\//.test(options.baseUrl))
    throw new Error(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const now = options.now ?? Date.now;
  let token: string | undefined;

  async function send(path: string, body: string | Blob, keepalive: boolean): Promise<Response | ApiFailure> {
    token ??= await options.getToken();
    const type = typeof body === 'string' ? 'application/json' : body.type;
    try {
      return await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${token}` },
        body,
        keepalive,
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (err) {
      return { kind: 'network', message: err instanceof Error ? err.message : String(err) };
    }
  }

  async function failure(res: Response): Promise<ApiFailure> {
    const parsed = ErrorEnvelope.safeParse(await res.json().catch(() => undefined));
    const code = parsed.success ? parsed.data.error.code : undefined;
    const message = parsed.success ? parsed.data.error.message : `HTTP ${res.status}`;
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
    const kind = RETRIABLE_STATUS.has(res.status) ? 'retry' : res.status === 401 ? 'auth' : 'fatal';
    return { kind, status: res.status, code, message, retryAfterMs };
  }

  return {
    async post(path, body, schema, init = {}) {
      const json = body instanceof Blob ? body : JSON.stringify(body);
      let res = await send(path, json, init.keepalive ?? false);
      if (!(res instanceof Response)) return { ok: false, error: res };
      if (res.status === 401) {
        const first = await failure(res);
        if (first.code !== 'TOKEN_EXPIRED') return { ok: false, error: first };
        token = await options.getToken(); // one refresh; a second expiry is the host's problem to report
        res = await send(path, json, init.keepalive ?? false);
        if (!(res instanceof Response)) return { ok: false, error: res };
      }
      if (!res.ok) return { ok: false, error: await failure(res) };
      const parsed = schema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success)
        return { ok: false, error: { kind: 'fatal', status: res.status, message: 'unexpected response body' } };
      return { ok: true, value: parsed.data };
    },
  };
}
