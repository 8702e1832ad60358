import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import DataLoader from 'dataloader';
import type { Principal } from '../../auth/principal.ts';
import { type ExecInspect, inspectExec } from '../../engine/exec.ts';
import { type EngineRegistry, reachableBy } from '../../engine/registry.ts';
import type {
  ContainerInspect,
  ContainerSummary,
  ImageHistoryItem,
  ImageInspect,
  ImageSummary,
  NetworkResource,
  SystemDataUsage,
  SystemInfo,
  SystemVersion,
  Volume,
} from '../../engine/types.ts';
import { visibleItems, visibleResults } from '../tenancy.ts';
import { batchEachRef } from './batch.ts';
import { loadComposeContainers, loadComposeNetworks, loadComposeVolumes } from './compose.ts';
import {
  loadContainerDetails,
  loadContainerSummaries,
  loadContainersByImage,
  loadContainersByNetwork,
  loadContainersByVolume,
} from './containers.ts';
import { loadImageDetails, loadImageHistories, loadImageLists } from './images.ts';
import type { EngineKey } from './keys.ts';
import { loadNetworkDetails, loadNetworksByName } from './networks.ts';
import { loadDataUsages, loadEngineInfos, loadEngineVersions } from './system.ts';
import { loadVolumeSizes } from './volumes.ts';

/**
 * Per-request loaders for what is not a node of its own (nodes load through their Pothos refs):
 * inspect details and relations.
 */
export interface Loaders {
  containerSummaries: DataLoader<EngineKey, ContainerSummary | null>;
  containerDetails: DataLoader<EngineKey, ContainerInspect | null>;
  containerSizes: DataLoader<EngineKey, ContainerSummary | null>;
  containersByImage: DataLoader<EngineKey, ContainerSummary[]>;
  containersByNetwork: DataLoader<EngineKey, ContainerSummary[]>;
  containersByVolume: DataLoader<EngineKey, ContainerSummary[]>;
  imageDetails: DataLoader<EngineKey, ImageInspect | null>;
  /** Each engine's image list by engine name: what the Image node loads from. */
  imageLists: DataLoader<string, ImageSummary[]>;
  execDetails: DataLoader<EngineKey, ExecInspect | null>;
  imageHistory: DataLoader<EngineKey, ImageHistoryItem[] | null>;
  networkDetails: DataLoader<EngineKey, NetworkResource | null>;
  networksByName: DataLoader<EngineKey, NetworkResource | null>;
  volumeSizes: DataLoader<EngineKey, number | null>;
  /** Each engine's `/system/df` by engine name, unfiltered: its readers filter for the principal. */
  dataUsage: DataLoader<string, SystemDataUsage>;
  engineVersion: DataLoader<string, SystemVersion>;
  engineInfo: DataLoader<string, SystemInfo>;
  /** Each engine's compose-labelled containers, networks and volumes, by engine name. */
  composeContainers: DataLoader<string, ContainerSummary[]>;
  composeNetworks: DataLoader<string, NetworkResource[]>;
  composeVolumes: DataLoader<string, Volume[]>;
}

/** Lists, each with only the items the principal may see; an error stays that key's error. */
function visibleLists<T>(
  principal: Principal,
  results: readonly (T[] | Error)[],
  labelsOf: (item: T) => Readonly<Record<string, string>> | null | undefined,
): (T[] | Error)[] {
  return results.map((result) =>
    result instanceof Error ? result : visibleItems(principal, result, labelsOf),
  );
}

/**
 * What the principal may not see (another tenant's objects) answers as missing, here where every
 * read of an object or relation passes.
 */
export function createLoaders(all: EngineRegistry, principal: Principal): Loaders {
  const engines = reachableBy(all, principal);
  const summaries = visibleResults(principal, (container: ContainerSummary) => container.Labels);
  const related = (results: readonly (ContainerSummary[] | Error)[]) =>
    visibleLists(principal, results, (c) => c.Labels);
  const details = visibleResults(
    principal,
    (container: ContainerInspect) => container.Config.Labels,
  );
  const images = visibleResults(principal, (image: ImageInspect) => image.Config?.Labels);
  const networks = visibleResults(principal, (network: NetworkResource) => network.Labels);
  const dataUsage = new DataLoader((names: readonly string[]) => loadDataUsages(engines, names));
  return {
    containerSummaries: new DataLoader(async (keys) =>
      summaries(await loadContainerSummaries(engines, keys)),
    ),
    containerDetails: new DataLoader(async (keys) =>
      details(await loadContainerDetails(engines, keys)),
    ),
    containerSizes: new DataLoader(async (keys) =>
      summaries(await loadContainerSummaries(engines, keys, { size: true })),
    ),
    containersByImage: new DataLoader(async (keys) =>
      related(await loadContainersByImage(engines, keys)),
    ),
    containersByNetwork: new DataLoader(async (keys) =>
      related(await loadContainersByNetwork(engines, keys)),
    ),
    containersByVolume: new DataLoader(async (keys) =>
      related(await loadContainersByVolume(engines, keys)),
    ),
    imageDetails: new DataLoader(async (keys) => images(await loadImageDetails(engines, keys))),
    imageLists: new DataLoader((names) => loadImageLists(engines, names)),
    execDetails: new DataLoader((keys) => batchEachRef(engines, keys, inspectExec)),
    imageHistory: new DataLoader((keys) => loadImageHistories(engines, keys)),
    networkDetails: new DataLoader(async (keys) =>
      networks(await loadNetworkDetails(engines, keys)),
    ),
    networksByName: new DataLoader(async (keys) =>
      networks(await loadNetworksByName(engines, keys)),
    ),
    volumeSizes: new DataLoader((keys) => loadVolumeSizes(engines, keys, dataUsage)),
    dataUsage,
    engineVersion: new DataLoader((names) => loadEngineVersions(engines, names)),
    engineInfo: new DataLoader((names) => loadEngineInfos(engines, names, principal)),
    composeContainers: new DataLoader(async (names) =>
      related(await loadComposeContainers(engines, names)),
    ),
    composeNetworks: new DataLoader(async (names) =>
      visibleLists(principal, await loadComposeNetworks(engines, names), (n) => n.Labels),
    ),
    composeVolumes: new DataLoader(async (names) =>
      visibleLists(principal, await loadComposeVolumes(engines, names), (v) => v.Labels),
    ),
  };
}

/**
 * The engine changed (a write), or a subscription delivers its next item: nothing read before may
 * answer now, so our loaders and Pothos's node loaders start afresh.
 */
export function refreshLoaders(ctx: {
  engines: EngineRegistry;
  principal: Principal;
  loaders: Loaders;
}): void {
  ctx.loaders = createLoaders(ctx.engines, ctx.principal);
  clearAllDataLoaders(ctx);
}
