import { type Context, refreshLoaders } from '../context.ts';
import { BadUserInputError, EngineNotFoundError } from '../engine/errors.ts';
import {
  type ImageDeleteItem,
  inspectImage,
  pruneImages,
  pullImage,
  removeImage,
  tagImage,
} from '../engine/images.ts';
import { imageRef } from '../engine/refs.ts';
import { builder } from './builder.ts';
import { defaultEngine, engineFilters } from './filters.ts';
import { Image, type ImageNode, imageByRef } from './images.ts';
import { PruneFilter, platformSpec, pruneUntil } from './input-checks.ts';

/** The distribution reference grammar: an optional registry host[:port], then path components. */
const DOMAIN =
  '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d{1,5})?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPO = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const MAX_REPO = 255;
const TAG = /^\w[\w.-]{0,127}$/;

function repository(value: string): string {
  // Length first: the pattern is only ever run on short input.
  if (value.length > MAX_REPO || !REPO.test(value)) {
    throw new BadUserInputError(
      `repo "${value.slice(0, 80)}" is not a repository name (lowercase path components, optionally after a registry host; no tag)`,
    );
  }
  return value;
}

function tagName(value: string): string {
  if (!TAG.test(value)) {
    throw new BadUserInputError(
      `tag "${value.slice(0, 80)}" is not a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`,
    );
  }
  return value;
}

/** The engine changed: nothing read earlier in this operation may answer for the image. */
async function reread(ctx: Context, engine: string, ref: string): Promise<ImageNode> {
  refreshLoaders(ctx);
  const image = await imageByRef(ctx, engine, ref);
  if (!image) throw new EngineNotFoundError(`image ${ref} no longer exists`);
  return image;
}

function split(items: readonly ImageDeleteItem[]) {
  return {
    untagged: items.flatMap((item) => (item.Untagged ? [item.Untagged] : [])),
    deleted: items.flatMap((item) => (item.Deleted ? [item.Deleted] : [])),
  };
}

const ImageRemoveResult = builder
  .objectRef<{ untagged: string[]; deleted: string[] }>('ImageRemoveResult')
  .implement({
    description: 'What removing one image reference did, as the engine reports it.',
    fields: (t) => ({
      untagged: t.exposeStringList('untagged', {
        description: '`repo:tag` and `repo@digest` references that went.',
      }),
      deleted: t.exposeStringList('deleted', {
        description: 'Ids of the images (and untagged parents) that went.',
      }),
    }),
  });

const ImagesPruneResult = builder
  .objectRef<{ deleted: string[]; spaceReclaimed: number }>('ImagesPruneResult')
  .implement({
    fields: (t) => ({
      deleted: t.exposeStringList('deleted', { description: 'Ids of the removed images.' }),
      spaceReclaimed: t.field({
        type: 'SafeInt',
        description: 'Bytes freed.',
        resolve: (r) => r.spaceReclaimed,
      }),
    }),
  });

const imageArg = { description: 'Image id, unique id prefix, `repo:tag` or `repo@digest`.' };

builder.mutationFields((t) => ({
  imagePull: t.field({
    type: Image,
    description:
      'Pulls an image (no tag means `latest`) and answers it once the pull is complete. Failures, whether the engine answers them with a status or inside its stream, are PULL_FAILED. Subscribe to `imagePull` for progress.',
    args: {
      ref: t.arg.string({ required: true }),
      platform: t.arg.string({ description: 'os[/arch[/variant]], e.g. linux/amd64.' }),
    },
    resolve: async (_root, args, ctx) => {
      const ref = imageRef(args.ref);
      const platform = args.platform ? platformSpec('platform', args.platform) : undefined;
      const engine = defaultEngine(ctx);
      // A client that goes away takes its pull with it, as with the docker CLI.
      const signal = ctx.signal ?? new AbortController().signal;
      for await (const _progress of pullImage(engine.api, ref, { platform, signal })) {
        // Only the end matters here; pullImage throws for a failure reported mid-stream.
      }
      return reread(ctx, engine.name, ref);
    },
  }),
  imageTag: t.field({
    type: Image,
    description:
      'Adds the reference `repo:tag` to an image. As with `docker tag`, a reference that named another image moves to this one.',
    args: {
      ref: t.arg.string({ required: true, ...imageArg }),
      repo: t.arg.string({
        required: true,
        description: 'e.g. `myapp` or `registry:5000/team/app`.',
      }),
      tag: t.arg.string({ defaultValue: 'latest' }),
    },
    resolve: async (_root, args, ctx) => {
      const ref = imageRef(args.ref);
      const target = { repo: repository(args.repo), tag: tagName(args.tag ?? 'latest') };
      const engine = defaultEngine(ctx);
      // Resolved once, so the tag lands on the image that was asked about and is read back by id.
      const { Id: id } = await inspectImage(engine.api, ref);
      await tagImage(engine.api, id, target);
      return reread(ctx, engine.name, id);
    },
  }),
  imageRemove: t.field({
    type: ImageRemoveResult,
    description:
      'Removes a reference, and the image once no reference is left. CONFLICT without `force` when a container uses the image, or when an id names an image with several references.',
    args: {
      ref: t.arg.string({ required: true, ...imageArg }),
      force: t.arg.boolean({ defaultValue: false }),
      noPrune: t.arg.boolean({ defaultValue: false, description: 'Keep untagged parents.' }),
    },
    resolve: async (_root, args, ctx) => {
      const ref = imageRef(args.ref);
      const items = await removeImage(defaultEngine(ctx).api, ref, {
        force: args.force ?? false,
        noPrune: args.noPrune ?? false,
      });
      refreshLoaders(ctx);
      return split(items);
    },
  }),
  imagesPrune: t.field({
    type: ImagesPruneResult,
    description:
      'Removes images no container uses that match the filter: only untagged ones with `dangling: true`, tagged ones too with false.',
    args: {
      dangling: t.arg.boolean({ defaultValue: true }),
      filter: t.arg({ type: PruneFilter }),
    },
    resolve: async (_root, { dangling, filter }, ctx) => {
      const filters = engineFilters({
        dangling: dangling ?? true,
        label: filter?.label,
        until: pruneUntil(filter?.until),
      });
      const report = await pruneImages(defaultEngine(ctx).api, filters);
      refreshLoaders(ctx);
      return {
        deleted: split(report.ImagesDeleted ?? []).deleted,
        spaceReclaimed: report.SpaceReclaimed,
      };
    },
  }),
}));
