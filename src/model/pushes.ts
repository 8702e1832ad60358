import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import { BadUserInputError } from '../engine/errors.ts';
import { inspectImage, PushFailedError, pushImage, splitImageRef } from '../engine/images.ts';
import { type Engine, type EngineArg, engineFor } from '../engine/registry.ts';
import type { RegistryAuth } from '../engine/registry-auth.ts';
import { routeRef } from './engine-refs.ts';
import { type ImageNode, imageByRef, rereadImage } from './images.ts';
import { refreshLoaders } from './loaders/request-loaders.ts';
import { checkRegistry } from './policy/create-policy.ts';
import { type TransferProgress, TransferTracker } from './pulls.ts';
import { type ClientRegistryAuth, registryAuthFor } from './registry-auth.ts';
import { checkWritable, isTenant } from './tenancy.ts';

export interface PushArgs extends EngineArg {
  /** `registry/repo[:tag]`: the tag to push (no tag means `latest`). */
  ref: string;
  /** The client's own credentials (admin only); Wharf's for the registry otherwise. */
  auth?: ClientRegistryAuth | null | undefined;
}

/** What a push leaves in the registry: the tag and the manifest it names. */
export interface Pushed {
  image: ImageNode;
  tag: string;
  /** The manifest's digest, as the registry stores it (`sha256:…`). */
  digest: string;
  /** The manifest's size in bytes. */
  size: number | null;
}

export type PushEvent = TransferProgress | ({ kind: 'done' } & Pushed);

interface Prepared {
  engine: Engine;
  ref: string;
  auth: RegistryAuth | undefined;
}

/**
 * Every refusal before the engine pushes: the registry policy, the image (on one engine, and a
 * tenant's own), the credentials. The push names the tag, as the docker CLI does.
 */
async function preparePush(ctx: Context, args: PushArgs): Promise<Prepared> {
  if (args.ref.includes('@')) throw new BadUserInputError('push a tag, not a digest');
  const { fromImage, tag } = splitImageRef(args.ref);
  const asked = `${fromImage}:${tag}`;
  checkRegistry(ctx.principal, ctx.policy, asked, 'push');
  const routed = await routeRef(ctx, 'image', { ...args, ref: asked }, async (engine, ref) =>
    Boolean(await imageByRef(ctx, engine, ref)),
  );
  const engine = engineFor(ctx, { engine: routed.engine });
  const image = await inspectImage(engine.api, routed.ref);
  if (isTenant(ctx.principal)) {
    checkWritable(ctx.principal, image.Config?.Labels, { kind: 'image', ref: asked });
  }
  auditTarget(engine.name, image.Id);
  return { engine, ref: routed.ref, auth: await registryAuthFor(ctx, routed.ref, args.auth) };
}

/** The engine's progress as reports, and the digest its last message carries. */
async function* pushProgress(
  { engine, ref, auth }: Prepared,
  signal: AbortSignal,
): AsyncGenerator<TransferProgress, { digest: string; size: number | null }> {
  const tracker = new TransferTracker();
  let pushed: { digest: string; size: number | null } | undefined;
  for await (const message of pushImage(engine.api, ref, { auth, signal })) {
    if (message.aux?.Digest)
      pushed = { digest: message.aux.Digest, size: message.aux.Size ?? null };
    else yield tracker.report(message);
  }
  if (!pushed) throw new PushFailedError(`the engine pushed ${ref} without naming its digest`);
  return pushed;
}

async function done(
  ctx: Context,
  prepared: Prepared,
  result: { digest: string; size: number | null },
) {
  // Read fresh: the push recorded the registry's digest on the image.
  refreshLoaders(ctx);
  const image = await rereadImage(ctx, prepared.engine.name, prepared.ref);
  return { image, tag: splitImageRef(prepared.ref).tag, ...result };
}

/** Pushes to the end (a client that goes away takes its push with it, as with the docker CLI). */
export async function imagePush(ctx: Context, args: PushArgs): Promise<Pushed> {
  const prepared = await preparePush(ctx, args);
  const progress = pushProgress(prepared, ctx.signal ?? new AbortController().signal);
  for (;;) {
    const step = await progress.next();
    if (step.done) return done(ctx, prepared, step.value);
  }
}

/** A push followed as it goes; refusals are answered here, before the stream starts. */
export async function imagePushEvents(
  ctx: Context,
  args: PushArgs,
): Promise<(signal: AbortSignal) => AsyncGenerator<PushEvent>> {
  const prepared = await preparePush(ctx, args);
  return async function* (signal) {
    const result = yield* pushProgress(prepared, signal);
    yield { kind: 'done', ...(await done(ctx, prepared, result)) };
  };
}
