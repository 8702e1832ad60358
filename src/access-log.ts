import { type DocumentNode, type ExecutionResult, GraphQLError, getOperationAST } from 'graphql';
import { isAsyncIterable, type Plugin, type YogaLogger } from 'graphql-yoga';
import { EngineError, OrphanedContainerError, type WharfCode } from './engine/errors.ts';
import { maskError } from './graphql/errors.ts';
import { engineCallsOf } from './limits/operation-scope.ts';
import { type Logger, serializeError } from './log.ts';
import { clientAddress, type TransportContext } from './transport-context.ts';

/**
 * Codes that say something is wrong on the server's side (the engine, the pool, Wharf itself), as
 * opposed to the client's input or limits: those are worth a warning; a client's are not.
 */
const SERVER_CODES = new Set<string>([
  'ENGINE_UNAVAILABLE',
  'ENGINE_ERROR',
  'ENGINE_BUSY',
  'ENGINE_UNSUPPORTED',
] satisfies WharfCode[]);

/** Unexpected or server-side errors logged per operation; the rest are only counted. */
const REPORTED_PER_OPERATION = 3;

type Kind = 'client' | 'server' | 'unexpected';

interface Classified {
  code: string;
  kind: Kind;
  /** The error beneath graphql's wrappers: what was thrown. */
  original: unknown;
}

function unwrap(error: unknown): unknown {
  let original = error;
  while (original instanceof GraphQLError && original.originalError) {
    original = original.originalError;
  }
  return original;
}

/**
 * The code the client is shown (the same mask decides it) and whose side the error is on.
 * `fallback` names graphql-js's own uncoded errors (syntax, validation, variable coercion).
 */
export function classifyError(error: unknown, fallback: string): Classified {
  const original = unwrap(error);
  if (original instanceof Error && original.name === 'AbortError') {
    return { code: 'ABORTED', kind: 'client', original };
  }
  // What reached us bare (a rejected iterator, a request-level failure) is masked as if wrapped.
  const wrapped =
    error instanceof GraphQLError
      ? error
      : new GraphQLError(String(error), { originalError: error instanceof Error ? error : null });
  const masked = maskError(wrapped, 'Unexpected error.', false);
  const shown = masked instanceof GraphQLError ? masked.extensions?.code : undefined;
  const code = typeof shown === 'string' ? shown : fallback;
  if (code === 'INTERNAL_SERVER_ERROR') return { code, kind: 'unexpected', original };
  const server = SERVER_CODES.has(code) || original instanceof OrphanedContainerError;
  return { code, kind: server ? 'server' : 'client', original };
}

/** Errors already reported (or counted) here, so yoga's own masking log skips them. */
const seen = new WeakSet<object>();

/**
 * One line for a server-side or unexpected error, without the query or its variables: an
 * unexpected one with its stack and cause chain, an engine failure with the cause beneath it (the
 * errno, syscall and address of a refused socket), never the engine's message (it may echo input).
 */
function reportError(logger: Logger, { code, kind, original }: Classified, fields: object): void {
  if (kind === 'client') return;
  if (kind === 'unexpected') {
    logger.error('unexpected error', { ...fields, code, error: serializeError(original) });
    return;
  }
  if (original instanceof OrphanedContainerError) {
    logger.warn('container left behind after a failed create', {
      ...fields,
      code,
      orphanedId: original.orphanedId,
      cause: serializeError(original.undoError),
    });
    return;
  }
  logger.warn('engine failure', {
    ...fields,
    code,
    ...(original instanceof EngineError && original.statusCode > 0
      ? { statusCode: original.statusCode }
      : {}),
    ...(original instanceof Error &&
      original.cause !== undefined && { cause: serializeError(original.cause) }),
  });
}

interface Operation {
  start: number;
  client: string;
  transport: 'http' | 'sse' | 'ws';
  operation: string | null;
  type: string | null;
  /** The operation's context: its engine calls are tallied on it (src/limits/operation-scope.ts). */
  context: object;
  events: number;
  errors: number;
  codes: Record<string, number>;
  firstCode: string | undefined;
  reported: number;
  done: boolean;
}

/** An operation that ended, as its access log line tells it: what the metrics count (src/metrics/). */
export interface OperationRecord {
  operation: string | null;
  type: string | null;
  transport: Operation['transport'];
  /** The first error's code, or `ok`. */
  code: string;
  durationMs: number;
  /** Its errors by code. */
  codes: Readonly<Record<string, number>>;
}

function transportOf(ctx: TransportContext): Operation['transport'] {
  if (ctx.socket) return 'ws';
  return ctx.request?.headers.get('accept')?.includes('text/event-stream') ? 'sse' : 'http';
}

/**
 * The access log, on every transport (HTTP, SSE and graphql-ws all run yoga's envelop pipeline):
 * one `info` line per operation when it ends (a subscription also gets one when it starts) with
 * its name and type, duration, result code, engine calls and client address. Client errors are
 * counted by code (at `debug`); server-side and unexpected ones get a line of their own. Never the
 * query text or the variables.
 */
