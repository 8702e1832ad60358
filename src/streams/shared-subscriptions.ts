import {
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  type OperationDefinitionNode,
  print,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.ts';
import { outsideCallScope } from '../engine/call-scope.ts';
import { Fanout } from '../engine/fanout.ts';
import type { TransportContext } from '../transport-context.ts';

/**
 * Root fields whose every subscriber sees the same items from the moment it joins. Not
 * `containerLogs` (history from `tail`/`since` per subscriber), `execAttach` (one client's
 * process) or `imagePull` (an action); `events` only without `after` (a replay per subscriber).
 */
const SHAREABLE: Record<string, readonly string[]> = {
  events: ['after'],
  containerStats: [],
};

/** Results a subscriber may fall behind the group before it is closed with SLOW_CONSUMER. */
const QUEUE_LIMIT = 10_000;

interface Group {
  fanout: Fanout<ExecutionResult>;
  members: number;
  stopped: boolean;
  stop: () => void;
}

const printed = new WeakMap<object, string>();

/** The same document, variables and principal: one execution can answer them all. */
function groupKey(args: ExecutionArgs, principal: Principal): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation || !isShareable(operation, args.variableValues ?? {})) return undefined;
  let text = printed.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    printed.set(args.document, text);
  }
  return JSON.stringify([
    text,
    args.operationName ?? null,
    args.variableValues ?? {},
    principal.kind,
    principal.name,
    principal.role,
    principal.labels,
  ]);
}

function isShareable(operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  const [field, ...more] = operation.selectionSet.selections;
  if (more.length > 0 || field?.kind !== 'Field') return false;
  const excluded = SHAREABLE[field.name.value];
  if (!excluded) return false;
  return (field.arguments ?? []).every((argument) => {
    if (!excluded.includes(argument.name.value)) return true;
    const value = argument.value;
    if (value.kind === 'NullValue') return true;
    return value.kind === 'Variable' && (variables[value.name.value] ?? null) === null;
  });
}

/**
 * Subscribers with the same document, variables and principal share one subscription: one source
 * stream, one execution per event, the same result object fanned out to each (so its size is
 * measured once too). A member that falls behind is closed alone; the group ends with its last
 * member. It runs in a context of its own (fresh loaders, its own signal) outside any member's
 * call scope, so no member's leaving or budget cuts it for the others.
 */
export function useSharedSubscriptions(
  groupContext: (
    context: TransportContext & { principal: Principal },
    signal: AbortSignal,
  ) => object,
): Plugin<TransportContext & { principal: Principal }> {
  /** Groups by key; a promise while the first member's subscribe runs, so joiners wait for it. */
  const groups = new Map<string, Promise<Group | ExecutionResult>>();

  function join(group: Group, key: string, entry: Promise<Group | ExecutionResult>) {
    group.members += 1;
    const { items } = group.fanout.subscribe(() => {
      group.members -= 1;
      if (group.members > 0) return;
      if (groups.get(key) === entry) groups.delete(key);
      group.stop();
    });
    return items;
  }

  async function create(
    subscribeFn: (args: ExecutionArgs) => unknown,
    args: ExecutionArgs,
  ): Promise<Group | ExecutionResult> {
    const abort = new AbortController();
    const contextValue = groupContext(
      args.contextValue as TransportContext & { principal: Principal },
      abort.signal,
    );
    const result = await outsideCallScope(() =>
      (subscribeFn as (a: ExecutionArgs) => Promise<unknown>)({ ...args, contextValue }),
    );
    // A refusal or an error before the first event: every member waiting for it gets it.
    if (!isAsyncIterable<ExecutionResult>(result)) return result as ExecutionResult;
    const source = result[Symbol.asyncIterator]();
    const fanout = new Fanout<ExecutionResult>({ limit: QUEUE_LIMIT, overflow: 'error' });
    const group: Group = {
      fanout,
      members: 0,
      stopped: false,
      stop: () => {
        group.stopped = true;
        abort.abort();
        void source.return?.();
      },
    };
    void outsideCallScope(async () => {
      try {
        for (;;) {
          const next = await source.next();
          if (next.done) break;
          fanout.publish(next.value);
        }
        fanout.close();
      } catch (error) {
        fanout.close(error);
      } finally {
        group.stopped = true;
      }
    });
    return group;
  }

  async function subscribe(
    key: string,
    subscribeFn: (args: ExecutionArgs) => unknown,
    args: ExecutionArgs,
  ): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
    let entry = groups.get(key);
    if (!entry) {
      entry = create(subscribeFn, args);
      groups.set(key, entry);
    }
    const group = await entry.catch((error: unknown) => {
      if (groups.get(key) === entry) groups.delete(key);
      throw error;
    });
    if (!('fanout' in group)) {
      if (groups.get(key) === entry) groups.delete(key);
      return group;
    }
    // It ended between its start and this join: start afresh.
    if (group.stopped) {
      if (groups.get(key) === entry) groups.delete(key);
      return subscribe(key, subscribeFn, args);
    }
    return join(group, key, entry);
  }

  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const key = groupKey(args, args.contextValue.principal);
      if (key === undefined) return;
      setSubscribeFn((subscribeArgs: ExecutionArgs) => subscribe(key, subscribeFn, subscribeArgs));
    },
  };
}
