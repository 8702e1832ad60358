import { context, DiagLogLevel, diag } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Logger } from '../log.ts';
import { traceEngineCalls } from './engine-call-spans.ts';
import { operationSpanPlugins } from './operation-spans.ts';
import type { Tracing } from './tracing.ts';
import type { TracingConfig } from './tracing-config.ts';

/** The instrumentation scope Wharf's spans are reported under. */
const SCOPE = 'wharf';

/**
 * One TracerProvider exporting over OTLP/HTTP (JSON) in batches. Only the context manager is
 * registered globally (async context carries the operation's span down to its engine calls); the
 * provider and the W3C propagator are handed to their users, so nothing else in the process
 * starts tracing by accident.
 */
export function startTracing(config: TracingConfig, logger: Logger): Tracing {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager)) {
    contextManager.disable();
    throw new Error('tracing is already started in this process');
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    // A caller that did not sample its trace is not sampled here either.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    // No events: the envelop plugin records a failed operation's errors as an exception event
    // whose message is the errors' JSON, and messages may echo variables. The code is kept as an
    // attribute instead (operation-spans.ts).
    spanLimits: { eventCountLimit: 0 },
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.tracesUrl }) }),
    ],
  });
  const tracer = provider.getTracer(SCOPE);
  // The SDK's own errors (a collector that refuses or is down); its warnings are per span.
  const report = (message: string) => logger.warn('tracing: span export failed', { message });
  diag.setLogger(
    { error: report, warn: report, info: report, debug: report, verbose: report },
    DiagLogLevel.ERROR,
  );
  return {
    plugins: operationSpanPlugins(provider, SCOPE),
    traceEngineCalls: (engines) => traceEngineCalls(tracer, engines),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        context.disable();
        diag.disable();
      }
    },
  };
}
