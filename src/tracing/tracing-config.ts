import { BadUserInputError } from '../engine/errors.ts';

/** Where spans go (OTLP over HTTP, JSON) and the service they are reported under. */
export interface TracingConfig {
  /** The collector's traces URL (`…/v1/traces`). */
  tracesUrl: string;
  serviceName: string;
}

type Env = Record<string, string | undefined>;

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError(`${name}=${value} is not a URL (e.g. http://127.0.0.1:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadUserInputError(`${name}=${value} must be an http:// or https:// URL`);
  }
  return url.href;
}

/**
 * The standard OTEL_* variables: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the traces URL as it is,
 * OTEL_EXPORTER_OTLP_ENDPOINT a base that gets `/v1/traces` (as the OTLP exporter spec says).
 * Neither set, or OTEL_SDK_DISABLED=true: no tracing, and no SDK is loaded.
 */
export function loadTracingConfig(env: Env): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const tracesUrl = traces
    ? httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces)
    : base
      ? `${httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base).replace(/\/+$/, '')}/v1/traces`
      : undefined;
  if (!tracesUrl) return undefined;
  return { tracesUrl, serviceName: env.OTEL_SERVICE_NAME?.trim() || 'wharf' };
}
