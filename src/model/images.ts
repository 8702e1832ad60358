import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';
import {
  type ImageDeleteItem,
  inspectImage,
  listImages,
  pruneImages,
  removeImage,
  tagImage,
} from '../engine/images.ts';
import { type EngineArg, engineFor, reachableBy } from '../engine/registry.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/types.ts';
import { type ContainerNode, containerFromSummary } from './containers.ts';
import {
  type EngineList,
  type EnginesArg,
  type ListOrder,
  listAcross,
  NEWEST_FIRST,
  type SortKeys,
} from './engine-lists.ts';
import { routeRef } from './engine-refs.ts';
import { inspectByRef, nodesFor } from './loaders/batch.ts';
import { loadImageSummaries } from './loaders/images.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import { checkWritable, isTenant, tenantFilters, visibleItems, visibleResults } from './tenancy.ts';
import { write, writeTo } from './writes.ts';

/** An image as listed (`summary`) or inspected (`details`); both carry tags, size and labels. */
export interface ImageNode {
  key: EngineKey;
  summary?: ImageSummary;
  details?: ImageInspect;
}

/** The Image node's loader: summaries by full id (`sha256:…`), one list call per engine. */
export function imageNodes(ctx: Context, keys: string[]) {
  return nodesFor(
    keys,
    loadImageSummaries(reachableBy(ctx.engines, ctx.principal), keys, ctx.loaders.imageLists).then(
      visibleResults(ctx.principal, (image: ImageSummary) => image.Labels),
    ),
    (key, summary): ImageNode => ({ key, summary }),
  );
}

/** An image by id, id prefix, `repo:tag` or digest, through the per-request loader; null when none. */
export async function imageByRef(
  ctx: Context,
  engine: string,
  ref: string,
): Promise<ImageNode | null> {
  return inspectByRef(ctx.loaders.imageDetails, engine, ref);
}

/** `image(ref:)`: an image of the engine the arguments name. */
export async function imageAt(ctx: Context, args: EngineArg & { ref: string }) {
  const found = (engine: string, ref: string) => imageByRef(ctx, engine, ref);
  const { engine, ref } = await routeRef(ctx, 'image', args, async (engine, ref) =>
    Boolean(await found(engine, ref)),
  );
  return found(engine, ref);
}

/** What the engine lists in place of a tag or digest on an image that has none. */
export const UNTAGGED = new Set(['<none>:<none>', '<none>@<none>']);

const imageSortKeys: SortKeys<ImageNode> = {
  created: (image) => image.summary?.Created ?? 0,
  // As `docker images` names it: its first tag, else its id.
  name: (image) =>
    image.summary?.RepoTags?.find((tag) => !UNTAGGED.has(tag)) ?? parseKey(image.key).id,
  engineNewestFirst: true,
};

/** Images of the engines asked (all the principal may use by default), newest first by default. */
export function imageList(
  ctx: Context,
  args: EnginesArg & {
    all: boolean;
    filters: EngineFilters | undefined;
    order?: ListOrder | null;
  },
): Promise<EngineList<ImageNode>> {
  return listAcross(
    ctx,
    args.engines,
    async (name) => {
      const engine = engineFor(ctx, { engine: name });
      const list = await listImages(engine.api, { all: args.all, filters: args.filters });
      return visibleItems(ctx.principal, list, (image) => image.Labels).map(
        (summary): ImageNode => ({ key: toKey(engine.name, summary.Id), summary }),
      );
    },
    { keys: imageSortKeys, order: args.order ?? NEWEST_FIRST },
  );
}

export async function imageDetailsOf(image: ImageNode, ctx: Context): Promise<ImageInspect> {
  if (image.details) return image.details;
  const details = await ctx.loaders.imageDetails.load(image.key);
  if (!details) throw new EngineNotFoundError(`image ${parseKey(image.key).id} no longer exists`);
  return details;
}

export async function imageHistoryOf(ctx: Context, image: ImageNode): Promise<ImageHistoryItem[]> {
  return (await ctx.loaders.imageHistory.load(image.key)) ?? [];
}

