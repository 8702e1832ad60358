import type { EngineApi } from '../engine/api.ts';
import { inspectContainer } from '../engine/containers.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import { containerRef } from '../engine/refs.ts';
import type { ContainerInspect } from '../engine/types.ts';

/** The container a log or stats stream follows, by ref; NOT_FOUND names the ref the client gave. */
export function containerToFollow(api: EngineApi, ref: string): Promise<ContainerInspect> {
  return inspectContainer(api, containerRef(ref)).catch((error: unknown) => {
    throw error instanceof EngineNotFoundError
      ? new EngineNotFoundError(`no container matches "${ref}"`)
      : error;
  });
}
