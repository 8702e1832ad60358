import { contextCacheSymbol } from '@pothos/core';
import type { Context } from '../context.ts';
import type { EventItem } from '../engine/event-hub.ts';
import { type EngineRegistry, outsideCallScopes } from '../engine/registry.ts';
import { createLoaders, type Loaders } from '../model/loaders/request-loaders.ts';

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
/** Per event, one shared context per tenancy (loaders answer only what their principal sees). */
const byEvent = new Map<EventItem, Map<string, EventContext>>();

/**
 * The hub's fanout hands every subscriber the same EventItem object. Pointing the subscriber's
 * context at that item's shared loaders and caches makes the engine calls per event independent
 * of the number of subscribers: the first subscriber's lookups are everyone's.
 */
export function shareEventContext(ctx: Context, item: EventItem): void {
  let tenancies = byEvent.get(item);
  if (!tenancies) {
    tenancies = new Map();
    byEvent.set(item, tenancies);
    if (byEvent.size > KEPT_EVENTS) byEvent.delete(byEvent.keys().next().value as EventItem);
  }
  const tenancy = ctx.principal.labels.join('\n');
  let shared = tenancies.get(tenancy);
  if (!shared) {
    const engines = outsideCallScopes(ctx.engines);
    shared = { engines, loaders: createLoaders(engines, ctx.principal), pothosCache: {} };
    tenancies.set(tenancy, shared);
  }
  ctx.engines = shared.engines;
  ctx.loaders = shared.loaders;
  (ctx as unknown as Record<symbol, unknown>)[contextCacheSymbol] = shared.pothosCache;
}
