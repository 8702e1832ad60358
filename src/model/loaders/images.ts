import { imageHistory, inspectImage, listImages } from '../../engine/images.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { ImageHistoryItem, ImageInspect } from '../../engine/types.ts';
import { batchByList, batchEachRef } from './batch.ts';
import type { EngineKey } from './keys.ts';

/** Summaries by full image id (`sha256:…`): one list call per engine. */
export function loadImageSummaries(engines: EngineRegistry, keys: readonly EngineKey[]) {
  // The image list has no id filter: all images, picked by exact id.
  return batchByList(
    engines,
    keys,
    (api) => listImages(api, { all: true }),
    (image) => image.Id,
  );
}

/** Inspect by id, id prefix or `repo:tag`. */
export function loadImageDetails(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<ImageInspect>(engines, keys, inspectImage);
}

export function loadImageHistories(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<ImageHistoryItem[]>(engines, keys, imageHistory);
}
