import type { LogLevel } from './config.ts';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  }
  return value;
}

/** One JSON object per line on stderr (stdout stays free for `print-schema`). */
export function createLogger(
  level: LogLevel,
  write = (line: string) => process.stderr.write(line),
): Logger {
  const log =
    (at: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (RANK[at] < RANK[level]) return;
      const entry: Record<string, unknown> = {
        time: new Date().toISOString(),
        level: at,
        msg: message,
      };
      for (const [key, value] of Object.entries(fields)) entry[key] = serialize(value);
      write(`${JSON.stringify(entry)}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
