import type { EngineApi } from './api.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { prune } from './prune.ts';
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

/** The body of `POST /volumes/create`, limited to what Wharf sets. */
export interface VolumeCreateConfig {
  /** Left out, the engine generates one. */
  Name?: string;
  Driver: string;
  DriverOpts: Record<string, string>;
  Labels: Record<string, string>;
}

/**
 * The engine answers a duplicate name with the existing volume, whatever the config said.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/VolumeCreate
 */
export function createVolume(api: EngineApi, config: VolumeCreateConfig) {
  if (config.Name !== undefined) volumeName(config.Name);
  return api.json<Volume>('POST', '/volumes/create', { body: config });
}

/**
 * `force` keeps a volume in use (409) but answers 204 for a name that is not there.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/VolumeDelete
 */
export async function removeVolume(api: EngineApi, name: string, force: boolean) {
  await api.call('DELETE', `/volumes/${volumeName(name)}`, {
    query: { force: force ? 1 : undefined },
  });
}

/** `POST /volumes/prune` */
export interface VolumePruneReport {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}

/**
 * On API 1.41 this removes every unused local volume the filters match, named ones included.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/VolumePrune
 */
export function pruneVolumes(api: EngineApi, filters: EngineFilters | undefined) {
  return prune<VolumePruneReport>(api, 'volumes', filters);
}
