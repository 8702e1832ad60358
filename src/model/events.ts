import type { Context } from '../context.ts';
import { BadUserInputError } from '../engine/errors.ts';
import type { EventItem } from '../engine/event-hub.ts';
import type { EngineFilters } from '../engine/filters.ts';
import { filterAsync } from '../engine/iterate.ts';
import {
  type EngineArg,
  type EngineRegistry,
  engineClientFor,
  engineFor,
} from '../engine/registry.ts';
import type { EventMessage } from '../engine/types.ts';
import { type ContainerNode, containerByRef } from './containers.ts';
import { eventObjectLabels } from './event-labels.ts';
import { type ImageNode, imageByRef } from './images.ts';
import { type EngineKey, toKey } from './loaders/keys.ts';
import { eventVisibleTo, isTenant } from './tenancy.ts';

/** An engine event as delivered: the hub's item, and the engine it came from. */
export type EventShape = Extract<EventItem, { kind: 'event' }> & { engine: string };

function attribute(event: EventMessage, name: string): string | undefined {
  return event.Actor.Attributes?.[name] || undefined;
}

type Filters = Partial<Record<string, readonly string[]>>;

function anyOf(values: readonly string[] | undefined, test: (value: string) => boolean): boolean {
  return !values || values.length === 0 || values.some(test);
}

function namedOrId(event: EventMessage, value: string): boolean {
  return event.Actor.ID.startsWith(value) || attribute(event, 'name') === value;
}

function withoutLatest(ref: string): string {
  return ref.endsWith(':latest') ? ref.slice(0, -':latest'.length) : ref;
}

/** The engine's own matching rules (daemon/events/filter.go), on one event. */
export function matchesEvent(filters: Filters, event: EventMessage): boolean {
  const attrs = event.Actor.Attributes ?? {};
  return (
    anyOf(filters.type, (type) => event.Type === type) &&
    anyOf(
      filters.action,
      (action) => event.Action === action || event.Action.startsWith(`${action}:`),
    ) &&
    anyOf(filters.container, (value) => event.Type === 'container' && namedOrId(event, value)) &&
    anyOf(filters.network, (value) => event.Type === 'network' && namedOrId(event, value)) &&
    anyOf(filters.volume, (value) => event.Type === 'volume' && event.Actor.ID === value) &&
    anyOf(filters.image, (value) => {
      const image = event.Type === 'image' ? event.Actor.ID : attrs.image;
      const candidates = [image, attrs.name]
        .filter((c): c is string => Boolean(c))
        .map(withoutLatest);
      return candidates.includes(withoutLatest(value)) || event.Actor.ID.startsWith(value);
    }) &&
    anyOf(filters.label, (label) => {
      const eq = label.indexOf('=');
      return eq === -1 ? label in attrs : attrs[label.slice(0, eq)] === label.slice(eq + 1);
    })
  );
}

/**
 * The engine's events from its one shared stream, from `after` on, filtered as the engine would.
 * Every subscriber gets the hub's own item objects (not copies): their relations are shared.
 */
export function eventStream(
  ctx: Context,
  args: EngineArg & { filters: EngineFilters | undefined; after: string | undefined },
): AsyncIterableIterator<EventItem> {
  const filters: Filters = args.filters ?? {};
  const { principal, engines } = ctx;
  const client = engineClientFor(ctx, args);
  return filterAsync(
    client.events.subscribe(args.after),
    async (item) =>
      item.kind === 'gap' ||
      (matchesEvent(filters, item.event) &&
        (!isTenant(principal) ||
          eventVisibleTo(principal, await actorLabels(engines, client.name, item)))),
  );
}

/** A container's or image's events carry its labels; a network's or volume's are looked up. */
function actorLabels(
  engines: EngineRegistry,
  engine: string,
  item: Extract<EventItem, { kind: 'event' }>,
) {
  const { Type } = item.event;
  return Type === 'network' || Type === 'volume'
    ? eventObjectLabels(engines, engine, item, Type)
    : item.event.Actor.Attributes;
}

/** An item as delivered: an event names the engine it came from. */
export function eventFrom(ctx: Context, item: EventItem, args: EngineArg = {}) {
  return item.kind === 'event' ? { ...item, engine: engineFor(ctx, args).name } : item;
}

/** The container an event concerns, as it is now; null when it is gone. */
export async function eventContainer(
  ctx: Context,
  { engine, event }: EventShape,
): Promise<ContainerNode | null> {
  const id = event.Type === 'container' ? event.Actor.ID : attribute(event, 'container');
  if (!id) return null;
  return containerByRef(ctx, engine, id);
}

/** The image an event concerns, as it is now; null when it is gone. */
export async function eventImage(ctx: Context, { engine, event }: EventShape) {
  const ref = event.Type === 'image' ? event.Actor.ID : attribute(event, 'image');
  if (!ref) return null;
  return imageByRef(ctx, engine, ref).catch((error: unknown): ImageNode | null => {
    // An attribute that is no image reference (a build's intermediate name) names nothing;
    // any other failure is the client's to see.
    if (error instanceof BadUserInputError) return null;
    throw error;
  });
}

/** The key of the network or volume a `type` event concerns, for its node loader. */
export function eventActorKey(
  { engine, event }: EventShape,
  type: 'network' | 'volume',
): EngineKey | null {
  return event.Type === type ? toKey(engine, event.Actor.ID) : null;
}
