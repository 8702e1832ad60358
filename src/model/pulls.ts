import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import { type PullMessage, pullImage } from '../engine/images.ts';
import { type Engine, type EngineArg, engineFor } from '../engine/registry.ts';
import type { RegistryAuth } from '../engine/registry-auth.ts';
import { type ImageNode, rereadImage } from './images.ts';
import { parseKey } from './loaders/keys.ts';
import { refreshLoaders } from './loaders/request-loaders.ts';
import { checkRegistry } from './policy/create-policy.ts';
import { type ClientRegistryAuth, registryAuthFor } from './registry-auth.ts';
import { write } from './writes.ts';

/** One progress report of a pull or push, for one layer (or the whole image). */
export interface TransferProgress {
  kind: 'progress';
  status: string;
  layerId: string | null;
  /** Bytes done of this layer. */
  current: number | null;
  /** Bytes of this layer, when known. */
  total: number | null;
  /** Overall progress over the layers whose sizes are known so far; null before any is. */
  percent: number | null;
}

interface LayerState {
  current: number;
  total: number | undefined;
}

/** Per-layer progress of one pull or push, summed into an overall percentage. */
export class TransferTracker {
  private readonly layers = new Map<string, LayerState>();

  /** The engine's message, as a progress report with the overall percent so far. */
  report(message: PullMessage): TransferProgress {
    const detail = message.progressDetail;
    if (message.id && detail && (detail.current !== undefined || detail.total !== undefined)) {
      const layer = this.layers.get(message.id) ?? { current: 0, total: undefined };
      layer.current = detail.current ?? layer.current;
      layer.total = detail.total && detail.total > 0 ? detail.total : layer.total;
      this.layers.set(message.id, layer);
    }
    if (message.id && /complete|already exists|pushed/i.test(message.status ?? '')) {
      const layer = this.layers.get(message.id);
      if (layer?.total !== undefined) layer.current = layer.total;
    }
    const sized = [...this.layers.values()].filter((layer) => layer.total !== undefined);
    const total = sized.reduce((sum, layer) => sum + (layer.total ?? 0), 0);
    const done = sized.reduce((sum, layer) => sum + Math.min(layer.current, layer.total ?? 0), 0);
    return {
      kind: 'progress',
      status: message.status ?? '',
      layerId: message.id ?? null,
      current: detail?.current ?? null,
      total: detail?.total && detail.total > 0 ? detail.total : null,
      percent: total > 0 ? (done / total) * 100 : null,
    };
  }
}

/**
 * Pulls an image (no tag means `latest`), yielding its progress; returns once the engine has it.
 * A failure the engine reports inside its stream throws PullFailedError (PULL_FAILED).
 */
export async function* pullProgress(
  api: EngineApi,
  ref: string,
  options: {
    platform?: string | null | undefined;
    auth?: RegistryAuth | undefined;
    signal: AbortSignal;
  },
): AsyncGenerator<TransferProgress> {
  const tracker = new TransferTracker();
  for await (const message of pullImage(api, ref, {
    platform: options.platform ?? undefined,
    auth: options.auth,
    signal: options.signal,
  })) {
    yield tracker.report(message);
  }
}

export interface PullArgs extends EngineArg {
  ref: string;
  platform?: string | null | undefined;
  /** The client's own credentials (admin only); Wharf's for the registry otherwise. */
  auth?: ClientRegistryAuth | null | undefined;
}

/** Every refusal comes before the engine is asked: the policy, the engine, the credentials. */
async function preparePull(
  ctx: Context,
  args: PullArgs,
): Promise<{ engine: Engine; auth: RegistryAuth | undefined }> {
  checkRegistry(ctx.principal, ctx.policy, args.ref, 'pull');
  const engine = engineFor(ctx, args);
  return { engine, auth: await registryAuthFor(ctx, args.ref, args.auth) };
}

/** Pulls to the end (a client that goes away takes its pull with it, as with the docker CLI). */
export async function imagePull(ctx: Context, args: PullArgs): Promise<ImageNode> {
  const { engine, auth } = await preparePull(ctx, args);
  await write(ctx, { engine: engine.name }, async ({ api }) => {
    const signal = ctx.signal ?? new AbortController().signal;
    for await (const _progress of pullProgress(api, args.ref, { ...args, auth, signal })) {
      // Only the end matters here; a failure reported mid-stream throws.
    }
  });
  const image = await rereadImage(ctx, engine.name, args.ref);
  auditTarget(engine.name, parseKey(image.key).id);
  return image;
}

/** What a pull subscription yields: its progress, then the pulled image. */
export type PullEvent = TransferProgress | { kind: 'done'; image: ImageNode };

/**
 * A pull followed as it goes. Refusals are answered here, before the stream starts; the events
 * come from what this returns, which the subscription's signal ends.
 */
export async function imagePullEvents(
  ctx: Context,
  args: PullArgs,
): Promise<(signal: AbortSignal) => AsyncGenerator<PullEvent>> {
  const { engine, auth } = await preparePull(ctx, args);
  return async function* (signal) {
    yield* pullProgress(engine.api, args.ref, { ...args, auth, signal });
    // Read fresh: this subscription's loaders may have seen the image before the pull.
    refreshLoaders(ctx);
    yield { kind: 'done', image: await rereadImage(ctx, engine.name, args.ref) };
  };
}
