import { clearAllDataLoaders } from '@pothos/plugin-dataloader';
import DataLoader from 'dataloader';
import { type ExecInspect, inspectExec } from './engine/exec.ts';
import type {
  ContainerInspect,
  ContainerSummary,
  ImageHistoryItem,
  ImageInspect,
  NetworkResource,
  SystemInfo,
  SystemVersion,
} from './engine/types.ts';
import { batchEachRef } from './loaders/batch.ts';
import {
  loadContainerDetails,
  loadContainerSummaries,
  loadContainersByImage,
  loadContainersByNetwork,
  loadContainersByVolume,
} from './loaders/containers.ts';
import type { EngineRegistry } from './loaders/engines.ts';
import { loadImageDetails, loadImageHistories } from './loaders/images.ts';
import type { EngineKey } from './loaders/keys.ts';
import { loadNetworkDetails, loadNetworksByName } from './loaders/networks.ts';
import { loadEngineInfos, loadEngineVersions } from './loaders/system.ts';
import { loadVolumeSizes } from './loaders/volumes.ts';

/**
 * Who is asking. The one place a request's identity lives; every transport (HTTP, WebSocket, SSE)
 * fills it when the context is built. Until authentication lands everyone is anonymous.
 */
export type Principal = { kind: 'anonymous' };

/** Per-request loaders for what is not a node of its own: inspect details and relations. */
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

export interface Context {
  engines: EngineRegistry;
  principal: Principal;
  loaders: Loaders;
  /** Aborts when the client goes away (HTTP, SSE), so long engine calls it started end with it. */
  signal: AbortSignal | undefined;
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
 * A subscription keeps one context for its whole life; each event it delivers must see the engine
 * as it is now, so the loaders' caches start afresh.
 */
export function refreshLoaders(ctx: Context): void {
  ctx.loaders = createLoaders(ctx.engines);
  clearAllDataLoaders(ctx);
}

export function createContext(
  engines: EngineRegistry,
  principal: Principal,
  signal?: AbortSignal,
): Context {
  return { engines, principal, loaders: createLoaders(engines), signal };
}
