import type { EngineApi } from './api.ts';
import { EngineError } from './errors.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { prune } from './prune.ts';
import { containerRef, networkRef } from './refs.ts';
import type { IpamConfig, NetworkResource } from './types.ts';

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkList */
export function listNetworks(api: EngineApi, options: { filters?: EngineFilters } = {}) {
  return api.json<NetworkResource[]>('GET', '/networks', {
    query: { filters: encodeFilters(options.filters) },
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkInspect */
export function inspectNetwork(api: EngineApi, ref: string) {
  return api.json<NetworkResource>('GET', `/networks/${networkRef(ref)}`);
}

/**
 * libnetwork answers 403 when the network's state forbids the operation: a pool that overlaps
 * another, an endpoint that already exists, a network with active endpoints. The request was
 * well-formed; the state conflicts with it. Exported for `connectContainer` (NetworkConnect).
 */
export function forbiddenAsConflict(error: unknown): never {
  if (error instanceof EngineError && error.statusCode === 403) {
    throw new EngineError('CONFLICT', 403, error.message, { cause: error });
  }
  throw error;
}

/** The body of `POST /networks/create`, limited to what Wharf sets. */
export interface NetworkCreateConfig {
  Name: string;
  /** Without it the engine happily makes a second network of the same name. */
  CheckDuplicate: true;
  Driver: string;
  Internal: boolean;
  Attachable: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: 'default'; Config: IpamConfig[] };
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/**
 * A taken name is 409, an overlapping pool 403 (made CONFLICT here); answers the new id.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkCreate
 */
export async function createNetwork(api: EngineApi, config: NetworkCreateConfig) {
  networkRef(config.Name);
  const created = await api
    .json<{ Id: string; Warning?: string }>('POST', '/networks/create', { body: config })
    .catch(forbiddenAsConflict);
  return created.Id;
}

/** 20.10 answers 500 for a container that is not on the network. */
const NOT_CONNECTED = /is not connected to (the )?network/i;

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkDisconnect */
export async function disconnectNetwork(
  api: EngineApi,
  network: string,
  container: string,
  force: boolean,
) {
  await api
    .call('POST', `/networks/${networkRef(network)}/disconnect`, {
      body: { Container: containerRef(container), Force: force },
    })
    .catch((error: unknown) => {
      if (error instanceof EngineError && NOT_CONNECTED.test(error.message)) {
        throw new EngineError('CONFLICT', error.statusCode, error.message, { cause: error });
      }
      return forbiddenAsConflict(error);
    });
}

/**
 * A network with containers on it, or a predefined one, is 403: CONFLICT.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkDelete
 */
export async function removeNetwork(api: EngineApi, ref: string) {
  await api.call('DELETE', `/networks/${networkRef(ref)}`).catch(forbiddenAsConflict);
}

/**
 * Answers the names of the networks removed.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkPrune
 */
export async function pruneNetworks(api: EngineApi, filters: EngineFilters | undefined) {
  const report = await prune<{ NetworksDeleted: string[] | null }>(api, 'networks', filters);
  return report.NetworksDeleted ?? [];
}
