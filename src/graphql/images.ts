import type { ArgBuilder } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from '../engine/types.ts';
import { type ListOrder, NEWEST_FIRST } from '../model/engine-lists.ts';
import {
  type ImageNode,
  imageAt,
  imageContainers,
  imageDetailsOf,
  imageHistoryOf,
  imageList,
  UNTAGGED,
} from '../model/images.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { builder, type Types } from './builder.ts';
import { labelFields } from './common.ts';
import {
  type ConnectionArgs,
  engineArg,
  engineConnection,
  enginesArg,
  orderInput,
} from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { Container, Engine, Image } from './nodes.ts';
import { unixTime } from './scalars.ts';

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
      resolve: async (image, _args, ctx) => (await imageDetailsOf(image, ctx)).Architecture,
    }),
    variant: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await imageDetailsOf(image, ctx)).Variant || null,
    }),
    os: t.string({ resolve: async (image, _args, ctx) => (await imageDetailsOf(image, ctx)).Os }),
    author: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await imageDetailsOf(image, ctx)).Author || null,
    }),
    comment: t.string({
      nullable: true,
      resolve: async (image, _args, ctx) => (await imageDetailsOf(image, ctx)).Comment || null,
    }),
    history: t.field({
      type: [ImageLayer],
      resolve: (image, _args, ctx) => imageHistoryOf(ctx, image),
    }),
    containers: t.field({
      type: [Container],
      description: 'Containers created from this image (not from images built on top of it).',
      resolve: (image, _args, ctx) => imageContainers(ctx, image),
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

const ImageOrder = orderInput('Image', {
  NAME: { description: 'The first of `tags`, else `dockerId` (as `docker images` names it).' },
});

function imageListArgs(arg: ArgBuilder<Types>) {
  return {
    orderBy: arg({
      type: ImageOrder,
      required: true,
      defaultValue: NEWEST_FIRST,
      description: 'Newest first (as `docker images` lists them) unless asked otherwise.',
    }),
    all: arg.boolean({
      defaultValue: false,
      required: true,
      description: 'Include intermediate images.',
    }),
    filter: arg({ type: ImageFilter }),
  };
}

async function imageConnection(
  args: ConnectionArgs & {
    all: boolean;
    filter?: Parameters<typeof engineFilters>[0];
    orderBy: ListOrder;
  },
  engines: readonly string[] | null | undefined,
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  const list = await imageList(ctx, {
    engines,
    all: args.all,
    filters: engineFilters(args.filter),
    order: args.orderBy,
  });
  return engineConnection(args, list, ctx, info);
}

builder.objectField(Engine, 'images', (t) =>
  t.connection({
    authScopes: { viewer: true },
    type: Image,
    description: "This engine's images in `orderBy` (newest first by default).",
    args: imageListArgs(t.arg),
    resolve: (engine, args, ctx, info) => imageConnection(args, [engine.name], ctx, info),
  }),
);

builder.queryFields((t) => ({
  images: t.connection({
    authScopes: { viewer: true },
    type: Image,
    description:
      'Images in `orderBy`, by default as `docker images` lists them: newest first, across engines too. One engine call per engine.',
    args: { ...imageListArgs(t.arg), engines: enginesArg(t.arg) },
    resolve: (_root, args, ctx, info) => imageConnection(args, args.engines, ctx, info),
  }),
  image: t.field({
    authScopes: { viewer: true },
    type: Image,
    nullable: true,
    description:
      'An image by global id, id, unique id prefix, `repo:tag` or `repo@digest`; null when none matches. AMBIGUOUS_REF when it matches on several engines and no `engine` is given.',
    args: { ref: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    resolve: (_root, { ref, engine }, ctx) => imageAt(ctx, { ref, engine }),
  }),
}));
