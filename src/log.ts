import type { LogLevel } from './config.ts';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /**
   * Lines per second for one message from one client (the `client` field); the rest of the second
   * is dropped and counted in one "log lines suppressed" line. A client cannot multiply lines.
   */
  ratePerSecond?: number;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Bounds of one serialized error: a hostile or looping cause chain stays a few KB. */
const MAX_CAUSE_DEPTH = 5;
const MAX_MESSAGE = 1_000;
const MAX_STACK = 4_000;
const MAX_AGGREGATED = 3;

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length - max} more)` : text;

/** What the system calls beneath an engine failure say: which call, on what, why. */
const ERRNO_FIELDS = ['code', 'errno', 'syscall', 'address', 'port', 'path'] as const;

/** `user:password@` in a URL never reaches a log. */
const withoutUserInfo = (value: unknown) =>
  typeof value === 'string' ? value.replace(/\/\/[^/@\s]*@/g, '//') : value;

/**
 * An Error as JSON: name, message, errno fields, stack and the cause chain (and an
 * AggregateError's first errors), each bounded.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? clip(error, MAX_MESSAGE) : error;
  }
  const out: Record<string, unknown> = {
    name: error.name,
    message: clip(String(withoutUserInfo(error.message)), MAX_MESSAGE),
  };
  for (const field of ERRNO_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) out[field] = withoutUserInfo(value);
  }
  if (error.stack) out.stack = clip(String(withoutUserInfo(error.stack)), MAX_STACK);
  if (depth >= MAX_CAUSE_DEPTH) return out;
  if (error.cause !== undefined) out.cause = serializeError(error.cause, depth + 1);
  if (error instanceof AggregateError) {
    out.errors = error.errors
      .slice(0, MAX_AGGREGATED)
      .map((inner) => serializeError(inner, depth + 1));
  }
  return out;
}

interface Window {
  start: number;
  count: number;
  suppressed: number;
}

/**
 * Per (level, message, client) key, at most `ratePerSecond` lines a second. The summary of a
 * suppressed burst is written when its second is over, so a burst that stops still reports.
 */
function createRateLimiter(ratePerSecond: number, summarize: (key: KeyParts, n: number) => void) {
  const windows = new Map<string, Window & KeyParts>();
  const flush = (id: string) => {
    const window = windows.get(id);
    if (!window) return;
    windows.delete(id);
    if (window.suppressed > 0) summarize(window, window.suppressed);
  };
  return (key: KeyParts): boolean => {
    const id = `${key.level}\u0000${key.msg}\u0000${key.client ?? ''}`;
    const now = Date.now();
    let window = windows.get(id);
    if (!window) {
      window = { ...key, start: now, count: 0, suppressed: 0 };
      windows.set(id, window);
      setTimeout(() => flush(id), 1_000).unref();
    }
    window.count += 1;
    if (window.count <= ratePerSecond) return true;
    window.suppressed += 1;
    return false;
  };
}

interface KeyParts {
  level: LogLevel;
  msg: string;
  client?: string | undefined;
}

/** One JSON object per line on stderr (stdout stays free for `print-schema`). */
export function createLogger(
  level: LogLevel,
  write = (line: string) => process.stderr.write(line),
  options: LoggerOptions = {},
): Logger {
  const emit = (at: LogLevel, message: string, fields: Record<string, unknown>) => {
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: at,
      msg: message,
    };
    for (const [key, value] of Object.entries(fields)) {
      entry[key] = value instanceof Error ? serializeError(value) : value;
    }
    write(`${JSON.stringify(entry)}\n`);
  };
  const allow =
    options.ratePerSecond === undefined
      ? () => true
      : createRateLimiter(options.ratePerSecond, (key, suppressed) =>
          emit('warn', 'log lines suppressed', {
            suppressedMsg: key.msg,
            suppressedLevel: key.level,
            ...(key.client !== undefined && { client: key.client }),
            suppressed,
            ratePerSecond: options.ratePerSecond,
          }),
        );
  const log =
    (at: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (RANK[at] < RANK[level]) return;
      const client = typeof fields.client === 'string' ? fields.client : undefined;
      if (!allow({ level: at, msg: message, client })) return;
      emit(at, message, fields);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Libraries that write to the console (graphql-ws prints errors in its message handling with
 * their stack) and Node's process warnings go through the logger instead: JSON lines, rate-limited
 * like any other, and never a raw multi-line stack on stderr. Returns the function that puts the
 * console back (for tests).
 */
export function routeConsole(logger: Logger): () => void {
  const saved = { ...console };
  const route =
    (fallback: keyof Logger) =>
    (...args: unknown[]) => {
      const message = clip(typeof args[0] === 'string' ? args[0] : 'console output', 200);
      const error = args.find((arg) => arg instanceof Error);
      logger[fallback](message, error ? { error } : {});
    };
  console.error = route('error');
  console.warn = route('warn');
  console.info = route('info');
  console.log = route('info');
  console.debug = route('debug');
  const warnings = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (warning: Error) => logger.warn('process warning', { error: warning });
  process.on('warning', onWarning);
  return () => {
    Object.assign(console, saved);
    process.off('warning', onWarning);
    for (const listener of warnings) process.on('warning', listener);
  };
}
