import type DataLoader from 'dataloader';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { SystemDataUsage } from '../../engine/types.ts';
import { listVolumes } from '../../engine/volumes.ts';
import { batchByEngine, batchByList } from './batch.ts';
import type { EngineKey } from './keys.ts';

/** Volumes by name: one list call per engine. */
export function loadVolumes(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByList(
    engines,
    keys,
    (api, names) => listVolumes(api, { filters: { name: names } }),
    (volume) => volume.Name,
  );
}

/** Disk usage in bytes by volume name, from the request's `/system/df`; null where the engine cannot tell. */
export function loadVolumeSizes(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  usages: DataLoader<string, SystemDataUsage>,
) {
  return batchByEngine<number | null>(keys, async (engine) => {
    if (!engines.api(engine)) return () => null;
    const usage = await usages.load(engine);
    const byName = new Map(
      (usage.Volumes ?? []).map((volume) => [volume.Name, volume.UsageData?.Size ?? null]),
    );
    return (name) => {
      const size = byName.get(name);
      return size === undefined || size === null || size < 0 ? null : size;
    };
  });
}
