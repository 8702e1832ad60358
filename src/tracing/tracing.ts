import type { Plugin } from 'graphql-yoga';
import type { EngineRegistry } from '../engine/registry.ts';
import type { Logger } from '../log.ts';
import type { TracingConfig } from './tracing-config.ts';

/** A started OpenTelemetry SDK: what the gateway plugs in, and what flushes it at the end. */
export interface Tracing {
  /** The operation spans' envelop plugins, in order; they go last, outermost around execution. */
  readonly plugins: Plugin[];
  /** A child span for every engine call an operation makes; the function returned stops that. */
  traceEngineCalls(engines: EngineRegistry): () => void;
  /** Exports the spans still buffered, then stops the SDK (the process may start another). */
  shutdown(): Promise<void>;
}

/**
 * Loads the SDK only now: a gateway without OTEL_EXPORTER_OTLP_ENDPOINT never imports it, so
 * tracing that is off costs nothing.
 */
export async function loadTracing(config: TracingConfig, logger: Logger): Promise<Tracing> {
  const { startTracing } = await import('./start-tracing.ts');
  return startTracing(config, logger);
}
