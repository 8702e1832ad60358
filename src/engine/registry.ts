import type { Principal } from '../auth/principal.ts';
import type { EngineApi } from './api.ts';
import { outsideCallScope } from './call-scope.ts';
import type { EngineClient } from './client.ts';
import { BadUserInputError, ForbiddenError } from './errors.ts';

/** The engines behind this Wharf, by name. One (`local`) for now; the shape allows several. */
export interface EngineRegistry {
  readonly defaultName: string;
  names(): string[];
  /** The API of a named engine, or undefined when no engine has that name. */
  api(name: string): EngineApi | undefined;
  client(name: string): EngineClient | undefined;
}

/** `defaultName`: the engine a field without `engine` talks to; the first when absent. */
export function createEngineRegistry(
  clients: readonly EngineClient[],
  defaultName?: string,
): EngineRegistry {
  const byName = new Map(clients.map((client) => [client.name, client]));
  const first = clients[0];
  if (!first) throw new Error('at least one engine is required');
  if (defaultName !== undefined && !byName.has(defaultName)) {
    throw new Error(`the default engine "${defaultName}" is not configured`);
  }
  return {
    defaultName: defaultName ?? first.name,
    names: () => [...byName.keys()],
    api: (name) => byName.get(name)?.api,
    client: (name) => byName.get(name),
  };
}

/** One engine, as a root field or a write talks to it. */
export interface Engine {
  name: string;
  api: EngineApi;
}

/** Arguments that may name an engine: the default one (or the principal's first) when absent. */
export interface EngineArg {
  engine?: string | null;
}

/** What picking an engine needs: the engines, and whose engine restriction applies. */
interface EngineScope {
  engines: EngineRegistry;
  principal: Principal;
}

/**
 * The engines the principal may use, in configured order, intersected with `requested` when it
 * is given. A name asked for that is unknown, or outside the token's engines, is BAD_USER_INPUT
 * with one message for both (the others do not exist for the token: their names cannot be
 * probed); asking explicitly never quietly answers with less than was asked.
 */
export function enginesFor(ctx: EngineScope, requested?: readonly string[] | null): string[] {
  const allowed = ctx.principal.kind === 'token' ? ctx.principal.engines : undefined;
  const mayUse = (name: string) => allowed === undefined || allowed.includes(name);
  if (!requested) return ctx.engines.names().filter(mayUse);
  for (const name of requested) {
    if (!ctx.engines.api(name) || !mayUse(name)) {
      throw new BadUserInputError(`no engine named "${name}"`);
    }
  }
  return ctx.engines.names().filter((name) => requested.includes(name));
}

/**
 * The engines as a principal limited to some of them reaches them: the others answer as unknown
 * (what a loader reads for them is null), so an id of another engine shows nothing of it.
 */
export function reachableBy(engines: EngineRegistry, principal: Principal): EngineRegistry {
  const allowed = principal.kind === 'token' ? principal.engines : undefined;
  if (allowed === undefined) return engines;
  const may = (name: string) => allowed.includes(name);
  return {
    defaultName: engines.defaultName,
    names: () => engines.names().filter(may),
    api: (name) => (may(name) ? engines.api(name) : undefined),
    client: (name) => (may(name) ? engines.client(name) : undefined),
  };
}

/** The one place that picks the engine a field talks to. */
export function engineFor(ctx: EngineScope, args: EngineArg = {}): Engine {
  const usable = enginesFor(ctx, args.engine ? [args.engine] : undefined);
  const name = usable.includes(ctx.engines.defaultName) ? ctx.engines.defaultName : usable[0];
  const api = name === undefined ? undefined : ctx.engines.api(name);
  if (name === undefined || !api) {
    throw new ForbiddenError('token.engines', 'this token may use no configured engine');
  }
  return { name, api };
}

/** The client of the engine `engineFor` picks: its API and the streams it shares (stats, execs). */
export function engineClientFor(ctx: EngineScope, args: EngineArg = {}): EngineClient {
  // engineFor has checked that the engine exists.
  return ctx.engines.client(engineFor(ctx, args).name) as EngineClient;
}

const sharedRegistries = new WeakSet<EngineRegistry>();

/**
 * The same engines, with every call made outside the caller's call scope: work shared by several
 * operations (an event's relations, resolved once for all its subscribers) must not be charged
 * to, or aborted with, whichever of them happened to ask first.
 */
export function outsideCallScopes(engines: EngineRegistry): EngineRegistry {
  if (sharedRegistries.has(engines)) return engines;
  const apis = new Map<string, EngineApi>();
  const registry: EngineRegistry = {
    defaultName: engines.defaultName,
    names: () => engines.names(),
    client: (name) => engines.client(name),
    api(name) {
      const api = engines.api(name);
      if (!api) return undefined;
      let unscoped = apis.get(name);
      if (!unscoped) {
        unscoped = {
          engine: api.engine,
          version: () => outsideCallScope(() => api.version()),
          json: (...args) => outsideCallScope(() => api.json(...args)),
          call: (...args) => outsideCallScope(() => api.call(...args)),
          stream: (...args) => outsideCallScope(() => api.stream(...args)),
          hijack: (...args) => outsideCallScope(() => api.hijack(...args)),
          ping: (...args) => outsideCallScope(() => api.ping(...args)),
        };
        apis.set(name, unscoped);
      }
      return unscoped;
    },
  };
  sharedRegistries.add(registry);
  return registry;
}
