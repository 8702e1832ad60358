import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import DataLoader from 'dataloader';
import { type ExecInspect, inspectExec } from '../../engine/exec.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type {
  ContainerInspect,
  ContainerSummary,
  ImageHistoryItem,
  ImageInspect,
  NetworkResource,
  SystemInfo,
  SystemVersion,
} from '../../engine/types.ts';
import { batchEachRef } from './batch.ts';
import {
  loadContainerDetails,
  loadContainerSummaries,
  loadContainersByImage,
  loadContainersByNetwork,
  loadContainersByVolume,
} from './containers.ts';
import { loadImageDetails, loadImageHistories } from './images.ts';
import type { EngineKey } from './keys.ts';
import { loadNetworkDetails, loadNetworksByName } from './networks.ts';
import { loadEngineInfos, loadEngineVersions } from './system.ts';
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
  execDetails: DataLoader<EngineKey, ExecInspect | null>;
  imageHistory: DataLoader<EngineKey, ImageHistoryItem[] | null>;
  networkDetails: DataLoader<EngineKey, NetworkResource | null>;
  networksByName: DataLoader<EngineKey, NetworkResource | null>;
  volumeSizes: DataLoader<EngineKey, number | null>;
  engineVersion: DataLoader<string, SystemVersion>;
  engineInfo: DataLoader<string, SystemInfo>;
}

export function createLoaders(engines: EngineRegistry): Loaders {
  return {
    containerSummaries: new DataLoader((keys) => loadContainerSummaries(engines, keys)),
    containerDetails: new DataLoader((keys) => loadContainerDetails(engines, keys)),
    containerSizes: new DataLoader((keys) => loadContainerSummaries(engines, keys, { size: true })),
    containersByImage: new DataLoader((keys) => loadContainersByImage(engines, keys)),
    containersByNetwork: new DataLoader((keys) => loadContainersByNetwork(engines, keys)),
    containersByVolume: new DataLoader((keys) => loadContainersByVolume(engines, keys)),
    imageDetails: new DataLoader((keys) => loadImageDetails(engines, keys)),
    execDetails: new DataLoader((keys) => batchEachRef(engines, keys, inspectExec)),
    imageHistory: new DataLoader((keys) => loadImageHistories(engines, keys)),
    networkDetails: new DataLoader((keys) => loadNetworkDetails(engines, keys)),
    networksByName: new DataLoader((keys) => loadNetworksByName(engines, keys)),
    volumeSizes: new DataLoader((keys) => loadVolumeSizes(engines, keys)),
    engineVersion: new DataLoader((names) => loadEngineVersions(engines, names)),
    engineInfo: new DataLoader((names) => loadEngineInfos(engines, names)),
  };
}

/**
 * The engine changed (a write), or a subscription delivers its next item: nothing read before may
 * answer now, so our loaders and Pothos's node loaders start afresh.
 */
export function refreshLoaders(ctx: { engines: EngineRegistry; loaders: Loaders }): void {
  ctx.loaders = createLoaders(ctx.engines);
  clearAllDataLoaders(ctx);
}
