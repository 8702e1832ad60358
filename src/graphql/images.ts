import { resolveArrayConnection } from '@pothos/plugin-relay';
import { type Context, refreshLoaders } from '../context.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import { listImages, pullImage } from '../engine/images.ts';
import { abortable } from '../engine/iterate.ts';
import { imageRef } from '../engine/refs.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/types.ts';
import { loadImageSummaries } from '../loaders/images.ts';
import { type EngineKey, parseKey, toKey } from '../loaders/keys.ts';
import { builder } from './builder.ts';
import { labelFields, nodesFor } from './common.ts';
import { Container, containerNodeFromSummary } from './containers.ts';
import { defaultEngine, engineFilters } from './filters.ts';
import { platformSpec } from './input-checks.ts';
import { unixTime } from './scalars.ts';

/** An image as listed (`summary`) or inspected (`details`); both carry tags, size and labels. */
export interface ImageNode {
  key: EngineKey;
  summary?: ImageSummary;
  details?: ImageInspect;
}

/** An image by id, id prefix, `repo:tag` or digest, through the per-request loader; null when none. */
export async function imageByRef(
  ctx: Context,
  engine: string,
  ref: string,
): Promise<ImageNode | null> {
  const details = await ctx.loaders.imageDetails.load(toKey(engine, ref));
  if (!details) return null;
  const key = toKey(engine, details.Id);
  ctx.loaders.imageDetails.prime(key, details);
  return { key, details };
}

const UNTAGGED = new Set(['<none>:<none>', '<none>@<none>']);

async function detailsOf(image: ImageNode, ctx: Context): Promise<ImageInspect> {
  if (image.details) return image.details;
  const details = await ctx.loaders.imageDetails.load(image.key);
  if (!details) throw new EngineNotFoundError(`image ${parseKey(image.key).id} no longer exists`);
  return details;
}

function listed<T>(
  image: ImageNode,
  fromSummary: (s: ImageSummary) => T,
  fromDetails: (d: ImageInspect) => T,
): T {
  return image.summary ? fromSummary(image.summary) : fromDetails(image.details as ImageInspect);
}

const ImageLayer = builder.objectRef<ImageHistoryItem>('ImageLayer').implement({
  description: 'One step of the image history, newest first, as `docker history` shows it.',
  fields: (t) => ({
    layerId: t.string({
      nullable: true,
      description: 'The id of the image this step produced, when it is still known locally.',
      resolve: (h) => (h.Id && h.Id !== '<missing>' ? h.Id : null),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (h) => unixTime(h.Created) }),
    createdBy: t.exposeString('CreatedBy'),
    tags: t.stringList({ resolve: (h) => h.Tags ?? [] }),
    size: t.field({ type: 'SafeInt', resolve: (h) => h.Size }),
    comment: t.exposeString('Comment'),
  }),
});

export const Image = builder.loadableNodeRef('Image', {
  id: { resolve: (image: ImageNode) => image.key },
  load: (keys: string[], ctx: Context) =>
    nodesFor(
      keys,
      loadImageSummaries(ctx.engines, keys),
      (key, summary): ImageNode => ({ key, summary }),
    ),
});

