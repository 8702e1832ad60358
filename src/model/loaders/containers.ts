import { inspectContainer, listContainers } from '../../engine/containers.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { ContainerInspect, ContainerSummary } from '../../engine/types.ts';
import { batchByEngine, batchByList, batchEachRef } from './batch.ts';
import type { EngineKey } from './keys.ts';

/**
 * Summaries by full id: one list call per engine for any number of keys. With `size`, the engine
 * also computes SizeRw/SizeRootFs, walking each container's layer, so only ask when selected.
 */
export function loadContainerSummaries(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  options: { size?: boolean } = {},
) {
  return batchByList(
    engines,
    keys,
    (api, ids) =>
      listContainers(api, { all: true, size: options.size ?? false, filters: { id: ids } }),
    (container) => container.Id,
  );
}

/**
 * Inspect by full id, unique prefix or name. The engine has no batch inspect, so this is one call
 * per distinct key; DataLoader makes it one per object per operation.
 */
export function loadContainerDetails(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<ContainerInspect>(engines, keys, (api, ref) => inspectContainer(api, ref));
}

type Grouping = (container: ContainerSummary) => readonly string[];

/** Containers related to each key, from one list call per engine, grouped by `groupOf`. */
function loadContainersGrouped(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  filterName: 'network' | 'volume' | undefined,
  groupOf: Grouping,
) {
  return batchByEngine<ContainerSummary[]>(keys, async (engine, ids) => {
    const api = engines.api(engine);
    if (!api) return () => [];
    const list = await listContainers(api, {
      all: true,
      ...(filterName && { filters: { [filterName]: ids } }),
    });
    const groups = new Map<string, ContainerSummary[]>();
    for (const container of list) {
      for (const group of new Set(groupOf(container))) {
        const members = groups.get(group) ?? [];
        members.push(container);
        groups.set(group, members);
      }
    }
    return (id) => groups.get(id) ?? [];
  });
}

/** By image id; the `ancestor` filter would also match descendants, so group on ImageID instead. */
export function loadContainersByImage(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return loadContainersGrouped(engines, keys, undefined, (container) => [container.ImageID]);
}

/**
 * By network name. A created (never started) container's endpoint has no NetworkID yet, only the
 * network's name, so the name is the key that finds every attached container.
 */
export function loadContainersByNetwork(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return loadContainersGrouped(engines, keys, 'network', (container) =>
    Object.keys(container.NetworkSettings?.Networks ?? {}),
  );
}

/** By volume name (named volumes only; bind mounts have no name). */
export function loadContainersByVolume(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return loadContainersGrouped(engines, keys, 'volume', (container) =>
    (container.Mounts ?? []).flatMap((mount) =>
      mount.Type === 'volume' && mount.Name ? [mount.Name] : [],
    ),
  );
}
