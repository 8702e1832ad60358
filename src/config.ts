import { parseApiVersion } from './engine/api-version.ts';
import { type EngineEndpoint, parseDockerHost } from './engine/docker-host.ts';
import { BadUserInputError } from './engine/errors.ts';

export interface Config {
  listen: { host: string; port: number };
  engine: {
    name: string;
    endpoint: EngineEndpoint;
    apiVersion: string | undefined;
    timeoutMs: number;
    maxConnections: number;
  };
  logLevel: LogLevel;
  /** Production hides GraphiQL-irrelevant internals from errors; development keeps messages verbose. */
  production: boolean;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LISTEN = '127.0.0.1:4000';

type Env = Record<string, string | undefined>;

export function parseListen(value: string): { host: string; port: number } {
  const match =
    /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim()) ??
    /^()()(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BadUserInputError(
      `listen address "${value}" is not HOST:PORT (e.g. ${DEFAULT_LISTEN})`,
    );
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new BadUserInputError(`${name}=${value} must be a positive integer`);
  }
  return parsed;
}

/** The only reader of the environment. Flags given on the command line win over variables. */
export function loadConfig(env: Env, overrides: { listen?: string | undefined } = {}): Config {
  const apiVersion = env.DOCKER_API_VERSION?.trim() || undefined;
  if (apiVersion) parseApiVersion(apiVersion);
  const logLevel = (env.WHARF_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new BadUserInputError(
      `WHARF_LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  return {
    listen: parseListen(overrides.listen ?? env.WHARF_LISTEN ?? DEFAULT_LISTEN),
    engine: {
      name: 'local',
      endpoint: parseDockerHost(env),
      apiVersion,
      timeoutMs: positiveInt('WHARF_ENGINE_TIMEOUT_MS', env.WHARF_ENGINE_TIMEOUT_MS, 30_000),
      maxConnections: positiveInt('WHARF_ENGINE_CONNECTIONS', env.WHARF_ENGINE_CONNECTIONS, 16),
    },
    logLevel,
    production: env.NODE_ENV !== 'development',
  };
}
