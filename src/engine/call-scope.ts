import { AsyncLocalStorage } from 'node:async_hooks';
import type { EngineCall } from './transport.ts';

/**
 * What an engine call is charged to: one GraphQL operation (or one event a subscription delivers)
 * of one client. The transport reads it from async context, so no endpoint needs to thread it.
 */
export interface CallScope {
  /** Fairness key (the client's address): short calls are queued per client, served in turn. */
  readonly client: string;
  /** Aborts every engine call of the scope: client gone, deadline passed, budget spent. */
  readonly signal: AbortSignal;
  /** Called for every engine call before it is sent; throws a WharfError to refuse it. */
  charge(call: EngineCall): void;
}

const storage = new AsyncLocalStorage<CallScope>();

export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/**
 * Shared upstreams (the event hub, stats hubs, version negotiation) serve many operations and
 * belong to none: started inside a scope, they would be charged to, and aborted with, whichever
 * operation happened to start them.
 */
export function outsideCallScope<T>(fn: () => T): T {
  return storage.exit(fn);
}
