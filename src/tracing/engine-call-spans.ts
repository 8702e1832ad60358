import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { currentCallScope } from '../engine/call-scope.ts';
import type { EngineRegistry } from '../engine/registry.ts';
import { callResult, callStatus } from '../metrics/engine-metrics.ts';
import { engineRoute } from '../metrics/engine-routes.ts';

const untraced = () => {};

/**
 * A CLIENT span per engine call an operation makes, a child of the operation's span: the method,
 * the route template (never the path: it holds ids and names, the query holds filters) and the
 * engine's status. It ends where the metrics' timing does (a stream's: at its response head).
 * Returns what stops tracing the calls.
 */
export function traceEngineCalls(tracer: Tracer, engines: EngineRegistry): () => void {
  const stops = engines.names().flatMap((name) => {
    const client = engines.client(name);
    if (!client) return [];
    return [
      client.observeCalls((call) => {
        const parent = context.active();
        // Shared upstreams (the event hub, stats hubs) leave the call scope: they belong to no
        // operation, not even the one that happened to start them.
        if (!currentCallScope() || !trace.getSpan(parent)) return untraced;
        const route = engineRoute(call.path);
        const span = tracer.startSpan(
          `${call.method} ${route}`,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'http.request.method': call.method,
              'url.template': route,
              'wharf.engine': call.engine,
            },
          },
          parent,
        );
        return (outcome) => {
          const status = callStatus(outcome);
          if (status > 0) span.setAttribute('http.response.status_code', status);
          const result = callResult(outcome);
          if (!/^[123]xx$/.test(result)) {
            span.setAttribute('error.type', result);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        };
      }),
    ];
  });
  return () => {
    for (const stop of stops) stop();
  };
}
