import type { EngineApi } from './api.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { networkRef } from './refs.ts';
import type { NetworkResource } from './types.ts';

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
