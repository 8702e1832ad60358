import type { EngineApi } from './api.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { volumeName } from './refs.ts';
import type { Volume, VolumeList } from './types.ts';

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/VolumeList */
export async function listVolumes(api: EngineApi, options: { filters?: EngineFilters } = {}) {
  const list = await api.json<VolumeList>('GET', '/volumes', {
    query: { filters: encodeFilters(options.filters) },
  });
  return list.Volumes ?? [];
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/VolumeInspect */
export function inspectVolume(api: EngineApi, name: string) {
  return api.json<Volume>('GET', `/volumes/${volumeName(name)}`);
}