export function useAccessLog(logger: Logger, onEnd?: (record: OperationRecord) => void): Plugin {
  const operations = new WeakMap<object, Operation>();

  const fieldsOf = (op: Operation) => ({
    operation: op.operation,
    type: op.type,
    transport: op.transport,
    client: op.client,
  });

  const note = (op: Operation, errors: readonly unknown[] | undefined, fallback: string) => {
    for (const error of errors ?? []) {
      if (typeof error === 'object' && error !== null) {
        seen.add(error);
        const original = unwrap(error);
        if (typeof original === 'object' && original !== null) seen.add(original);
      }
      const classified = classifyError(error, fallback);
      op.errors += 1;
      op.codes[classified.code] = (op.codes[classified.code] ?? 0) + 1;
      op.firstCode ??= classified.code;
      if (classified.kind !== 'client' && op.reported < REPORTED_PER_OPERATION) {
        op.reported += 1;
        reportError(logger, classified, fieldsOf(op));
      }
    }
  };

  const finish = (op: Operation) => {
    if (op.done) return;
    op.done = true;
    const durationMs = performance.now() - op.start;
    const code = op.firstCode ?? 'ok';
    onEnd?.({
      operation: op.operation,
      type: op.type,
      transport: op.transport,
      code,
      durationMs,
      codes: op.codes,
    });
    logger.info('operation', {
      ...fieldsOf(op),
      durationMs: Math.round(durationMs),
      code,
      errors: op.errors,
      engineCalls: engineCallsOf(op.context),
      ...(op.type === 'subscription' && { events: op.events }),
    });
    if (op.errors > 0) logger.debug('operation errors', { ...fieldsOf(op), codes: op.codes });
  };

  const get = (ctx: object | undefined) => (ctx ? operations.get(ctx) : undefined);

  /** The subscription's events, each resolved in the caller's scope; ends the record when it ends. */
  const tracked = <T extends ExecutionResult>(
    op: Operation,
    source: AsyncIterable<T>,
  ): AsyncIterableIterator<T> => {
    const inner = source[Symbol.asyncIterator]();
    const iterator: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]: () => iterator,
      async next() {
        try {
          const step = await inner.next();
          if (step.done) finish(op);
          else {
            op.events += 1;
            note(op, step.value.errors, 'BAD_USER_INPUT');
          }
          return step;
        } catch (error) {
          note(op, [error], 'INTERNAL_SERVER_ERROR');
          finish(op);
          throw error;
        }
      },
      async return(value?: unknown) {
        finish(op);
        return (await inner.return?.(value)) ?? { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        finish(op);
        if (inner.throw) return inner.throw(error);
        throw error;
      },
    };
    return iterator;
  };

  return {
    onParse({ context }) {
      const ctx = context as TransportContext;
      const op: Operation = {
        start: performance.now(),
        client: clientAddress(ctx),
        transport: transportOf(ctx),
        operation: null,
        type: null,
        context,
        events: 0,
        errors: 0,
        codes: {},
        firstCode: undefined,
        reported: 0,
        done: false,
      };
      operations.set(context, op);
      return ({ result }) => {
        if (result instanceof Error) {
          note(op, [result], 'GRAPHQL_PARSE_FAILED');
          finish(op);
          return;
        }
        if (!result) return;
        const ast = getOperationAST(result as DocumentNode, ctx.params?.operationName ?? undefined);
        op.type = ast?.operation ?? null;
        op.operation = ast?.name?.value ?? null;
      };
    },
    onValidate({ context }) {
      return ({ valid, result }) => {
        const op = get(context);
        if (valid || !op) return;
        note(op, result, 'GRAPHQL_VALIDATION_FAILED');
        finish(op);
      };
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const op = get(args.contextValue as object);
      if (!op) return;
      setExecuteFn(async (executeArgs) => {
        try {
          return await executeFn(executeArgs);
        } catch (error) {
          note(op, [error], 'INTERNAL_SERVER_ERROR');
          finish(op);
          throw error;
        }
      });
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) {
            return {
              onNext: ({ result: part }) => note(op, part.errors, 'BAD_USER_INPUT'),
              onEnd: () => finish(op),
            };
          }
          note(op, result.errors, 'BAD_USER_INPUT');
          finish(op);
          return undefined;
        },
      };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const op = get(args.contextValue as object);
      if (!op) return;
      setSubscribeFn(async (subscribeArgs) => {
        try {
          const result = await subscribeFn(subscribeArgs);
          return isAsyncIterable(result)
            ? tracked(op, result as AsyncIterable<ExecutionResult>)
            : result;
        } catch (error) {
          note(op, [error], 'INTERNAL_SERVER_ERROR');
          finish(op);
          throw error;
        }
      });
      return {
        onSubscribeResult({ result }) {
          if (isAsyncIterable(result)) {
            logger.info('subscription started', {
              ...fieldsOf(op),
              engineCalls: engineCallsOf(op.context),
            });
            return;
          }
          note(op, result.errors, 'BAD_USER_INPUT');
          finish(op);
        },
      };
    },
  };
}

/**
 * yoga's `logging`: its own messages without their arguments (which can hold the request), and
 * the errors it masks outside any operation (context factory, request handling) classified like
 * the rest. Errors an operation already reported are skipped.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const first = (args: unknown[]) => String(args[0]).slice(0, 200);
  return {
    debug: (...args) => logger.debug(first(args)),
    info: (...args) => logger.info(first(args)),
    warn: (...args) => logger.warn(first(args)),
    error: (...args) => {
      const error = args.find((arg) => typeof arg === 'object' && arg !== null) ?? args[0];
      if (typeof error === 'object' && error !== null && seen.has(error)) return;
      const classified = classifyError(error, 'INTERNAL_SERVER_ERROR');
      if (classified.kind === 'client') logger.debug('request error', { code: classified.code });
      else reportError(logger, classified, {});
    },
  };
}
