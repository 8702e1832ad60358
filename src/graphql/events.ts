import { visibleAction, visibleKeyValues } from '../auth/redact.ts';
import type { EventItem, GapReason } from '../engine/event-hub.ts';
import {
  type EventShape,
  eventActorKey,
  eventContainer,
  eventFrom,
  eventImage,
  eventStream,
} from '../model/events.ts';
import { builder } from './builder.ts';
import { keyValues, Label } from './common.ts';
import { shareEventContext } from './event-context.ts';
import { engineFilters } from './filters.ts';
import { Container, Image, Network, Volume } from './nodes.ts';

type GapShape = Extract<EventItem, { kind: 'gap' }> & { engine: string };

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
    engine: t.string({
      description: "The engine whose events may be missing; the others' are unaffected.",
      resolve: (gap) => gap.engine,
    }),
  }),
});

const EngineEvent = builder.objectRef<EventShape>('EngineEvent').implement({
  description: 'One engine event, with the objects it concerns resolved as they are now.',
  fields: (t) => ({
    type: t.field({ type: EventType, resolve: ({ event }) => event.Type as 'container' }),
    action: t.string({
      description:
        'e.g. start, die, destroy, pull, connect; exec actions carry the command (below admin, only the verb).',
      resolve: ({ event }, _args, ctx) => visibleAction(ctx.principal, event.Action),
    }),
    actorId: t.string({ resolve: ({ event }) => event.Actor.ID }),
    actorName: t.string({
      nullable: true,
      description:
        "The actor's name as the event carries it, there even after the object is gone: a container's name, an image's reference, a network's, volume's, service's or node's name.",
      resolve: ({ event }) =>
        event.Type === 'volume' ? event.Actor.ID : (event.Actor.Attributes?.name ?? null),
    }),
    exitCode: t.int({
      nullable: true,
      description: "A container's `die` event: the exit code of the run that ended.",
      resolve: ({ event }) => {
        const code = event.Type === 'container' ? event.Actor.Attributes?.exitCode : undefined;
        return code !== undefined && /^-?\d+$/.test(code) ? Number(code) : null;
      },
    }),
    engine: t.string({
      description: 'The engine this event comes from.',
      resolve: ({ engine }) => engine,
    }),
    attributes: t.field({
      type: [Label],
      description:
        "The actor's attributes (a container's include its labels): secret-looking values redacted below admin.",
      resolve: ({ event }, _args, ctx) =>
        keyValues(visibleKeyValues(ctx.principal, event.Actor.Attributes)),
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
      description:
        'Pass as `after` to resume from this event after a reconnect. Over several engines it resumes every one of them, each from where its part of the stream was.',
      resolve: ({ cursor }) => cursor,
    }),
    container: t.field({
      type: Container,
      nullable: true,
      description: 'The container concerned (null when it is gone).',
      resolve: (item, _args, ctx) => eventContainer(ctx, item),
    }),
    image: t.field({
      type: Image,
      nullable: true,
      description: 'The image concerned (null when it is gone).',
      resolve: (item, _args, ctx) => eventImage(ctx, item),
    }),
    network: t.field({
      type: Network,
      nullable: true,
      resolve: (item) => eventActorKey(item, 'network'),
    }),
    volume: t.field({
      type: Volume,
      nullable: true,
      resolve: (item) => eventActorKey(item, 'volume'),
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

builder.subscriptionField('events', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: EventStreamItem,
    description:
      'Engine events as they happen, from one connection shared by all subscribers. Survives engine restarts: events are resumed without duplicates, and an `EventGap` marks any stretch where some may be missing. A subscriber that falls 10000 events behind is closed with SLOW_CONSUMER.',
    args: {
      filter: t.arg({ type: EventFilter }),
      after: t.arg.string({
        description: 'A cursor from an earlier event: replay what came after it first.',
      }),
      engines: t.arg.stringList({
        description:
          'The engines whose streams to merge; all this token may use when omitted. Gaps are per engine (`EventGap.engine`).',
      }),
    },
    subscribe: (_root, args, ctx) =>
      eventStream(ctx, {
        engines: args.engines,
        filters: engineFilters(args.filter),
        after: args.after ?? undefined,
      }),
    resolve: (delivered, _args, ctx) => {
      // Every subscriber gets this same item: its relations are looked up once for all of them.
      shareEventContext(ctx, delivered.item);
      return eventFrom(delivered);
    },
  }),
);
