import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { Context } from '../context.ts';
import { volumeName } from '../engine/refs.ts';
import type { Volume as EngineVolume } from '../engine/types.ts';
import { listVolumes } from '../engine/volumes.ts';
import { type EngineKey, parseKey, toKey } from '../loaders/keys.ts';
import { loadVolumes } from '../loaders/volumes.ts';
import { builder } from './builder.ts';
import { keyValues, Label, labelFields, nodesFor } from './common.ts';
import { Container, containerNodeFromSummary } from './containers.ts';
import { defaultEngine, engineFilters } from './filters.ts';
import { engineTime } from './scalars.ts';

export interface VolumeNode {
  key: EngineKey;
  volume: EngineVolume;
}

export const Volume = builder.loadableNodeRef('Volume', {
  id: { resolve: (volume: VolumeNode) => volume.key },
  load: (keys: string[], ctx: Context) =>
    nodesFor(keys, loadVolumes(ctx.engines, keys), (key, volume): VolumeNode => ({ key, volume })),
});

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
      description: 'Driver options given at create time.',
      resolve: ({ volume }) => keyValues(volume.Options),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: ({ volume }) => engineTime(volume.CreatedAt),
    }),
    usedBy: t.field({
      type: [Container],
      description: 'Containers that mount this volume, running or not. One batched engine call.',
      resolve: async ({ key }, _args, ctx) => {
        const { engine } = parseKey(key);
        return (await ctx.loaders.containersByVolume.load(key)).map((summary) =>
          containerNodeFromSummary(engine, summary, ctx),
        );
      },
    }),
    size: t.field({
      type: 'SafeInt',
      nullable: true,
      description:
        "Bytes on disk from the engine's disk usage report; null when the driver cannot tell. Costly: asked only when selected, once per operation.",
      resolve: ({ key }, _args, ctx) => ctx.loaders.volumeSizes.load(key),
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
    type: Volume,
    description: 'Volumes. One engine call.',
    args: { filter: t.arg({ type: VolumeFilter }) },
    resolve: async (_root, args, ctx) => {
      const engine = defaultEngine(ctx);
      const list = await listVolumes(engine.api, { filters: engineFilters(args.filter) });
      return resolveArrayConnection(
        { args },
        list.map((volume): VolumeNode => ({ key: toKey(engine.name, volume.Name), volume })),
      );
    },
  }),
  volume: t.field({
    type: Volume,
    nullable: true,
    description: 'A volume by name; null when none has that name.',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => toKey(defaultEngine(ctx).name, volumeName(name)),
  }),
}));
