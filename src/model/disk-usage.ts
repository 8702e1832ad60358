import type { Principal } from '../auth/principal.ts';
import type { Context } from '../context.ts';
import { type EngineArg, engineFor } from '../engine/registry.ts';
import type {
  BuildCacheRecord,
  ContainerSummary,
  ImageSummary,
  SystemDataUsage,
  Volume,
} from '../engine/types.ts';
import { type ContainerNode, containerFromSummary } from './containers.ts';
import type { ImageNode } from './images.ts';
import { toKey } from './loaders/keys.ts';
import { isTenant, visibleItems } from './tenancy.ts';
import type { VolumeNode } from './volumes.ts';

export type { BuildCacheRecord };

/** One row of `docker system df`: how many, how many in use, bytes, and bytes a prune would free. */
export interface DiskFigures {
  count: number;
  active: number;
  size: number;
  reclaimable: number;
}

/** `docker system df` of one engine, with the objects behind each row. */
export interface DiskUsageNode {
  engine: string;
  images: DiskFigures & { items: ImageNode[] };
  containers: DiskFigures & { items: ContainerNode[] };
  volumes: DiskFigures & { items: VolumeNode[] };
  buildCache: DiskFigures & { items: BuildCacheRecord[] };
}

function sum<T>(items: readonly T[], bytes: (item: T) => number): number {
  return items.reduce((total, item) => total + bytes(item), 0);
}

/** The docker CLI's "active" container states; created, exited and dead ones are reclaimable. */
const ACTIVE_STATES = new Set(['running', 'paused', 'restarting']);

/** Containers: the bytes each wrote (SizeRw); those of containers not running are reclaimable. */
function containerFigures(containers: readonly ContainerSummary[]): DiskFigures {
  const active = containers.filter((c) => ACTIVE_STATES.has(c.State));
  const size = sum(containers, (c) => c.SizeRw ?? 0);
  return {
    count: containers.length,
    active: active.length,
    size,
    reclaimable: size - sum(active, (c) => c.SizeRw ?? 0),
  };
}

/** The bytes only this image holds (-1: the engine could not tell, counted as none, as the CLI does). */
function uniqueBytes(image: ImageSummary): number {
  return image.Size === -1 || image.SharedSize === -1 ? 0 : image.Size - image.SharedSize;
}

/**
 * Images: `size` is all layers on disk (shared ones once); what the images in use hold alone is
 * not reclaimable, everything else is (the CLI's arithmetic, shared layers of used images included).
 */
function imageFigures(
  images: readonly ImageSummary[],
  size: number,
  inUse: (image: ImageSummary) => boolean,
): DiskFigures {
  const used = images.filter(inUse);
  return {
    count: images.length,
    active: used.length,
    size,
    reclaimable: size - sum(used, uniqueBytes),
  };
}

/** Volumes: sizes the driver knows (-1 where it cannot tell); unused volumes' are reclaimable. */
function volumeFigures(volumes: readonly Volume[], inUse: (volume: Volume) => boolean) {
  const sized = volumes.filter((volume) => (volume.UsageData?.Size ?? -1) !== -1);
  const bytes = (volume: Volume) => volume.UsageData?.Size ?? 0;
  return {
    count: volumes.length,
    active: volumes.filter(inUse).length,
    size: sum(sized, bytes),
    reclaimable: sum(
      sized.filter((volume) => !inUse(volume)),
      bytes,
    ),
  };
}

/**
 * Build cache: shared records are counted in no total (their bytes belong to several), and what is
 * in use and not shared is not reclaimable.
 */
function buildCacheFigures(records: readonly BuildCacheRecord[]): DiskFigures {
  const size = sum(
    records.filter((r) => !r.Shared),
    (r) => r.Size,
  );
  return {
    count: records.length,
    active: records.filter((r) => r.InUse).length,
    size,
    reclaimable:
      size -
      sum(
        records.filter((r) => r.InUse && !r.Shared),
        (r) => r.Size,
      ),
  };
}

/**
 * What a tenant's figures count: its visible objects only, and "in use" by its visible containers
 * only (the engine's counts include other tenants' containers, which it may not learn of). Layers
 * shared with other images are no tenant's: its image bytes are its images' own (unique) bytes.
 * Build cache belongs to no tenant.
 */
function tenantView(principal: Principal, usage: SystemDataUsage) {
  const containers = visibleItems(principal, usage.Containers ?? [], (c) => c.Labels);
  const images = visibleItems(principal, usage.Images ?? [], (image) => image.Labels);
  const usedImages = new Set(containers.map((c) => c.ImageID));
  const usedVolumes = new Set(
    containers.flatMap((c) =>
      (c.Mounts ?? []).flatMap((m) => (m.Type === 'volume' ? [m.Name] : [])),
    ),
  );
  return {
    containers,
    images,
    imageBytes: sum(images, uniqueBytes),
    imageInUse: (image: ImageSummary) => usedImages.has(image.Id),
    volumes: visibleItems(principal, usage.Volumes ?? [], (volume) => volume.Labels),
    volumeInUse: (volume: Volume) => usedVolumes.has(volume.Name),
    buildCache: [] as BuildCacheRecord[],
  };
}

/** The CLI's view: everything, and the engine's own use counts. */
function engineView(usage: SystemDataUsage) {
  return {
    containers: usage.Containers ?? [],
    images: usage.Images ?? [],
    imageBytes: usage.LayersSize ?? 0,
    // The CLI counts `> 0` as active and `!= 0` as used; /system/df always counts (never -1).
    imageInUse: (image: ImageSummary) => image.Containers > 0,
    volumes: usage.Volumes ?? [],
    volumeInUse: (volume: Volume) => (volume.UsageData?.RefCount ?? 0) > 0,
    buildCache: usage.BuildCache ?? [],
  };
}

/**
 * `docker system df` of one engine (the default one when none is named), from one `/system/df`
 * per engine and operation. The objects come back as nodes that answer later reads of them
 * (Volume.size, Container.sizeRw, …) without another engine call.
 */
export async function diskUsage(ctx: Context, args: EngineArg): Promise<DiskUsageNode> {
  const { name: engine } = engineFor(ctx, args);
  const usage = await ctx.loaders.dataUsage.load(engine);
  const view = isTenant(ctx.principal) ? tenantView(ctx.principal, usage) : engineView(usage);
  const containers = view.containers.map((summary) => {
    const node = containerFromSummary(ctx, engine, summary);
    ctx.loaders.containerSizes.prime(node.key, summary);
    return node;
  });
  return {
    engine,
    images: {
      ...imageFigures(view.images, view.imageBytes, view.imageInUse),
      items: view.images.map((summary): ImageNode => ({ key: toKey(engine, summary.Id), summary })),
    },
    containers: { ...containerFigures(view.containers), items: containers },
    volumes: {
      ...volumeFigures(view.volumes, view.volumeInUse),
      items: view.volumes.map(
        (volume): VolumeNode => ({ key: toKey(engine, volume.Name), volume }),
      ),
    },
    buildCache: { ...buildCacheFigures(view.buildCache), items: view.buildCache },
  };
}
