import {
  getCurrentOtelContext,
  setCurrentOtelContext,
  useOpenTelemetry,
} from '@envelop/opentelemetry';
import {
  type Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { classifyError } from '../access-log.ts';
import type { TransportContext } from '../transport-context.ts';

/** The operation span's result code: `ok`, or its first error's code, as the access log has it. */
export const RESULT_CODE = 'wharf.result.code';

const propagator = new W3CTraceContextPropagator();

/**
 * The caller's W3C `traceparent` (for graphql-ws: the upgrade request's) becomes the parent of
 * the operation's span, so Wharf's spans join the caller's trace; without one, a trace starts here.
 */
function useCallerTrace(): Plugin {
  const join = (contextValue: unknown) => {
    const headers = (contextValue as TransportContext).req?.headers ?? {};
    setCurrentOtelContext(
      contextValue,
      propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    );
  };
  return {
    onExecute: ({ args }) => join(args.contextValue),
    onSubscribe: ({ args }) => join(args.contextValue),
  };
}

/**
 * Sets RESULT_CODE on the operation's span. It goes before useOpenTelemetry: its callbacks run
 * first, while the span (which that plugin ends in its own) still takes attributes.
 */
function useResultCode(): Plugin {
  const recorder = (contextValue: unknown) => {
    let code: string | undefined;
    const span = () => trace.getSpan(getCurrentOtelContext(contextValue));
    return {
      errors(errors: readonly unknown[] | undefined) {
        if (code !== undefined || !errors?.length) return;
        code = classifyError(errors[0], 'BAD_USER_INPUT').code;
        span()?.setAttribute(RESULT_CODE, code);
      },
      end() {
        if (code === undefined) span()?.setAttribute(RESULT_CODE, 'ok');
      },
    };
  };
  return {
    onExecute({ args }) {
      const result = recorder(args.contextValue);
      return {
        onExecuteDone({ result: done }) {
          if (isAsyncIterable(done)) {
            return {
              onNext: ({ result: part }) => result.errors(part.errors),
              onEnd: () => result.end(),
            };
          }
          result.errors(done.errors);
          result.end();
          return undefined;
        },
      };
    },
    onSubscribe({ args }) {
      const result = recorder(args.contextValue);
      return {
        onSubscribeError: ({ error }) => result.errors([error]),
        onSubscribeResult: () => ({
          onNext: ({ result: part }) => result.errors(part.errors),
          onEnd: () => result.end(),
        }),
      };
    },
  };
}

/** The attribute @envelop/opentelemetry puts the operation's text in. */
const DOCUMENT = 'graphql.execute.document';

/**
 * @envelop/opentelemetry 9.2 puts a subscription's text on its span even with `document: false`
 * (its onSubscribe ignores the option): the tracer it is given drops that attribute.
 */
function withoutDocuments(provider: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options);
      return Object.assign(Object.create(tracer) as Tracer, {
        startSpan(spanName: string, spanOptions?: SpanOptions, context?: Context) {
          if (!spanOptions?.attributes || !(DOCUMENT in spanOptions.attributes)) {
            return tracer.startSpan(spanName, spanOptions, context);
          }
          const { [DOCUMENT]: _document, ...attributes } = spanOptions.attributes;
          return tracer.startSpan(spanName, { ...spanOptions, attributes }, context);
        },
      });
    },
  };
}

/**
 * One SERVER span per operation (`query.Name`, with the operation's name and type), joined to the
 * caller's trace, with its result code. Never the document, the variables or the result: they
 * may hold secrets (an env value, a registry password).
 */
export function operationSpanPlugins(provider: TracerProvider, scope: string): Plugin[] {
  return [
    useCallerTrace(),
    useResultCode(),
    // Typed for a context declaring the plugin's span symbol, which yoga's does not declare.
    useOpenTelemetry(
      { resolvers: false, variables: false, result: false, document: false },
      withoutDocuments(provider),
      SpanKind.SERVER,
      {},
      scope,
    ) as Plugin,
  ];
}
