import { encodeGlobalID } from '@pothos/plugin-relay';
import { imageRemove, imagesPrune, imageTag } from '../model/images.ts';
import { builder } from './builder.ts';
import { engineArg, targetEngineArg } from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { PruneFilter, pruneUntil, repository, tagName } from './input-checks.ts';
import { Image } from './nodes.ts';

const ImageRemoveResult = builder
  .objectRef<{ key: string; untagged: string[]; deleted: string[] }>('ImageRemoveResult')
  .implement({
    description: 'What removing one image reference did, as the engine reports it.',
    fields: (t) => ({
      id: t.id({
        description:
          'The global id of the image the reference named: gone when `deleted` holds its id, else only a reference went.',
        resolve: (removed) => encodeGlobalID('Image', removed.key),
      }),
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

const imageArg = {
  description: 'Global id, image id, unique id prefix, `repo:tag` or `repo@digest`.',
};

builder.mutationFields((t) => ({
  imageTag: t.field({
    authScopes: { operator: true },
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
      engine: engineArg(t.arg),
    },
    resolve: (_root, args, ctx) => {
      const target = { repo: repository(args.repo), tag: tagName(args.tag ?? 'latest') };
      return imageTag(ctx, { ref: args.ref, target, engine: args.engine });
    },
  }),
  imageRemove: t.field({
    authScopes: { admin: true },
    type: ImageRemoveResult,
    description:
      'Removes a reference, and the image once no reference is left. CONFLICT without `force` when a container uses the image, or when an id names an image with several references.',
    args: {
      ref: t.arg.string({ required: true, ...imageArg }),
      force: t.arg.boolean({ defaultValue: false }),
      noPrune: t.arg.boolean({ defaultValue: false, description: 'Keep untagged parents.' }),
      engine: engineArg(t.arg),
    },
    resolve: (_root, args, ctx) =>
      imageRemove(ctx, {
        ref: args.ref,
        engine: args.engine,
        force: args.force ?? false,
        noPrune: args.noPrune ?? false,
      }),
  }),
  imagesPrune: t.field({
    authScopes: { admin: true },
    type: ImagesPruneResult,
    description:
      'Removes images no container uses that match the filter: only untagged ones with `dangling: true`, tagged ones too with false.',
    args: {
      dangling: t.arg.boolean({ defaultValue: true }),
      filter: t.arg({ type: PruneFilter }),
      engine: targetEngineArg(t.arg),
    },
    resolve: (_root, { dangling, filter, engine }, ctx) =>
      imagesPrune(ctx, {
        engine,
        filters: engineFilters({
          dangling: dangling ?? true,
          label: filter?.label,
          until: pruneUntil(filter?.until),
        }),
      }),
  }),
}));