Image.implement({
  description: 'An image on one engine.',
  fields: (t) => ({
    dockerId: t.string({
      description: 'The full image id, `sha256:…`.',
      resolve: (image) => parseKey(image.key).id,
    }),
    shortId: t.string({
      resolve: (image) =>
        parseKey(image.key)
          .id.replace(/^sha256:/, '')
          .slice(0, 12),
    }),
    engine: t.string({ resolve: (image) => parseKey(image.key).engine }),
    tags: t.stringList({
      description: '`repo:tag` references; empty for an untagged image.',
      resolve: (image) =>
        listed(
          image,
          (s) => s.RepoTags,
          (d) => d.RepoTags,
        )?.filter((tag) => !UNTAGGED.has(tag)) ?? [],
    }),
    digests: t.stringList({
      description: '`repo@sha256:…` references, known once the image was pulled or pushed.',
      resolve: (image) =>
        listed(
          image,
          (s) => s.RepoDigests,
          (d) => d.RepoDigests,
        )?.filter((d) => !UNTAGGED.has(d)) ?? [],
    }),
    createdAt: t.field({
      type: 'DateTime',
      // The list gives whole seconds; inspect's nanoseconds are cut so both paths agree.
      resolve: (image) =>
        listed(
          image,
          (s) => unixTime(s.Created),
          (d) => unixTime(Math.floor(Date.parse(d.Created) / 1000)),
        ),
    }),
    size: t.field({
      type: 'SafeInt',
      description: 'Bytes, all layers included.',
      resolve: (image) =>
        listed(
          image,
          (s) => s.Size,
          (d) => d.Size,
        ),
    }),
    ...labelFields(t, (image) =>
      listed(
        image,
        (s) => s.Labels,
        (d) => d.Config?.Labels ?? null,
      ),
    ),
    architecture: t.string({
      resolve: async (image, _args, ctx) => (await detailsOf(image, ctx)).Architecture,
    }),
    variant: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await detailsOf(image, ctx)).Variant || null,
    }),
    os: t.string({ resolve: async (image, _args, ctx) => (await detailsOf(image, ctx)).Os }),
    author: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await detailsOf(image, ctx)).Author || null,
    }),
    comment: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await detailsOf(image, ctx)).Comment || null,
    }),
    history: t.field({
      type: [ImageLayer],
      resolve: async (image, _args, ctx) => (await ctx.loaders.imageHistory.load(image.key)) ?? [],
    }),
    containers: t.field({
      type: [Container],
      description: 'Containers created from this image (not from images built on top of it).',
      resolve: async (image, _args, ctx) => {
        const { engine } = parseKey(image.key);
        return (await ctx.loaders.containersByImage.load(image.key)).map((summary) =>
          containerNodeFromSummary(engine, summary, ctx),
        );
      },
    }),
  }),
});

const ImageFilter = builder.inputType('ImageFilter', {
  description: "The engine's image filters.",
  fields: (t) => ({
    reference: t.stringList({ description: '`repo` or `repo:tag`; `*` wildcards allowed.' }),
    label: t.stringList({ description: '`key` or `key=value`.' }),
    dangling: t.boolean({
      description: 'Only untagged images (true) or only tagged ones (false).',
    }),
    before: t.string({ description: 'Created before this image (id or reference).' }),
    since: t.string({ description: 'Created after this image (id or reference).' }),
  }),
});

builder.queryFields((t) => ({
  images: t.connection({
    type: Image,
    description: 'Images, as `docker images` lists them. One engine call.',
    args: {
      all: t.arg.boolean({
        defaultValue: false,
        required: true,
        description: 'Include intermediate images.',
      }),
      filter: t.arg({ type: ImageFilter }),
    },
    resolve: async (_root, args, ctx) => {
      const engine = defaultEngine(ctx);
      const list = await listImages(engine.api, {
        all: args.all,
        filters: engineFilters(args.filter),
      });
      return resolveArrayConnection(
        { args },
        list.map((summary): ImageNode => ({ key: toKey(engine.name, summary.Id), summary })),
      );
    },
  }),
  image: t.field({
    type: Image,
    nullable: true,
    description:
      'An image by id, unique id prefix, `repo:tag` or `repo@digest`; null when none matches.',
    args: { ref: t.arg.string({ required: true }) },
    resolve: (_root, { ref }, ctx) => imageByRef(ctx, defaultEngine(ctx).name, imageRef(ref)),
  }),
}));

interface LayerState {
  current: number;
  total: number | undefined;
}

type PullEventShape =
  | {
      kind: 'progress';
      status: string;
      layerId: string | null;
      current: number | null;
      total: number | null;
      percent: number | null;
    }
  | { kind: 'done'; image: ImageNode };

