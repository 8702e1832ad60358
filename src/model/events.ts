import type { Context } from '../context.ts';
import { BadUserInputError } from '../engine/errors.ts';
import type { EventItem } from '../engine/event-hub.ts';
import type { EngineFilters } from '../engine/filters.ts';
import { filterAsync } from '../engine/iterate.ts';
import { type EngineRegistry, engineClientFor, enginesFor } from '../engine/registry.ts';
import type { EventMessage } from '../engine/types.ts';
import { type ContainerNode, containerByRef } from './containers.ts';
import type { EnginesArg } from './engine-lists.ts';
import { eventObjectLabels, type LabelledKind } from './event-labels.ts';
import { type DeliveredItem, decodeMergedCursor, mergeEngineStreams } from './event-streams.ts';
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
  args: EnginesArg & { filters: EngineFilters | undefined; after: string | undefined },
): AsyncIterableIterator<DeliveredItem> {
  const names = enginesFor(ctx, args.engines);
  const merged = args.after === undefined ? undefined : decodeMergedCursor(args.after);
  const single = names.length === 1 && !merged;
  const resume =
    single || args.after === undefined ? undefined : (merged ?? ownCursor(names, args.after));
  const after = (engine: string) => (single ? args.after : resume?.get(engine));
  const streams = new Map(
    names.map((engine) => [engine, engineEvents(ctx, engine, args.filters, after(engine))]),
  );
  // One engine answers as it always has: its own cursors. Several resume all of them at once;
  // one that has sent nothing yet resumes from now, in its own clock.
  const positions = single
    ? undefined
    : new Map(
        names.map((engine) => [
          engine,
          after(engine) ?? engineClientFor(ctx, { engine }).events.position(),
        ]),
      );
  return mergeEngineStreams(streams, positions);
}

/** One engine's own cursor given to a stream over several: that engine resumes, the others start now. */
function ownCursor(names: readonly string[], cursor: string): Map<string, string> {
  const engine = Buffer.from(cursor, 'base64url').toString('utf8').split('|')[0] ?? '';
  if (!names.includes(engine)) {
    throw new BadUserInputError('`after` is not an event cursor of these engines');
  }
  return new Map([[engine, cursor]]);
}

/** One engine's part: its hub's stream from `after` on, filtered and for this principal. */
function engineEvents(
  ctx: Context,
  engine: string,
  engineFilters: EngineFilters | undefined,
  after: string | undefined,
): AsyncIterableIterator<EventItem> {
  const filters: Filters = engineFilters ?? {};
  const { principal, engines } = ctx;
  const client = engineClientFor(ctx, { engine });
  return filterAsync(
    client.events.subscribe(after),
    async (item) =>
      item.kind === 'gap' ||
      (matchesEvent(filters, item.event) &&
        (!isTenant(principal) ||
          eventVisibleTo(principal, await actorLabels(engines, client.name, item)))),
  );
}

const LOOKED_UP: readonly string[] = ['network', 'volume', 'service', 'secret', 'config'];
const isLookedUp = (type: string): type is LabelledKind => LOOKED_UP.includes(type);

/**
 * A container's or image's events carry its labels; a network's, volume's or swarm object's are
 * looked up. A swarm node's carry none of a tenant's: nodes are the cluster's, shared.
 */
function actorLabels(
  engines: EngineRegistry,
  engine: string,
  item: Extract<EventItem, { kind: 'event' }>,
) {
  const { Type } = item.event;
  return isLookedUp(Type)
    ? eventObjectLabels(engines, engine, item, Type)
    : item.event.Actor.Attributes;
}

/** An item as delivered: it names the engine it came from; an event carries its cursor. */
export function eventFrom({ item, engine, cursor }: DeliveredItem) {
  return item.kind === 'event'
    ? { ...item, engine, cursor: cursor ?? item.cursor }
    : { ...item, engine };
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
