import { inspectNetwork, listNetworks } from '../../engine/networks.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { NetworkResource } from '../../engine/types.ts';
import { batchByList, batchEachRef } from './batch.ts';
import type { EngineKey } from './keys.ts';

/** Networks by full id: one list call per engine (the list carries every field but Containers). */
export function loadNetworks(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByList(
    engines,
    keys,
    (api, ids) => listNetworks(api, { filters: { id: ids } }),
    (network) => network.Id,
  );
}

/** Inspect by id, unique id prefix or name. */
export function loadNetworkDetails(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<NetworkResource>(engines, keys, (api, ref) => inspectNetwork(api, ref));
}

/**
 * By name, exactly. Attachments know their network's name always but its id only once the container
 * has started, so they resolve through this: one list call for all of them.
 */
export function loadNetworksByName(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByList(
    engines,
    keys,
    (api, names) => listNetworks(api, { filters: { name: names } }),
    (network) => network.Name,
  );
}
