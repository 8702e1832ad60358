import { resolveArrayConnection } from '@pothos/plugin-relay';
import { visibleOptions } from '../auth/redact.ts';
import { volumeName } from '../engine/refs.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { volumeKey, volumeList, volumeSize, volumeUsers } from '../model/volumes.ts';
import { builder } from './builder.ts';
import { keyValues, Label, labelFields } from './common.ts';
import { engineFilters } from './filters.ts';
import { Container, Volume } from './nodes.ts';
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

builder.queryFields((t) => ({
  volumes: t.connection({
    authScopes: { viewer: true },
    type: Volume,
    description: 'Volumes. One engine call.',
    args: { filter: t.arg({ type: VolumeFilter }) },
    resolve: async (_root, args, ctx) =>
      resolveArrayConnection(
        { args },
        await volumeList(ctx, { filters: engineFilters(args.filter) }),
      ),
  }),
  volume: t.field({
    authScopes: { viewer: true },
    type: Volume,
    nullable: true,
    description: 'A volume by name; null when none has that name.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => volumeKey(ctx, { name: volumeName(name) }),
  }),
}));
