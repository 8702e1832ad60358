import { contextCacheSymbol } from '@pothos/core';
import { type Context, createLoaders, type Loaders } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import { outsideCallScope } from '../engine/call-scope.ts';
import type { EventItem } from '../engine/event-hub.ts';
import type { EngineRegistry } from '../loaders/engines.ts';

/**
 * What resolves one event's relations (`container`, `image`, and what clients select below them):
 * our loaders, Pothos's loader caches, and engines whose calls belong to no subscriber.
 */
interface EventContext {
  engines: EngineRegistry;
  loaders: Loaders;
  /** Pothos keys its per-request caches (dataloaders of loadable nodes) on this object. */
  pothosCache: object;
}

/** Subscribers resolve an event within moments of each other; older events' caches are let go. */
const KEPT_EVENTS = 256;
const byEvent = new Map<EventItem, EventContext>();

/**
 * The hub's fanout hands every subscriber the same EventItem object. Pointing the subscriber's
 * context at that item's shared loaders and caches makes the engine calls per event independent
 * of the number of subscribers: the first subscriber's lookups are everyone's.
 */
export function shareEventContext(ctx: Context, item: EventItem): void {
  let shared = byEvent.get(item);
  if (!shared) {
    const engines = sharedWork(ctx.engines);
    shared = { engines, loaders: createLoaders(engines), pothosCache: {} };
    byEvent.set(item, shared);
    if (byEvent.size > KEPT_EVENTS) byEvent.delete(byEvent.keys().next().value as EventItem);
  }
  ctx.engines = shared.engines;
  ctx.loaders = shared.loaders;
  (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = shared.pothosCache;
}

const sharedRegistries = new WeakSet<EngineRegistry>();

/**
 * The same engines, with every call made outside the caller's call scope: work shared by all
 * subscribers must not be charged to, or aborted with, whichever subscriber happened to ask first.
 */
function sharedWork(engines: EngineRegistry): EngineRegistry {
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
