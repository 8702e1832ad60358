import { loadTokensFile, type TokenEntry } from './auth/tokens.ts';
import { type CredentialsConfig, loadCredentialsConfig } from './credentials/credentials-config.ts';
import { BadUserInputError } from './engine/errors.ts';
import { type EnginesConfig, engineFromEnvironment, loadEnginesFile } from './engines-file.ts';
import { type HttpConfig, isLoopbackListen, loadHttpConfig } from './http/http-config.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type QueryLimits } from './limits/limits.ts';
import { type MutationRate, parseMutationRate } from './limits/mutation-rate.ts';
import { loadPolicyConfig, type PolicyConfig } from './model/policy/policy-config.ts';
import {
  DEFAULT_STREAM_LIMITS,
  STREAM_LIMIT_VARIABLES,
  type StreamLimits,
} from './streams/stream-limits.ts';
import { loadTracingConfig, type TracingConfig } from './tracing/tracing-config.ts';

export interface Config {
  listen: { host: string; port: number };
  /** WHARF_ENGINES_FILE's engines, or `local` from DOCKER_HOST (src/engines-file.ts). */
  engines: EnginesConfig & { file: string | undefined };
  /** Settings every engine's client shares. */
  engine: {
    timeoutMs: number;
    maxConnections: number;
    /** WHARF_CACHE (on by default): reads from the event-fed state cache; `off`: every read asks the engine. */
    cache: boolean;
  };
  logLevel: LogLevel;
  /** WHARF_LOG_RATE: lines a second of one message from one client; the rest are counted. */
  logRatePerSecond: number;
  /** Browser defences and who may listen openly (src/http/http-config.ts). */
  http: HttpConfig;
  /** Query limits and the per-operation budget (WHARF_MAX_*, WHARF_QUERY_TIMEOUT_MS). */
  limits: QueryLimits;
  /** Engine stream cap, subscription caps, WebSocket init timeout (src/streams/stream-limits.ts). */
  streams: StreamLimits;
  /** WHARF_MUTATION_RATE: calls of one mutation per token and window; undefined: `off`. */
  mutationRate: MutationRate | undefined;
  /** Production hides GraphiQL-irrelevant internals from errors; development keeps messages verbose. */
  production: boolean;
  /** WHARF_TOKENS_FILE and its entries, checked; unset: no tokens, everyone is the local admin. */
  tokens: { file: string; entries: TokenEntry[] } | undefined;
  /** WHARF_AUDIT_FILE: audit lines go to this file (append-only, fsync per line), else to the log. */
  audit: { file: string | undefined };
  /** The create policy for non-admins: WHARF_BIND_ALLOW, WHARF_REGISTRY_ALLOW, WHARF_DENY_ROOT_USER, WHARF_LOG_DRIVER_ALLOW. */
  policy: PolicyConfig;
  /** WHARF_REGISTRY_AUTH_FILE and the docker CLI's config.json: registry credentials. */
  registryAuth: CredentialsConfig;
  /** WHARF_METRICS_LISTEN: a loopback listener serving only /metrics, without a token. */
  metrics: { listen: { host: string; port: number } | undefined };
  /** OTEL_EXPORTER_OTLP_ENDPOINT: traces over OTLP/HTTP; unset: no tracing (src/tracing/). */
  tracing: TracingConfig | undefined;
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

/** A group of positive integers, each with its variable and default. */
function positiveInts<K extends string>(
  env: Env,
  defaults: Readonly<Record<K, number>>,
  variables: Readonly<Record<K, string>>,
): Record<K, number> {
  const values = { ...defaults } as Record<K, number>;
  for (const key of Object.keys(variables) as K[]) {
    values[key] = positiveInt(variables[key], env[variables[key]], defaults[key]);
  }
  return values;
}

function loadLimits(env: Env): QueryLimits {
  return positiveInts(env, DEFAULT_LIMITS, LIMIT_VARIABLES);
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new BadUserInputError(`${name}=${value} must be on or off`);
}

/** Without a token in front of it, the metrics listener must not be reachable from elsewhere. */
function metricsListen(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const listen = parseListen(value);
  if (!isLoopbackListen(listen.host)) {
    throw new BadUserInputError(
      `WHARF_METRICS_LISTEN=${value}: only a loopback address (e.g. 127.0.0.1:9464); it serves /metrics without a token. Elsewhere, read /metrics on WHARF_LISTEN with a token`,
    );
  }
  return listen;
}

/** The only reader of the environment. Flags given on the command line win over variables. */
export function loadConfig(env: Env, overrides: { listen?: string | undefined } = {}): Config {
  const logLevel = (env.WHARF_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new BadUserInputError(
      `WHARF_LOG_LEVEL=${logLevel} must be one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  const listen = parseListen(overrides.listen ?? env.WHARF_LISTEN ?? DEFAULT_LISTEN);
  const tokensFile = env.WHARF_TOKENS_FILE?.trim() || undefined;
  const enginesFile = env.WHARF_ENGINES_FILE?.trim() || undefined;
  const engines = enginesFile ? loadEnginesFile(enginesFile, env) : engineFromEnvironment(env);
  const engineNames = engines.list.map((engine) => engine.name);
  return {
    listen,
    engines: { ...engines, file: enginesFile },
    tokens: tokensFile
      ? { file: tokensFile, entries: loadTokensFile(tokensFile, engineNames) }
      : undefined,
    http: loadHttpConfig(env, listen, tokensFile !== undefined),
    engine: {
      timeoutMs: positiveInt('WHARF_ENGINE_TIMEOUT_MS', env.WHARF_ENGINE_TIMEOUT_MS, 30_000),
      maxConnections: positiveInt('WHARF_ENGINE_CONNECTIONS', env.WHARF_ENGINE_CONNECTIONS, 16),
      cache: onOff('WHARF_CACHE', env.WHARF_CACHE, true),
    },
    logLevel,
    logRatePerSecond: positiveInt('WHARF_LOG_RATE', env.WHARF_LOG_RATE, 50),
    limits: loadLimits(env),
    streams: positiveInts(env, DEFAULT_STREAM_LIMITS, STREAM_LIMIT_VARIABLES),
    mutationRate: parseMutationRate(env.WHARF_MUTATION_RATE),
    production: env.NODE_ENV !== 'development',
    audit: { file: env.WHARF_AUDIT_FILE?.trim() || undefined },
    registryAuth: loadCredentialsConfig(env),
    metrics: { listen: metricsListen(env.WHARF_METRICS_LISTEN) },
    tracing: loadTracingConfig(env),
    // Every engine's socket: a bind of any of them is root on this host.
    policy: loadPolicyConfig(
      env,
      engines.list.flatMap(({ endpoint }) =>
        endpoint.kind === 'unix' ? [endpoint.socketPath] : [],
      ),
    ),
  };
}
