import type { EngineRegistry } from '../../engine/registry.ts';
import { dataUsage } from '../../engine/system.ts';
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

/** Disk usage in bytes by volume name: one `/system/df` per engine; -1 where the engine cannot tell. */
export function loadVolumeSizes(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByEngine<number | null>(keys, async (engine) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    const usage = await dataUsage(api);
    const byName = new Map(
      (usage.Volumes ?? []).map((volume) => [volume.Name, volume.UsageData?.Size ?? null]),
    );
    return (name) => {
      const size = byName.get(name);
      return size === undefined || size === null || size < 0 ? null : size;
    };
  });
}
