import { inspectNetwork, listNetworks } from '../engine/networks.ts';
import type { NetworkResource } from '../engine/types.ts';
import { batchByEngine, batchEachRef } from './batch.ts';
import type { EngineRegistry } from './engines.ts';
import type { EngineKey } from './keys.ts';

/** Networks by full id: one list call per engine (the list carries every field but Containers). */
export function loadNetworks(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByEngine<NetworkResource | null>(keys, async (engine, ids) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    const list = await listNetworks(api, { filters: { id: ids } });
    const byId = new Map(list.map((network) => [network.Id, network]));
    return (id) => byId.get(id) ?? null;
  });
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
  return batchByEngine<NetworkResource | null>(keys, async (engine, names) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    // The name filter matches substrings; only exact names answer a key.
    const list = await listNetworks(api, { filters: { name: names } });
    const byName = new Map(list.map((network) => [network.Name, network]));
    return (name) => byName.get(name) ?? null;
  });
}
