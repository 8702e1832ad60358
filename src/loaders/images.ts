import { imageHistory, inspectImage, listImages } from '../engine/images.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/types.ts';
import { batchByEngine, batchEachRef } from './batch.ts';
import type { EngineRegistry } from './engines.ts';
import type { EngineKey } from './keys.ts';

/** Summaries by full image id (`sha256:…`): one list call per engine. */
export function loadImageSummaries(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchByEngine<ImageSummary | null>(keys, async (engine) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    const list = await listImages(api, { all: true });
    const byId = new Map(list.map((image) => [image.Id, image]));
    return (id) => byId.get(id) ?? null;
  });
}

/** Inspect by id, id prefix or `repo:tag`. */
export function loadImageDetails(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<ImageInspect>(engines, keys, inspectImage);
}

export function loadImageHistories(engines: EngineRegistry, keys: readonly EngineKey[]) {
  return batchEachRef<ImageHistoryItem[]>(engines, keys, imageHistory);
}
