import type { EngineApi } from './api.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { imageRef } from './refs.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from './types.ts';

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageList */
export function listImages(
  api: EngineApi,
  options: { all?: boolean; filters?: EngineFilters } = {},
) {
  return api.json<ImageSummary[]>('GET', '/images/json', {
    query: { all: options.all ? 1 : undefined, filters: encodeFilters(options.filters) },
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageInspect */
export function inspectImage(api: EngineApi, ref: string) {
  return api.json<ImageInspect>('GET', `/images/${imageRef(ref)}/json`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageHistory */
export function imageHistory(api: EngineApi, ref: string) {
  return api.json<ImageHistoryItem[]>('GET', `/images/${imageRef(ref)}/history`);
}
