import type { ExecutionArgs, ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { type CallScope, currentCallScope, runInCallScope } from '../engine/call-scope.ts';
import {
  ClientGoneError,
  EngineCallLimitError,
  QueryTimeoutError,
  ResponseTooLargeError,
  WharfError,
} from '../engine/errors.ts';
import type { EngineCall } from '../engine/transport.ts';
import { isLiveOperation } from '../streams/live-operation.ts';
import { releasing } from '../streams/releasing.ts';
import { clientAddress, type TransportContext } from '../transport-context.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type QueryLimits } from './limits.ts';

interface ScopeOptions {
  client: string;
  /** Aborts when the client goes away (HTTP request closed, WebSocket `complete` or close). */
  clientSignal: AbortSignal | undefined;
  limits: QueryLimits;
  production: boolean;
  /**
   * A query's deadline runs from its start; a subscription event's from its first engine call,
   * since the wait for the event itself is not work done for the client. A subscription's own
   * scope (the engine streams it follows) lives as long as the client wants: no deadline.
   */
  deadlineFrom: 'start' | 'first-call' | 'never';
  /** The operation's engine calls, shared by all its scopes (a subscription has several). */
  tally: { calls: number };
}

const tallies = new WeakMap<object, { calls: number }>();

function tallyOf(context: object): { calls: number } {
  let tally = tallies.get(context);
  if (!tally) {
    tally = { calls: 0 };
    tallies.set(context, tally);
  }
  return tally;
}

/** Engine calls the operation with this context has made so far, in all its scopes (access log). */
export function engineCallsOf(context: object): number {
  return tallies.get(context)?.calls ?? 0;
}

/**
 * One operation's (or one subscription event's) budget: engine calls, response bytes and time.
 * Spending any of them aborts `signal` with the coded error, which ends every engine call of the
 * scope and, through the executor's signal, every resolver still to run.
 */
export class OperationScope implements CallScope {
  readonly client: string;
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly options: ScopeOptions;
  private calls = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly onClientGone = () => this.controller.abort(new ClientGoneError());

  constructor(options: ScopeOptions) {
    this.options = options;
    this.client = options.client;
    this.signal = this.controller.signal;
    if (options.clientSignal?.aborted) this.onClientGone();
    options.clientSignal?.addEventListener('abort', this.onClientGone, { once: true });
    if (options.deadlineFrom === 'start') this.startDeadline();
  }

  get limits(): Readonly<QueryLimits> {
    return this.options.limits;
  }

  charge(_call: EngineCall): void {
    this.signal.throwIfAborted();
    this.startDeadline();
    this.calls += 1;
    this.options.tally.calls += 1;
    const max = this.options.limits.maxEngineCalls;
    if (this.calls > max) {
      this.fail(
        new EngineCallLimitError(
          this.message(`engine call limit (${LIMIT_VARIABLES.maxEngineCalls}) exceeded`, `${max}`),
        ),
      );
    }
  }

  /** Big strings (log text, exec output) count as they are read, so an oversized answer stops early. */
  chargeBytes(bytes: number): void {
    this.signal.throwIfAborted();
    this.bytes += bytes;
    const max = this.options.limits.maxResponseBytes;
    if (this.bytes > max) this.fail(tooLarge(max, this.options.production));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.options.clientSignal?.removeEventListener('abort', this.onClientGone);
  }

  private startDeadline(): void {
    if (this.timer || this.signal.aborted || this.options.deadlineFrom === 'never') return;
    const ms = this.options.limits.queryTimeoutMs;
    this.timer = setTimeout(
      () =>
        this.controller.abort(
          new QueryTimeoutError(
            this.message(`deadline (${LIMIT_VARIABLES.queryTimeoutMs}) passed`, `${ms} ms`),
          ),
        ),
      ms,
    );
    this.timer.unref();
  }

  private message(text: string, numbers: string): string {
    return this.options.production ? text : `${text}: ${numbers}`;
  }

  private fail(error: WharfError): never {
    this.controller.abort(error);
    throw error;
  }
}

function tooLarge(max: number, production: boolean): ResponseTooLargeError {
  const text = `response size limit (${LIMIT_VARIABLES.maxResponseBytes}) exceeded`;
  return new ResponseTooLargeError(production ? text : `${text}: ${max} bytes of JSON`);
}

/** Counts `bytes` of answer against the current operation's response budget, if any. */
export function chargeResponseBytes(bytes: number): void {
  const scope = currentCallScope();
  if (scope instanceof OperationScope) scope.chargeBytes(bytes);
}

/** The limits of the operation running now (resolvers that cap what they read use them). */
export function currentLimits(): Readonly<QueryLimits> {
  const scope = currentCallScope();
  return scope instanceof OperationScope ? scope.limits : DEFAULT_LIMITS;
}

function scopeOptions(
  ctx: TransportContext,
): Pick<ScopeOptions, 'client' | 'clientSignal' | 'tally'> {
  return {
    client: clientAddress(ctx),
    clientSignal: ctx.clientSignal ?? ctx.request?.signal,
    tally: tallyOf(ctx),
  };
}

function asResult(error: WharfError): ExecutionResult {
  return { errors: [error] };
}

/** One execution inside `scope`, its engine calls and resolvers stopped when the scope aborts. */
async function runScoped(
  scope: OperationScope,
  executeFn: (args: ExecutionArgs) => unknown,
  executeArgs: ExecutionArgs,
) {
  try {
    const result = await runInCallScope(scope, () =>
      executeFn({ ...executeArgs, signal: scope.signal } as ExecutionArgs),
    );
    // graphql-js rejects with the reason; compiled queries (src/compiled-queries.ts) finish with
    // the fields the abort cut off as errors. Either way the answer is the reason alone.
    if (scope.signal.aborted && scope.signal.reason instanceof WharfError)
      return asResult(scope.signal.reason);
    return result;
  } catch (error) {
    // The executor rejects with the signal's reason when the scope is aborted.
    if (error === scope.signal.reason && error instanceof WharfError) return asResult(error);
    throw error;
  } finally {
    scope.dispose();
  }
}

/** Each `next()` (which resolves one event) runs in a fresh scope of its own. */
function perEvent<T>(
  source: AsyncIterable<T>,
  newScope: () => OperationScope,
): AsyncIterableIterator<T> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      const scope = newScope();
      try {
        return await runInCallScope(scope, () => inner.next());
      } finally {
        scope.dispose();
      }
    },
    async return(value?: unknown) {
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      if (inner.throw) return inner.throw(error);
      throw error;
    },
  };
  return iterator;
}

