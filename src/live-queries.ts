import { useLiveQuery } from '@envelop/live-query';
import { InMemoryLiveQueryStore } from '@n1ru4l/in-memory-live-query-store';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { type GraphQLNamedType, type GraphQLSchema, getNamedType, isObjectType } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Context } from './context.ts';
import { BadUserInputError } from './engine/errors.ts';
import type { EngineRegistry } from './engine/registry.ts';
import type { StateChange, StateKind } from './engine/state/engine-state.ts';
import { asPatches, requestedPatches } from './live-patches.ts';
import { followChanges, followEngineStatus } from './model/changes.ts';
import { refreshLoaders } from './model/loaders/request-loaders.ts';
import { isLiveOperation } from './streams/live-operation.ts';
import { releasing } from './streams/releasing.ts';
import type { TransportContext } from './transport-context.ts';

const TYPENAMES: Record<StateKind, string> = {
  container: 'Container',
  image: 'Image',
  network: 'Network',
  volume: 'Volume',
};

/**
 * Root fields that answer objects of a kind (`Query.containers`, `Query.container`): an object
 * appearing or going away changes their answers, which no id in an earlier result can tell.
 */
function rootFieldsByKind(schema: GraphQLSchema): Record<StateKind, string[]> {
  const byKind = { container: [], image: [], network: [], volume: [] } as Record<
    StateKind,
    string[]
  >;
  const kinds = new Map(Object.entries(TYPENAMES).map(([kind, typename]) => [typename, kind]));
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const kind = kinds.get(itemTypeName(getNamedType(field.type)));
    if (kind) byKind[kind as StateKind].push(`Query.${field.name}`);
  }
  return byKind;
}

/** An object type's own name, or for a relay connection the name of its nodes' type. */
function itemTypeName(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return type.name;
  const edges = type.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type).name : type.name;
}

/**
 * `@live` queries: graphql-yoga's live-query plugin re-runs a query when something it read
 * changes. What changed comes from each engine's state cache (or, with the cache off, from its
 * events), as the resource ids the store tracks: `Container:<global id>` and the root fields.
 */
export function useLiveQueries(engines: EngineRegistry, schema: GraphQLSchema) {
  const store = new InMemoryLiveQueryStore({ includeIdentifierExtension: false });
  const roots = rootFieldsByKind(schema);
  const identifiers = (change: StateChange): string[] => {
    const ids = [
      change,
      ...change.related.map((related) => ({ ...related, engine: change.engine })),
    ].map(({ engine, kind, id }) => {
      const typename = TYPENAMES[kind];
      return `${typename}:${encodeGlobalID(typename, `${engine}/${id}`)}`;
    });
    return change.change === 'updated' ? ids : [...ids, ...roots[change.kind]];
  };
  const invalidate = (change: StateChange) => void store.invalidate(identifiers(change));
  // An engine lost or back changes every list (its part fails, or answers again) and its health.
  const everyRoot = [...Object.values(roots).flat(), 'Query.engines', 'Query.engine'];
  const invalidateAll = () => void store.invalidate(everyRoot);

  // Changes are followed while at least one live query runs.
  let running = 0;
  let stop: (() => void) | undefined;
  const retain = () => {
    if (running++ === 0) {
      const stopChanges = followChanges(engines, invalidate);
      const stopStatus = followEngineStatus(engines, invalidateAll);
      stop = () => {
        stopChanges();
        stopStatus();
      };
    }
  };
  const release = () => {
    if (--running === 0) stop?.();
  };

  /**
   * Each run of a live query reads afresh: the loaders of the run before hold what changed. A
   * client that asked for patches (src/live-patches.ts) gets them instead of whole results.
   */
  const liveRuns: Plugin<Context> = {
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      if (!isLiveOperation(args)) return;
      const patches = requestedPatches((args.contextValue as TransportContext).params?.extensions);
      if (patches instanceof BadUserInputError) {
        setResultAndStopExecution({ errors: [patches] });
        return;
      }
      let runs = 0;
      retain();
      setExecuteFn((runArgs) => {
        if (runs++ > 0) refreshLoaders(args.contextValue);
        return executeFn(runArgs);
      });
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) release();
          else setResult(releasing(patches ? asPatches(result) : result, release));
        },
      };
    },
  };

  return [liveRuns, useLiveQuery({ liveQueryStore: store })];
}