const PullProgress = builder
  .objectRef<Extract<PullEventShape, { kind: 'progress' }>>('PullProgress')
  .implement({
    description: 'One progress report of a pull, for one layer (or the whole image).',
    fields: (t) => ({
      status: t.exposeString('status', {
        description: 'e.g. Pulling fs layer, Downloading, Pull complete.',
      }),
      layerId: t.string({ nullable: true, resolve: (p) => p.layerId }),
      current: t.field({
        type: 'SafeInt',
        nullable: true,
        description: 'Bytes done of this layer.',
        resolve: (p) => p.current,
      }),
      total: t.field({
        type: 'SafeInt',
        nullable: true,
        description: 'Bytes of this layer, when known.',
        resolve: (p) => p.total,
      }),
      percent: t.float({
        nullable: true,
        description:
          'Overall progress over the layers whose sizes are known so far; null before any is.',
        resolve: (p) => p.percent,
      }),
    }),
  });

const PullDone = builder
  .objectRef<Extract<PullEventShape, { kind: 'done' }>>('PullDone')
  .implement({
    description: 'The pull finished; always the last event.',
    fields: (t) => ({ image: t.field({ type: Image, resolve: (done) => done.image }) }),
  });

const PullEvent = builder.unionType('PullEvent', {
  types: [PullProgress, PullDone],
  resolveType: (event) => (event.kind === 'progress' ? PullProgress : PullDone),
});

async function* pull(
  ctx: Context,
  args: { ref: string; platform?: string | null },
  signal: AbortSignal,
): AsyncGenerator<PullEventShape> {
  if (args.platform) platformSpec('platform', args.platform);
  const engine = defaultEngine(ctx);
  const layers = new Map<string, LayerState>();
  for await (const message of pullImage(engine.api, args.ref, {
    platform: args.platform ?? undefined,
    signal,
  })) {
    const detail = message.progressDetail;
    if (message.id && detail && (detail.current !== undefined || detail.total !== undefined)) {
      const layer = layers.get(message.id) ?? { current: 0, total: undefined };
      layer.current = detail.current ?? layer.current;
      layer.total = detail.total && detail.total > 0 ? detail.total : layer.total;
      layers.set(message.id, layer);
    }
    if (message.id && /complete|already exists/i.test(message.status ?? '')) {
      const layer = layers.get(message.id);
      if (layer?.total !== undefined) layer.current = layer.total;
    }
    const sized = [...layers.values()].filter((layer) => layer.total !== undefined);
    const total = sized.reduce((sum, layer) => sum + (layer.total ?? 0), 0);
    const done = sized.reduce((sum, layer) => sum + Math.min(layer.current, layer.total ?? 0), 0);
    yield {
      kind: 'progress',
      status: message.status ?? '',
      layerId: message.id ?? null,
      current: detail?.current ?? null,
      total: detail?.total && detail.total > 0 ? detail.total : null,
      percent: total > 0 ? (done / total) * 100 : null,
    };
  }
  // Read fresh: this subscription's loaders may have seen the image before the pull.
  refreshLoaders(ctx);
  const image = await imageByRef(ctx, engine.name, args.ref);
  if (!image) throw new EngineNotFoundError(`image ${args.ref} is gone right after its pull`);
  yield { kind: 'done', image };
}

builder.subscriptionField('imagePull', (t) =>
  t.field({
    type: PullEvent,
    description:
      'Pulls an image (no tag means `latest`), streaming per-layer progress, then `PullDone`. A failure the engine reports inside its stream ends the subscription with PULL_FAILED. Unsubscribing stops following; the engine may finish the pull on its own.',
    args: {
      ref: t.arg.string({ required: true }),
      platform: t.arg.string({ description: 'os[/arch[/variant]], e.g. linux/amd64.' }),
    },
    subscribe: (_root, args, ctx) => abortable((signal) => pull(ctx, args, signal)),
    resolve: (event) => event,
  }),
);
