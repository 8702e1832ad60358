import type { GraphQLResolveInfo } from 'graphql';
import { visibleOptions } from '../auth/redact.ts';
import type { Context } from '../context.ts';
import type { ListOrder } from '../model/engine-lists.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { volumeKey, volumeList, volumeSize, volumeUsers } from '../model/volumes.ts';
import { builder } from './builder.ts';
import { keyValues, Label, labelFields } from './common.ts';
import {
  type ConnectionArgs,
  engineArg,
  engineConnection,
  engineOrderArg,
  enginesArg,
  orderInput,
} from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { Container, Engine, Volume } from './nodes.ts';
import { engineTime } from './scalars.ts';

Volume.implement({
  description: 'A volume on one engine. Its name is its identity.',
  fields: (t) => ({
    name: t.string({ resolve: ({ volume }) => volume.Name }),
    engine: t.string({ resolve: ({ key }) => parseKey(key).engine }),
    driver: t.string({ resolve: ({ volume }) => volume.Driver }),
    mountpoint: t.string({ resolve: ({ volume }) => volume.Mountpoint }),
    scope: t.string({ description: 'local or global.', resolve: ({ volume }) => volume.Scope }),
    ...labelFields(t, ({ volume }) => volume.Labels),
    options: t.field({
      type: [Label],
      description:
        'Driver options given at create time; below admin, secret-looking values read `***`.',
      resolve: ({ volume }, _args, ctx) => keyValues(visibleOptions(ctx.principal, volume.Options)),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: ({ volume }) => engineTime(volume.CreatedAt),
    }),
    usedBy: t.field({
      type: [Container],
      description: 'Containers that mount this volume, running or not. One batched engine call.',
      resolve: (volume, _args, ctx) => volumeUsers(ctx, volume),
    }),
    size: t.field({
      type: 'SafeInt',
      nullable: true,
      description:
        "Bytes on disk from the engine's disk usage report; null when the driver cannot tell. Costly: asked only when selected, once per operation.",
      resolve: (volume, _args, ctx) => volumeSize(ctx, volume),
    }),
  }),
});

const VolumeFilter = builder.inputType('VolumeFilter', {
  description: "The engine's volume filters.",
  fields: (t) => ({
    name: t.stringList({ description: 'Name or part of a name.' }),
    label: t.stringList({ description: '`key` or `key=value`.' }),
    driver: t.stringList(),
    dangling: t.boolean({ description: 'Only volumes no container uses.' }),
  }),
});

const VolumeOrder = orderInput('Volume', { NAME: { description: 'The name.' } });

async function volumeConnection(
  args: ConnectionArgs & {
    filter?: Parameters<typeof engineFilters>[0];
    orderBy?: ListOrder | null;
  },
  engines: readonly string[] | null | undefined,
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  const list = await volumeList(ctx, {
    engines,
    filters: engineFilters(args.filter),
    order: args.orderBy,
  });
  return engineConnection(args, list, ctx, info);
}

builder.objectField(Engine, 'volumes', (t) =>
  t.connection({
    authScopes: { viewer: true },
    type: Volume,
    description: "This engine's volumes in `orderBy`; in the engine's order without one.",
    args: { filter: t.arg({ type: VolumeFilter }), orderBy: engineOrderArg(t.arg, VolumeOrder) },
    resolve: (engine, args, ctx, info) => volumeConnection(args, [engine.name], ctx, info),
  }),
);

builder.queryFields((t) => ({
  volumes: t.connection({
    authScopes: { viewer: true },
    type: Volume,
    description:
      "Volumes in `orderBy`; without one each engine's in its order, engines in the order asked. One engine call per engine.",
    args: {
      filter: t.arg({ type: VolumeFilter }),
      orderBy: engineOrderArg(t.arg, VolumeOrder),
      engines: enginesArg(t.arg),
    },
    resolve: (_root, args, ctx, info) => volumeConnection(args, args.engines, ctx, info),
  }),
  volume: t.field({
    authScopes: { viewer: true },
    type: Volume,
    nullable: true,
    description:
      'A volume by global id or name; null when none has that name. AMBIGUOUS_REF when the name is on several engines and no `engine` is given.',
    args: { name: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    resolve: (_root, { name, engine }, ctx) => volumeKey(ctx, { name, engine }),
  }),
}));
