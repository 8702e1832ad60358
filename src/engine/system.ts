import type { EngineApi } from './api.ts';
import type { SystemDataUsage, SystemInfo, SystemVersion } from './types.ts';

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SystemVersion */
export function engineVersion(api: EngineApi) {
  return api.json<SystemVersion>('GET', '/version');
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SystemInfo */
export function engineInfo(api: EngineApi) {
  return api.json<SystemInfo>('GET', '/info');
}

/**
 * Disk usage; expensive (the engine walks volumes), so only asked for when a size field is selected.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SystemDataUsage
 */
export function dataUsage(api: EngineApi) {
  return api.json<SystemDataUsage>('GET', '/system/df');
}
