// Structured JSON logs: one line per event, an event name plus a context object.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(event: string, context?: Record<string, unknown>): void;
  info(event: string, context?: Record<string, unknown>): void;
  warn(event: string, context?: Record<string, unknown>): void;
  error(event: string, context?: Record<string, unknown>): void;
}

/** Errors become {name, message, code?} so a log line never carries a stack as an unreadable object. */
export function errorContext(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(code === undefined ? {} : { code }) };
}

export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const min = RANK[level];
  const emit =
    (lvl: LogLevel) =>
    (event: string, context: Record<string, unknown> = {}) => {
      if (RANK[lvl] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...base, ...context }));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
