import type { EngineApi } from './api.ts';
import { jsonLines } from './decode/json-lines.ts';
import { BadUserInputError, EngineError, WharfError } from './errors.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { prune } from './prune.ts';
import { imageRef } from './refs.ts';
import { type RegistryAuth, registryAuthHeader } from './registry-auth.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from './types.ts';

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageList */
export function listImages(
  api: EngineApi,
  options: { all?: boolean; filters?: EngineFilters } = {},
) {
  return api.json<ImageSummary[]>('GET', '/images/json', {
    query: { all: options.all ? 1 : undefined, filters: encodeFilters(options.filters) },
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageInspect */
export function inspectImage(api: EngineApi, ref: string) {
  return api.json<ImageInspect>('GET', `/images/${imageRef(ref)}/json`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageHistory */
export function imageHistory(api: EngineApi, ref: string) {
  return api.json<ImageHistoryItem[]>('GET', `/images/${imageRef(ref)}/history`);
}

/** `repo[:tag]` or `repo@digest` split as `POST /images/create` wants it; no tag means latest. */
export function splitImageRef(ref: string): { fromImage: string; tag: string } {
  imageRef(ref);
  const at = ref.indexOf('@');
  if (at !== -1) return { fromImage: ref.slice(0, at), tag: ref.slice(at + 1) };
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon === -1) return { fromImage: ref, tag: 'latest' };
  return { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** One line of pull progress, as the engine streams it. */
export interface PullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** The engine reports pull failures inside an HTTP 200 stream; this makes them errors. */
export class PullFailedError extends WharfError {
  constructor(message: string) {
    super('PULL_FAILED', message);
  }
}

/**
 * Pulls an image, yielding the engine's progress; throws PullFailedError when the stream carries
 * an error, even though the HTTP status said 200.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageCreate
 */
export async function* pullImage(
  api: EngineApi,
  ref: string,
  options: { platform?: string | undefined; auth?: RegistryAuth | undefined; signal: AbortSignal },
): AsyncGenerator<PullMessage> {
  const { fromImage, tag } = splitImageRef(ref);
  yield* registryStream(api, 'pull', {
    path: '/images/create',
    query: { fromImage, tag, platform: options.platform },
    auth: options.auth,
    signal: options.signal,
  });
}

/** One line of push progress; the last carries the pushed manifest's digest in `aux`. */
export interface PushMessage extends PullMessage {
  aux?: { Tag?: string; Digest?: string; Size?: number };
}

/** The engine reports push failures inside an HTTP 200 stream, as it does pull failures. */
export class PushFailedError extends WharfError {
  constructor(message: string) {
    super('PUSH_FAILED', message);
  }
}

/**
 * Pushes one tag of an image (no tag means `latest`) to its registry, yielding the engine's
 * progress; throws PushFailedError when the stream carries an error.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImagePush
 */
export async function* pushImage(
  api: EngineApi,
  ref: string,
  options: { auth?: RegistryAuth | undefined; signal: AbortSignal },
): AsyncGenerator<PushMessage> {
  const { fromImage, tag } = splitImageRef(ref);
  if (ref.includes('@')) throw new BadUserInputError('push a tag, not a digest');
  yield* registryStream<PushMessage>(api, 'push', {
    path: `/images/${imageRef(fromImage)}/push`,
    query: { tag },
    auth: options.auth,
    signal: options.signal,
  });
}

/**
 * A pull's or push's progress stream. Failures come as a status before the stream starts (404 for
 * an unknown tag) or inside it after a 200: either way one code for clients.
 */
async function* registryStream<M extends PullMessage>(
  api: EngineApi,
  action: 'pull' | 'push',
  call: {
    path: string;
    query: Record<string, string | undefined>;
    auth: RegistryAuth | undefined;
    signal: AbortSignal;
  },
): AsyncGenerator<M> {
  const Failed = action === 'pull' ? PullFailedError : PushFailedError;
  const response = await api
    .stream('POST', call.path, {
      query: call.query,
      headers: registryAuthHeader(call.auth),
      signal: call.signal,
    })
    .catch((error: unknown) => {
      if (error instanceof EngineError && error.statusCode >= 400) throw new Failed(error.message);
      throw error;
    });
  try {
    for await (const message of jsonLines<M>(response.body)) {
      if (message.error || message.errorDetail) {
        throw new Failed(message.errorDetail?.message || message.error || `${action} failed`);
      }
      yield message;
    }
  } finally {
    response.body.destroy();
  }
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageTag */
export async function tagImage(api: EngineApi, ref: string, target: { repo: string; tag: string }) {
  await api.call('POST', `/images/${imageRef(ref)}/tag`, {
    query: { repo: target.repo, tag: target.tag },
  });
}

/** What image removal and image prune report, one entry per tag or image that went. */
export interface ImageDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImageDelete */
export async function removeImage(
  api: EngineApi,
  ref: string,
  options: { force: boolean; noPrune: boolean },
): Promise<ImageDeleteItem[]> {
  const items = await api.json<ImageDeleteItem[] | null>('DELETE', `/images/${imageRef(ref)}`, {
    query: { force: options.force ? 1 : undefined, noprune: options.noPrune ? 1 : undefined },
  });
  return items ?? [];
}

/** `POST /images/prune` */
export interface ImagePruneReport {
  ImagesDeleted: ImageDeleteItem[] | null;
  SpaceReclaimed: number;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ImagePrune */
export function pruneImages(api: EngineApi, filters: EngineFilters | undefined) {
  return prune<ImagePruneReport>(api, 'images', filters);
}