/**
 * Every query and mutation runs in an OperationScope (and every event a subscription delivers in
 * one of its own), on every transport: the engine calls it makes are charged to it (the transport
 * reads it from async context), and its signal stops both them and the executor.
 */
export function useOperationScope(limits: QueryLimits, production: boolean): Plugin {
  // A result shared by several subscribers (src/streams/shared-subscriptions.ts) is measured
  // once: what each of them is sent instead is kept with it.
  const measured = new WeakMap<ExecutionResult, ExecutionResult>();
  const measure = (result: ExecutionResult, setResult: (result: ExecutionResult) => void) => {
    let sent = measured.get(result);
    if (sent === undefined) {
      const text = JSON.stringify(result);
      if (Buffer.byteLength(text) > limits.maxResponseBytes)
        sent = asResult(tooLarge(limits.maxResponseBytes, production));
      // Yoga serializes a result with its `stringify` (HTTP and SSE): the text measured here,
      // rather than a second JSON.stringify. Errors and extensions are still to be masked or
      // trimmed after this, so yoga serializes those results afresh.
      else if (!result.errors && !result.extensions)
        sent = { ...result, stringify: () => text } as ExecutionResult;
      else sent = result;
      measured.set(result, sent);
    }
    if (sent !== result) setResult(sent);
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as TransportContext;
      if (isLiveOperation(args)) {
        // The live query store calls this once per run, for as long as the client stays: each run
        // is budgeted on its own, and the client going away ends them all.
        ctx.signal = scopeOptions(ctx).clientSignal;
        setExecuteFn((executeArgs: ExecutionArgs) =>
          runScoped(
            new OperationScope({ ...scopeOptions(ctx), limits, production, deadlineFrom: 'start' }),
            executeFn,
            executeArgs,
          ),
        );
        return;
      }
      const scope = new OperationScope({
        ...scopeOptions(ctx),
        limits,
        production,
        deadlineFrom: 'start',
      });
      // Long mutations (containerWait, exec, imagePull) follow ctx.signal.
      ctx.signal = scope.signal;
      setExecuteFn((executeArgs: ExecutionArgs) => runScoped(scope, executeFn, executeArgs));
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) measure(result as ExecutionResult, setResult);
        },
      };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const ctx = args.contextValue as TransportContext;
      ctx.signal = scopeOptions(ctx).clientSignal;
      // Scopes come from the context the subscription runs in: a shared group's
      // (src/streams/shared-subscriptions.ts) has its own, so no member's leaving ends it.
      setSubscribeFn(async (subscribeArgs: ExecutionArgs) => {
        const options = scopeOptions(subscribeArgs.contextValue as TransportContext);
        // The subscription's source (the engine stream it follows) is charged to a scope that
        // lasts as long as the subscription; each delivered event is resolved in a budgeted one.
        const lifetime = new OperationScope({
          ...options,
          limits: { ...limits, maxEngineCalls: Number.POSITIVE_INFINITY },
          production,
          deadlineFrom: 'never',
        });
        const newScope = () =>
          new OperationScope({ ...options, limits, production, deadlineFrom: 'first-call' });
        const dispose = () => lifetime.dispose();
        const result = await runInCallScope(lifetime, () => subscribeFn(subscribeArgs)).catch(
          (error: unknown) => {
            dispose();
            throw error;
          },
        );
        if (isAsyncIterable<ExecutionResult>(result))
          return releasing(perEvent(result, newScope), dispose);
        dispose();
        return result;
      });
      return {
        onSubscribeResult: () => ({
          onNext: ({ result, setResult }) => measure(result, setResult),
        }),
      };
    },
  };
}
