import type { EngineApi } from './api.ts';
import { outsideCallScope } from './call-scope.ts';
import type { EngineClient } from './client.ts';
import { BadUserInputError } from './errors.ts';

/** The engines behind this Wharf, by name. One (`local`) for now; the shape allows several. */
export interface EngineRegistry {
  readonly defaultName: string;
  names(): string[];
  /** The API of a named engine, or undefined when no engine has that name. */
  api(name: string): EngineApi | undefined;
  client(name: string): EngineClient | undefined;
}

export function createEngineRegistry(clients: readonly EngineClient[]): EngineRegistry {
  const byName = new Map(clients.map((client) => [client.name, client]));
  const first = clients[0];
  if (!first) throw new Error('at least one engine is required');
  return {
    defaultName: first.name,
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

/** Arguments that may name an engine; none does yet, so every field talks to the default one. */
export interface EngineArg {
  engine?: string | null;
}

/** The one place that picks the engine a field talks to. */
export function engineFor(ctx: { engines: EngineRegistry }, args: EngineArg = {}): Engine {
  const name = args.engine ?? ctx.engines.defaultName;
  const api = ctx.engines.api(name);
  if (!api) throw new BadUserInputError(`no engine named "${name}"`);
  return { name, api };
}

/** The client of the engine `engineFor` picks: its API and the streams it shares (stats, execs). */
export function engineClientFor(
  ctx: { engines: EngineRegistry },
  args: EngineArg = {},
): EngineClient {
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
