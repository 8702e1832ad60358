import {
  type EngineHealth,
  type EventStreamHealth,
  engineHealth,
  eventStreamHealth,
} from '../model/engine-health.ts';
import { builder } from './builder.ts';
import { Engine } from './nodes.ts';

const EventStreamStateEnum = builder.enumType('EventStreamState', {
  values: {
    IDLE: { value: 'idle', description: 'Nobody listens, so no stream is open: nothing is known.' },
    CONNECTED: { value: 'connected', description: "The engine's `/events` stream is open." },
    DISCONNECTED: {
      value: 'disconnected',
      description:
        'Wanted but not open: connecting, or lost and retrying with backoff. Events missed meanwhile are replayed or reported as an `EventGap` once it is back.',
    },
  } as const,
});

const EventStreamHealthType = builder.objectRef<EventStreamHealth>('EventStreamHealth').implement({
  description:
    "The engine's shared event stream (what `events`, `@live` queries and the state cache follow), as Wharf holds it: reading it asks the engine nothing.",
  fields: (t) => ({
    state: t.field({ type: EventStreamStateEnum, resolve: (hub) => hub.state }),
    gaps: t.int({
      description:
        'Gaps (`EventGap`s) the stream reported since Wharf started: stretches where events may be missing.',
      resolve: (hub) => hub.gaps,
    }),
    reconnects: t.int({
      description: 'Times the stream was opened again after it was lost, since Wharf started.',
      resolve: (hub) => hub.reconnects,
    }),
    lastEventAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'The time of the newest event the stream delivered; null while it is idle or has seen none.',
      resolve: (hub) => hub.lastEventAt,
    }),
  }),
});

const EngineHealthType = builder.objectRef<EngineHealth>('EngineHealth').implement({
  description:
    "An engine's health: whether it answers now, and the state of its event stream. Answered for a down engine too (`ready: false`), never an error.",
  fields: (t) => ({
    ready: t.boolean({
      description: 'Whether the engine answered `/_ping` just now (within 5 s), as `/readyz` asks.',
      resolve: async (health) => (await health.readiness()).ready,
    }),
    error: t.string({
      nullable: true,
      description: 'Why the engine is not ready (null when it is).',
      resolve: async (health) => (await health.readiness()).error,
    }),
    events: t.field({
      type: EventStreamHealthType,
      resolve: (health, _args, ctx) => eventStreamHealth(ctx, health.engine),
    }),
  }),
});

builder.objectField(Engine, 'health', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: EngineHealthType,
    description:
      'Readiness (one `/_ping`) and the event stream state. Unlike the other fields it answers while the engine is down, so a dashboard can show the outage.',
    resolve: (engine, _args, ctx) => engineHealth(ctx, engine),
  }),
);
