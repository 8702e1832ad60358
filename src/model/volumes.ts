import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import { EngineConflictError, EngineNotFoundError } from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';
import { volumeName } from '../engine/refs.ts';
import { type Engine, type EngineArg, engineFor, reachableBy } from '../engine/registry.ts';
import type { Volume as EngineVolume, Labels } from '../engine/types.ts';
import {
  createVolume,
  inspectVolume,
  listVolumes,
  pruneVolumes,
  removeVolume,
  type VolumeCreateConfig,
} from '../engine/volumes.ts';
import { type ContainerNode, containerFromSummary } from './containers.ts';
import {
  type EngineList,
  type EnginesArg,
  type ListOrder,
  listAcross,
  type SortKeys,
  secondsOf,
} from './engine-lists.ts';
import { routeRef } from './engine-refs.ts';
import { rememberLabels } from './event-labels.ts';
import { nodesFor } from './loaders/batch.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import { loadVolumes } from './loaders/volumes.ts';
import { checkVolumeCreate } from './policy/create-policy.ts';
import {
  checkWritable,
  isTenant,
  stampLabels,
  tenantFilters,
  visibleItems,
  visibleResults,
  visibleTo,
} from './tenancy.ts';
import { write } from './writes.ts';

export type { VolumeCreateConfig };

export interface VolumeNode {
  key: EngineKey;
  volume: EngineVolume;
}

/** The Volume node's loader: one list call per engine for any number of names. */
export function volumeNodes(ctx: Context, keys: string[]) {
  return nodesFor(
    keys,
    loadVolumes(reachableBy(ctx.engines, ctx.principal), keys).then(
      visibleResults(ctx.principal, (volume: EngineVolume) => volume.Labels),
    ),
    (key, volume): VolumeNode => ({ key, volume }),
  );
}

const volumeSortKeys: SortKeys<VolumeNode> = {
  created: ({ volume }) => secondsOf(volume.CreatedAt),
  name: ({ volume }) => volume.Name,
};

/**
 * Volumes of the engines asked (all the principal may use by default), in `order`; without one,
 * each in its engine's order.
 */
export function volumeList(
  ctx: Context,
  args: EnginesArg & { filters: EngineFilters | undefined; order?: ListOrder | null },
): Promise<EngineList<VolumeNode>> {
  return listAcross(
    ctx,
    args.engines,
    async (name) => {
      const engine = engineFor(ctx, { engine: name });
      const list = await listVolumes(engine.api, { filters: args.filters });
      return visibleItems(ctx.principal, list, (volume) => volume.Labels).map(
        (volume): VolumeNode => ({ key: toKey(engine.name, volume.Name), volume }),
      );
    },
    { keys: volumeSortKeys, order: args.order },
  );
}

/**
 * A volume's node key by global id or name, for its loader (a name is a volume's identity); a
 * name on several engines is AMBIGUOUS_REF without `engine`.
 */
export async function volumeKey(
  ctx: Context,
  args: EngineArg & { name: string },
): Promise<EngineKey> {
  const { engine, ref } = await routeRef(
    ctx,
    'volume',
    { ...args, ref: args.name },
    async (engine, name) => {
      const [node] = await volumeNodes(ctx, [toKey(engine, volumeName(name))]);
      if (node instanceof Error) throw node;
      return Boolean(node);
    },
  );
  return toKey(engine, volumeName(ref));
}

/** Containers that mount the volume, running or not: one list call for every volume asked. */
export async function volumeUsers(ctx: Context, volume: VolumeNode): Promise<ContainerNode[]> {
  const { engine } = parseKey(volume.key);
  const users = await ctx.loaders.containersByVolume.load(volume.key);
  return users.map((summary) => containerFromSummary(ctx, engine, summary));
}

export function volumeSize(ctx: Context, volume: VolumeNode): Promise<number | null> {
  return ctx.loaders.volumeSizes.load(volume.key);
}

