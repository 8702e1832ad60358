import type { EngineApi } from '../../engine/api.ts';
import { listContainers } from '../../engine/containers.ts';
import type { EngineFilters } from '../../engine/filters.ts';
import { listNetworks } from '../../engine/networks.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { ContainerSummary, NetworkResource, Volume } from '../../engine/types.ts';
import { listVolumes } from '../../engine/volumes.ts';
import { COMPOSE_LABELS } from '../compose-order.ts';

/** Only what compose made: everything carrying the project label. */
const COMPOSE: EngineFilters = { label: [COMPOSE_LABELS.project] };

/** One list call per engine named, answering the whole list (or that engine's error). */
function perEngine<T>(
  engines: EngineRegistry,
  names: readonly string[],
  list: (api: EngineApi) => Promise<T[]>,
) {
  return Promise.all(
    names.map(async (name): Promise<T[] | Error> => {
      const api = engines.api(name);
      if (!api) return [];
      return list(api).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }),
  );
}

/** Every compose project's containers, running or not, by engine name. */
export function loadComposeContainers(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<ContainerSummary>(engines, names, (api) =>
    listContainers(api, { all: true, filters: COMPOSE }),
  );
}

export function loadComposeNetworks(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<NetworkResource>(engines, names, (api) =>
    listNetworks(api, { filters: COMPOSE }),
  );
}

export function loadComposeVolumes(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<Volume>(engines, names, (api) => listVolumes(api, { filters: COMPOSE }));
}
