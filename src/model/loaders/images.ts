import type DataLoader from 'dataloader';
import { imageHistory, inspectImage, listImages } from '../../engine/images.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../../engine/types.ts';
import { batchByList, batchEachRef } from './batch.ts';
import type { EngineKey } from './keys.ts';

/** Each engine's whole image list (it has no id filter), one call per engine and request. */
export function loadImageLists(engines: EngineRegistry, names: readonly string[]) {
  return Promise.all(
    names.map(async (name): Promise<ImageSummary[] | Error> => {
      const api = engines.api(name);
      if (!api) return [];
      return listImages(api, { all: true }).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }),
  );
}

/** Summaries by full image id (`sha256:…`), picked from the request's image lists. */
export function loadImageSummaries(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  lists: DataLoader<string, ImageSummary[]>,
) {
  return batchByList(
    engines,
    keys,
    (api) => lists.load(api.engine),
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