function sameMap(a: Labels, b: Labels): boolean {
  const left = Object.entries(a ?? {});
  const right = b ?? {};
  return (
    left.length === Object.keys(right).length &&
    left.every(([key, value]) => Object.hasOwn(right, key) && right[key] === value)
  );
}

/**
 * The engine answers a create for a taken name with the existing volume, unchanged, as if it had
 * made it. That is only what was asked for when driver, options and labels all agree.
 */
function checkSame(ctx: Context, existing: EngineVolume, config: VolumeCreateConfig): void {
  const differs = [
    existing.Driver !== config.Driver && 'driver',
    !sameMap(existing.Options, config.DriverOpts) && 'driver options',
    !sameMap(existing.Labels, config.Labels) && 'labels',
  ].filter((what) => what !== false);
  if (differs.length > 0) {
    // Another tenant's volume: that the name is taken, not how its volume differs.
    if (!visibleTo(ctx.principal, existing.Labels)) {
      throw new EngineConflictError(`the volume name "${existing.Name}" is already in use`);
    }
    throw new EngineConflictError(
      `volume ${existing.Name} already exists with other ${differs.join(', ')}`,
    );
  }
}

/** Inspect that answers undefined for a name that is not there. */
function existing(engine: Engine, name: string) {
  return inspectVolume(engine.api, name).catch((error: unknown) => {
    if (error instanceof EngineNotFoundError) return undefined;
    throw error;
  });
}

export async function volumeCreate(
  ctx: Context,
  args: EngineArg & { config: VolumeCreateConfig },
): Promise<VolumeNode> {
  checkVolumeCreate(ctx.principal, args.config);
  const config = { ...args.config, Labels: stampLabels(ctx.principal, args.config.Labels) ?? {} };
  return write(ctx, args, async (engine) => {
    if (config.Name !== undefined) {
      const taken = await existing(engine, config.Name);
      if (taken) checkSame(ctx, taken, config);
    }
    const volume = await createVolume(engine.api, config);
    auditTarget(engine.name, volume.Name);
    rememberLabels(ctx.engines, engine.name, {
      kind: 'volume',
      id: volume.Name,
      labels: volume.Labels,
    });
    // Made by someone else between the inspect and the create: the engine answered theirs.
    checkSame(ctx, volume, config);
    return { key: toKey(engine.name, volume.Name), volume };
  });
}

/** False only with `force` for a volume that was not there. */
/** Removes a volume by global id or name (routed as `volumeKey` routes); answers its name. */
export async function volumeRemove(
  ctx: Context,
  args: EngineArg & { name: string; force: boolean },
): Promise<{ key: EngineKey; name: string; removed: boolean }> {
  const key = await volumeKey(ctx, args);
  const { engine, id: name } = parseKey(key);
  const removed = await write(ctx, { engine }, async (engine) => {
    // With force the engine answers 204 for a missing volume too; only inspect can tell.
    const volume = args.force || isTenant(ctx.principal) ? await existing(engine, name) : undefined;
    if (volume) {
      checkWritable(ctx.principal, volume.Labels, { kind: 'volume', ref: name });
      // For its destroy event, which reaches its tenant by these labels.
      rememberLabels(ctx.engines, engine.name, {
        kind: 'volume',
        id: volume.Name,
        labels: volume.Labels,
      });
    }
    if (args.force && !volume) return false;
    await removeVolume(engine.api, name, args.force);
    auditTarget(engine.name, name);
    return true;
  });
  return { key, name, removed };
}

export function volumesPrune(
  ctx: Context,
  args: EngineArg & { filters: EngineFilters | undefined },
) {
  return write(ctx, args, async (engine) => {
    const report = await pruneVolumes(engine.api, tenantFilters(ctx.principal, args.filters));
    for (const volume of report.VolumesDeleted ?? []) auditTarget(engine.name, volume);
    return { deleted: report.VolumesDeleted ?? [], spaceReclaimed: report.SpaceReclaimed };
  });
}
