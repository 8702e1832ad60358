import { BadUserInputError } from '../engine/errors.ts';
import type { EventItem, GapReason } from '../engine/event-hub.ts';
import { filterAsync } from '../engine/iterate.ts';
import type { EventMessage } from '../engine/types.ts';
import { toKey } from '../loaders/keys.ts';
import { builder } from './builder.ts';
import { keyValues, Label } from './common.ts';
import { Container, containerByRef } from './containers.ts';
import { shareEventContext } from './event-context.ts';
import { defaultEngine, engineFilters } from './filters.ts';
import { Image, imageByRef } from './images.ts';
import { Network } from './networks.ts';
import { Volume } from './volumes.ts';

type EventShape = Extract<EventItem, { kind: 'event' }> & { engine: string };
type GapShape = Extract<EventItem, { kind: 'gap' }>;

const EVENT_TYPES = [
  'container',
  'image',
  'network',
  'volume',
  'daemon',
  'plugin',
  'service',
  'node',
  'secret',
  'config',
  'builder',
] as const;

const EventType = builder.enumType('EventType', {
  values: Object.fromEntries(EVENT_TYPES.map((type) => [type.toUpperCase(), { value: type }])) as {
    [K in (typeof EVENT_TYPES)[number] as Uppercase<K>]: { value: K };
  },
});

const EventGapReason = builder.enumType('EventGapReason', {
  values: {
    ENGINE_UNAVAILABLE: {
      value: 'ENGINE_UNAVAILABLE',
      description:
        'The engine could not be reached for a while (restarted, or the socket was gone).',
    },
    REPLAY_INCOMPLETE: {
      value: 'REPLAY_INCOMPLETE',
      description:
        'The engine could not replay from the last event (it restarted, or its 256-event buffer overran).',
    },
  } satisfies Record<GapReason, unknown>,
});

const EventGap = builder.objectRef<GapShape>('EventGap').implement({
  description:
    'Events between `from` and `to` may be missing: Wharf could not prove continuity. Refetch what you cache.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', nullable: true, resolve: (gap) => gap.from }),
    to: t.field({ type: 'DateTime', resolve: (gap) => gap.to }),
    reason: t.field({ type: EventGapReason, resolve: (gap) => gap.reason }),
  }),
});

function attribute(event: EventMessage, name: string): string | undefined {
  return event.Actor.Attributes?.[name] || undefined;
}

const EngineEvent = builder.objectRef<EventShape>('EngineEvent').implement({
  description: 'One engine event, with the objects it concerns resolved as they are now.',
  fields: (t) => ({
    type: t.field({ type: EventType, resolve: ({ event }) => event.Type as 'container' }),
    action: t.string({
      description: 'e.g. start, die, destroy, pull, connect; exec actions carry the command.',
      resolve: ({ event }) => event.Action,
    }),
    actorId: t.string({ resolve: ({ event }) => event.Actor.ID }),
    attributes: t.field({
      type: [Label],
      resolve: ({ event }) => keyValues(event.Actor.Attributes),
    }),
    scope: t.string({ nullable: true, resolve: ({ event }) => event.scope ?? null }),
    time: t.field({
      type: 'DateTime',
      resolve: ({ event }) => new Date(Number(event.timeNano / 1_000_000n)),
    }),
    timeNano: t.string({
      description: 'Nanoseconds since the epoch, as a string (beyond 2^53).',
      resolve: ({ event }) => String(event.timeNano),
    }),
    cursor: t.string({
      description: 'Pass as `after` to resume from this event after a reconnect.',
      resolve: ({ cursor }) => cursor,
    }),
    container: t.field({
      type: Container,
      nullable: true,
      description: 'The container concerned (null when it is gone).',
      resolve: async ({ engine, event }, _args, ctx) => {
        const id = event.Type === 'container' ? event.Actor.ID : attribute(event, 'container');
        if (!id) return null;
        return containerByRef(ctx, engine, id);
      },
    }),
    image: t.field({
      type: Image,
      nullable: true,
      description: 'The image concerned (null when it is gone).',
      resolve: async ({ engine, event }, _args, ctx) => {
        const ref = event.Type === 'image' ? event.Actor.ID : attribute(event, 'image');
        if (!ref) return null;
        return imageByRef(ctx, engine, ref).catch((error: unknown) => {
          // An attribute that is no image reference (a build's intermediate name) names nothing;
          // any other failure is the client's to see.
          if (error instanceof BadUserInputError) return null;
          throw error;
        });
      },
    }),
    network: t.field({
      type: Network,
      nullable: true,
      resolve: ({ engine, event }) =>
        event.Type === 'network' ? toKey(engine, event.Actor.ID) : null,
    }),
    volume: t.field({
      type: Volume,
      nullable: true,
      resolve: ({ engine, event }) =>
        event.Type === 'volume' ? toKey(engine, event.Actor.ID) : null,
    }),
  }),
});

const EventStreamItem = builder.unionType('EventStreamItem', {
  types: [EngineEvent, EventGap],
  resolveType: (item) => (item.kind === 'event' ? EngineEvent : EventGap),
});

const EventFilter = builder.inputType('EventFilter', {
  description:
    "The engine's event filters, applied by Wharf to one shared stream. Values in one list match any; fields must all match.",
  fields: (t) => ({
    type: t.field({ type: [EventType] }),
    action: t.stringList({
      description: 'e.g. start, die; `exec_start` also matches `exec_start: sh`.',
    }),
    container: t.stringList({ description: 'Container id, id prefix or name.' }),
    image: t.stringList({ description: 'Image id or reference.' }),
    network: t.stringList({ description: 'Network id, id prefix or name.' }),
    volume: t.stringList({ description: 'Volume name.' }),
    label: t.stringList({ description: '`key` or `key=value` among the actor attributes.' }),
  }),
});

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

builder.subscriptionField('events', (t) =>
  t.field({
    type: EventStreamItem,
    description:
      'Engine events as they happen, from one connection shared by all subscribers. Survives engine restarts: events are resumed without duplicates, and an `EventGap` marks any stretch where some may be missing. A subscriber that falls 10000 events behind is closed with SLOW_CONSUMER.',
    args: {
      filter: t.arg({ type: EventFilter }),
      after: t.arg.string({
        description: 'A cursor from an earlier event: replay what came after it first.',
      }),
    },
    subscribe: (_root, args, ctx) => {
      const engine = defaultEngine(ctx);
      const filters = (engineFilters(args.filter) ?? {}) as Filters;
      const hub = ctx.engines.client(engine.name)?.events;
      if (!hub) throw new Error(`no event hub for engine ${engine.name}`);
      return filterAsync(
        hub.subscribe(args.after ?? undefined),
        (item) => item.kind === 'gap' || matchesEvent(filters, item.event),
      );
    },
    resolve: (item, _args, ctx) => {
      // Every subscriber gets this same item: its relations are looked up once for all of them.
      shareEventContext(ctx, item);
      return item.kind === 'event' ? { ...item, engine: defaultEngine(ctx).name } : item;
    },
  }),
);
