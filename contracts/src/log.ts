// The one logger: structured JSON lines (an event name plus a context object), redacted so tokens never reach one.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
type Fields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Keys whose values are credentials, whatever their content. */
const SECRET_KEY = /authorization|token|password|secret|cookie|jwt/i;
/** Anything shaped like a compact JWS, wherever it hides (an upstream error message, a URL). */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.?[A-Za-z0-9_-]*/g;

/** Defence in depth: callers already avoid logging credentials; this catches the ones that slip through. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(JWT_SHAPE, '[redacted-jwt]');
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** Errors become {name, message, code?} so a log line never carries a stack as an unreadable object. */
export function errorContext(err: unknown): Fields {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(code === undefined ? {} : { code }) };
}

/** console.log writes one line on Workers and in Node alike. */
export function createLogger(
  level: LogLevel = 'info',
  base: Fields = {},
  sink: (line: string) => void = console.log,
): Logger {
  const min = ORDER[level];
  const write = (lvl: LogLevel, event: string, fields?: Fields) => {
    if (ORDER[lvl] < min) return;
    sink(JSON.stringify(redact({ level: lvl, event, time: new Date().toISOString(), ...base, ...fields })));
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}
