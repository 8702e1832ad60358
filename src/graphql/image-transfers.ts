import { encodeGlobalID } from '@pothos/plugin-relay';
import { BadUserInputError } from '../engine/errors.ts';
import { abortable } from '../engine/iterate.ts';
import { imageRef } from '../engine/refs.ts';
import {
  imagePull,
  imagePullEvents,
  type PullEvent,
  type TransferProgress,
} from '../model/pulls.ts';
import { imagePush, imagePushEvents, type PushEvent, type Pushed } from '../model/pushes.ts';
import type { ClientRegistryAuth } from '../model/registry-auth.ts';
import { builder } from './builder.ts';
import { engineArg, targetEngineArg } from './engine-connection.ts';
import { platformSpec, repository, tagName } from './input-checks.ts';
import { Image } from './nodes.ts';
import { authArg } from './registry-auth-input.ts';

/*
 * Moving images between an engine and a registry: pulls and pushes, as mutations that answer at
 * the end and as subscriptions that stream the progress. Credentials are Wharf's own for the
 * registry (README: Private registries); only admin may send others.
 */

const TransferProgressType = builder.objectRef<TransferProgress>('PullProgress').implement({
  description: 'One progress report of a pull or push, for one layer (or the whole image).',
  fields: (t) => ({
    status: t.exposeString('status', {
      description: 'e.g. Pulling fs layer, Downloading, Pull complete, Pushing, Pushed.',
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

const PullDone = builder.objectRef<Extract<PullEvent, { kind: 'done' }>>('PullDone').implement({
  description: 'The pull finished; always the last event.',
  fields: (t) => ({ image: t.field({ type: Image, resolve: (done) => done.image }) }),
});

const PullEventType = builder.unionType('PullEvent', {
  types: [TransferProgressType, PullDone],
  resolveType: (event) => (event.kind === 'progress' ? TransferProgressType : PullDone),
});

const ImagePushResult = builder.objectRef<Pushed>('ImagePushResult').implement({
  description: 'What a push left in the registry.',
  fields: (t) => ({
    id: t.id({
      description: 'The global id of the pushed image.',
      resolve: (pushed) => encodeGlobalID('Image', pushed.image.key),
    }),
    image: t.field({ type: Image, resolve: (pushed) => pushed.image }),
    tag: t.exposeString('tag'),
    digest: t.exposeString('digest', {
      description: 'The manifest digest the registry stores the tag as (`sha256:…`).',
    }),
    size: t.field({
      type: 'SafeInt',
      nullable: true,
      description: "The manifest's size in bytes.",
      resolve: (pushed) => pushed.size,
    }),
  }),
});

const PushDone = builder.objectRef<Extract<PushEvent, { kind: 'done' }>>('PushDone').implement({
  description: 'The push finished; always the last event.',
  fields: (t) => ({ result: t.field({ type: ImagePushResult, resolve: (done) => done }) }),
});

const PushEventType = builder.unionType('PushEvent', {
  types: [TransferProgressType, PushDone],
  resolveType: (event) => (event.kind === 'progress' ? TransferProgressType : PushDone),
});

function pullArgs(args: {
  ref: string;
  platform?: string | null;
  engine?: string | null;
  auth?: ClientRegistryAuth | null;
}) {
  return {
    ref: imageRef(args.ref),
    platform: args.platform ? platformSpec('platform', args.platform) : undefined,
    engine: args.engine,
    auth: args.auth,
  };
}

/** `registry/repo[:tag]`: a push names one tag of a repository (no tag means `latest`). */
function pushRef(ref: string): string {
  if (ref.includes('@')) throw new BadUserInputError('push a tag (`repo:tag`), not a digest');
  const colon = ref.indexOf(':', ref.lastIndexOf('/') + 1);
  const repo = colon === -1 ? ref : ref.slice(0, colon);
  const tag = colon === -1 ? 'latest' : ref.slice(colon + 1);
  return `${repository(repo)}:${tagName(tag)}`;
}

const PULL_DESCRIPTION =
  'Pulls an image (no tag means `latest`) with the credentials Wharf holds for its registry. Failures, whether the engine answers them with a status or inside its stream, are PULL_FAILED; credentials that could not be read, CREDENTIALS_UNAVAILABLE.';
const PUSH_DESCRIPTION =
  'Pushes one tag of an image (`registry/repo:tag`, no tag means `latest`) to its registry with the credentials Wharf holds for it. Below admin the registry must be in WHARF_REGISTRY_ALLOW (rule push.registry) and, for a tenant, the image its own. Failures are PUSH_FAILED (the registry refused, e.g. `unauthorized`), NOT_FOUND for a tag the engine does not have.';

builder.mutationFields((t) => ({
  imagePull: t.field({
    authScopes: { operator: true },
    type: Image,
    description: `${PULL_DESCRIPTION} Answers the image once the pull is complete; subscribe to \`imagePull\` for progress.`,
    args: {
      ref: t.arg.string({ required: true }),
      platform: t.arg.string({ description: 'os[/arch[/variant]], e.g. linux/amd64.' }),
      engine: targetEngineArg(t.arg),
      auth: t.arg(authArg),
    },
    resolve: (_root, args, ctx) => imagePull(ctx, pullArgs(args)),
  }),
  imagePush: t.field({
    authScopes: { operator: true },
    type: ImagePushResult,
    description: `${PUSH_DESCRIPTION} Answers once the registry has it; subscribe to \`imagePush\` for progress.`,
    args: {
      ref: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      auth: t.arg(authArg),
    },
    resolve: (_root, args, ctx) =>
      imagePush(ctx, { ref: pushRef(args.ref), engine: args.engine, auth: args.auth }),
  }),
}));

builder.subscriptionFields((t) => ({
  imagePull: t.field({
    authScopes: { operator: true },
    type: PullEventType,
    description: `${PULL_DESCRIPTION} Streams per-layer progress, then \`PullDone\`. Unsubscribing stops following; the engine may finish the pull on its own.`,
    args: {
      ref: t.arg.string({ required: true }),
      platform: t.arg.string({ description: 'os[/arch[/variant]], e.g. linux/amd64.' }),
      engine: t.arg.string({ description: 'The engine to pull to; the default one when omitted.' }),
      auth: t.arg(authArg),
    },
    subscribe: async (_root, args, ctx) => abortable(await imagePullEvents(ctx, pullArgs(args))),
    resolve: (event) => event,
  }),
  imagePush: t.field({
    authScopes: { operator: true },
    type: PushEventType,
    description: `${PUSH_DESCRIPTION} Streams per-layer progress, then \`PushDone\` with the digest.`,
    args: {
      ref: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      auth: t.arg(authArg),
    },
    subscribe: async (_root, args, ctx) =>
      abortable(
        await imagePushEvents(ctx, {
          ref: pushRef(args.ref),
          engine: args.engine,
          auth: args.auth,
        }),
      ),
    resolve: (event) => event,
  }),
}));
