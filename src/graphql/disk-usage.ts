import type { ContainerNode } from '../model/containers.ts';
import {
  type BuildCacheRecord,
  type DiskFigures,
  type DiskUsageNode,
  diskUsage,
} from '../model/disk-usage.ts';
import type { ImageNode } from '../model/images.ts';
import type { VolumeNode } from '../model/volumes.ts';
import { builder } from './builder.ts';
import { Container, Image, Volume } from './nodes.ts';
import { engineTime } from './scalars.ts';

const DiskUsageFigures = builder.interfaceRef<DiskFigures>('DiskUsageFigures').implement({
  description:
    'One row of `docker system df`, computed as the docker CLI computes it. For a label-scoped ' +
    'token, over its own objects only (see `Query.diskUsage`).',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'How many there are (TOTAL).' }),
    active: t.exposeInt('active', { description: 'How many are in use (ACTIVE).' }),
    size: t.field({
      type: 'SafeInt',
      description: 'Bytes on disk (SIZE).',
      resolve: (row) => row.size,
    }),
    reclaimable: t.field({
      type: 'SafeInt',
      description: 'Bytes that removing what is not in use would free (RECLAIMABLE).',
      resolve: (row) => row.reclaimable,
    }),
  }),
});

type Row<T> = DiskFigures & { items: T[] };

const ImageDiskUsage = builder.objectRef<Row<ImageNode>>('ImageDiskUsage').implement({
  description:
    'Images: `size` is every layer on disk, shared layers once; `active` images have a container ' +
    '(running or not); `reclaimable` is `size` less the bytes that only the active images hold.',
  interfaces: [DiskUsageFigures],
  fields: (t) => ({
    images: t.field({
      type: [Image],
      description: 'Every image counted.',
      resolve: (r) => r.items,
    }),
  }),
});

const ContainerDiskUsage = builder.objectRef<Row<ContainerNode>>('ContainerDiskUsage').implement({
  description:
    'Containers: `size` is the bytes they wrote (`sizeRw`); `active` ones are running, paused or ' +
    'restarting; the bytes of the others are reclaimable.',
  interfaces: [DiskUsageFigures],
  fields: (t) => ({
    containers: t.field({
      type: [Container],
      description: 'Every container counted, with `sizeRw` and `sizeRootFs` at no further cost.',
      resolve: (r) => r.items,
    }),
  }),
});

const VolumeDiskUsage = builder.objectRef<Row<VolumeNode>>('VolumeDiskUsage').implement({
  description:
    'Local volumes: `size` counts the volumes whose driver reports one; `active` ones are ' +
    'referenced by a container; the bytes of the others are reclaimable.',
  interfaces: [DiskUsageFigures],
  fields: (t) => ({
    volumes: t.field({
      type: [Volume],
      description: 'Every volume counted, with `size` at no further cost.',
      resolve: (r) => r.items,
    }),
  }),
});

const BuildCacheEntry = builder.objectRef<BuildCacheRecord>('BuildCacheEntry').implement({
  description: 'A BuildKit build cache record.',
  fields: (t) => ({
    id: t.exposeString('ID'),
    type: t.exposeString('Type', { description: 'regular, source.local, exec.cachemount, …' }),
    description: t.string({ nullable: true, resolve: (r) => r.Description || null }),
    size: t.field({ type: 'SafeInt', resolve: (r) => r.Size }),
    inUse: t.exposeBoolean('InUse'),
    shared: t.exposeBoolean('Shared', {
      description: 'Shared with other records: its bytes are in no total.',
    }),
    usageCount: t.int({ nullable: true, resolve: (r) => r.UsageCount ?? null }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (r) => engineTime(r.CreatedAt),
    }),
    lastUsedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (r) => engineTime(r.LastUsedAt),
    }),
  }),
});

const BuildCacheDiskUsage = builder
  .objectRef<Row<BuildCacheRecord>>('BuildCacheDiskUsage')
  .implement({
    description:
      'Build cache: `size` leaves shared records out; `active` records are in use; what is in use ' +
      'and not shared is not reclaimable.',
    interfaces: [DiskUsageFigures],
    fields: (t) => ({
      entries: t.field({ type: [BuildCacheEntry], resolve: (r) => r.items }),
    }),
  });

const DiskUsage = builder.objectRef<DiskUsageNode>('DiskUsage').implement({
  description: '`docker system df` of one engine, with the objects behind each row.',
  fields: (t) => ({
    engine: t.exposeString('engine'),
    images: t.field({ type: ImageDiskUsage, resolve: (u) => u.images }),
    containers: t.field({ type: ContainerDiskUsage, resolve: (u) => u.containers }),
    volumes: t.field({ type: VolumeDiskUsage, resolve: (u) => u.volumes }),
    buildCache: t.field({ type: BuildCacheDiskUsage, resolve: (u) => u.buildCache }),
  }),
});

builder.queryField('diskUsage', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: DiskUsage,
    description:
      "An engine's disk usage, as `docker system df` (and `-v`) reports it: `engine`, or the " +
      'default engine when omitted. One `/system/df` call, which walks the disk. A label-scoped ' +
      'token counts only the objects it sees, "in use" only by its containers, its images by ' +
      'the bytes they hold alone (not layers shared with other images), and no build cache.',
    args: {
      engine: t.arg.string({ description: 'An engine name; the default engine if omitted.' }),
    },
    resolve: (_root, args, ctx) => diskUsage(ctx, { engine: args.engine }),
  }),
);
