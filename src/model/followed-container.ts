import type { Principal } from '../auth/principal.ts';
import type { EngineApi } from '../engine/api.ts';
import { inspectContainer } from '../engine/containers.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import { containerRef } from '../engine/refs.ts';
import type { ContainerInspect } from '../engine/types.ts';
import { isTenant, visibleTo } from './tenancy.ts';

/**
 * The container a log or stats stream follows, by ref; NOT_FOUND names the ref the client gave,
 * for another tenant's container too.
 */
export async function containerToFollow(
  principal: Principal,
  api: EngineApi,
  ref: string,
): Promise<ContainerInspect> {
  const missing = new EngineNotFoundError(`no container matches "${ref}"`);
  const details = await inspectContainer(api, containerRef(ref)).catch((error: unknown) => {
    throw error instanceof EngineNotFoundError ? missing : error;
  });
  if (isTenant(principal) && !visibleTo(principal, details.Config.Labels)) throw missing;
  return details;
}