/** Containers created from the image (not from images built on top of it). */
export async function imageContainers(ctx: Context, image: ImageNode): Promise<ContainerNode[]> {
  const { engine } = parseKey(image.key);
  const containers = await ctx.loaders.containersByImage.load(image.key);
  return containers.map((summary) => containerFromSummary(ctx, engine, summary));
}

/** The image read back after a write (which let go of everything read before it). */
export async function rereadImage(ctx: Context, engine: string, ref: string): Promise<ImageNode> {
  const image = await imageByRef(ctx, engine, ref);
  if (!image) throw new EngineNotFoundError(`image ${ref} no longer exists`);
  return image;
}

const IMAGE = {
  kind: 'image' as const,
  inspect: inspectImage,
  labels: (image: ImageInspect) => image.Config?.Labels,
};

/** Resolved once, so the tag lands on the image that was asked about and is read back by id. */
export async function imageTag(
  ctx: Context,
  args: EngineArg & { ref: string; target: { repo: string; tag: string } },
): Promise<ImageNode> {
  const tagged = await writeTo(ctx, args, IMAGE, ({ api }, id) => tagImage(api, id, args.target));
  return rereadImage(ctx, tagged.engine, tagged.id);
}

function split(items: readonly ImageDeleteItem[]) {
  return {
    untagged: items.flatMap((item) => (item.Untagged ? [item.Untagged] : [])),
    deleted: items.flatMap((item) => (item.Deleted ? [item.Deleted] : [])),
  };
}

/** A tag's or digest's repository: `registry:5000/app:1` → `registry:5000/app`. */
function repositoryOf(reference: string): string {
  return reference.slice(0, reference.lastIndexOf(reference.includes('@') ? '@' : ':'));
}

const HEX = /^(sha256:)?[0-9a-f]+$/;

/**
 * What a tenant's removal names, once the image `ref` resolved to is checked. An id (or id
 * prefix; the engine tries a tag of that name first) is acted on as the full id, and so is a tag
 * that is the image's only reference (removing it removes the image, as removing the id does):
 * a retag cannot move them to another image. A tag among several, or a digest, must stay an
 * untag by ref, which the engine resolves again: a retag in the moment between the inspect and
 * the removal would untag another image's tag (and remove that image if it was its last). No
 * Engine API call removes a tag only if it still names a given id, so that window stays.
 */
function tenantRemovalRef(ctx: Context, image: ImageInspect, ref: string): string {
  checkWritable(ctx.principal, IMAGE.labels(image), { kind: 'image', ref });
  const tags = image.RepoTags ?? [];
  if (HEX.test(ref) && !tags.includes(`${ref}:latest`)) return image.Id;
  const [tag] = tags;
  const onlyReference =
    !ref.includes('@') &&
    tag !== undefined &&
    tags.length === 1 &&
    (image.RepoDigests ?? []).every((digest) => repositoryOf(digest) === repositoryOf(tag));
  return onlyReference ? image.Id : ref;
}

export async function imageRemove(
  ctx: Context,
  args: EngineArg & { ref: string; force: boolean; noPrune: boolean },
) {
  const routed = await routeRef(ctx, 'image', args, async (engine, ref) =>
    Boolean(await imageByRef(ctx, engine, ref)),
  );
  return write(ctx, { engine: routed.engine }, async ({ name, api }) => {
    // Resolved first: an untag deletes nothing, and its line still names the image and the tag.
    const image = await inspectImage(api, routed.ref);
    const ref = isTenant(ctx.principal) ? tenantRemovalRef(ctx, image, routed.ref) : routed.ref;
    auditTarget(name, image.Id);
    const removed = split(
      await removeImage(api, ref, { force: args.force, noPrune: args.noPrune }),
    );
    for (const target of [...removed.untagged, ...removed.deleted]) auditTarget(name, target);
    return { key: toKey(name, image.Id), ...removed };
  });
}

export function imagesPrune(
  ctx: Context,
  args: EngineArg & { filters: EngineFilters | undefined },
) {
  return write(ctx, args, async ({ name, api }) => {
    const report = await pruneImages(api, tenantFilters(ctx.principal, args.filters));
    const { deleted } = split(report.ImagesDeleted ?? []);
    for (const id of deleted) auditTarget(name, id);
    return {
      deleted,
      spaceReclaimed: report.SpaceReclaimed,
    };
  });
}
