import type { Principal } from '../auth/principal.ts';
import type { EngineClient } from '../engine/client.ts';
import type { ContainerStats } from '../engine/stats.ts';
import { containerToFollow } from './followed-container.ts';

/**
 * A container's stats samples, from the engine's one shared stream for that container. Aborting
 * `signal` leaves the stream (the last subscriber to leave closes it upstream).
 */
export async function* followStats(
  principal: Principal,
  engine: EngineClient,
  ref: string,
  signal: AbortSignal,
): AsyncGenerator<ContainerStats> {
  const details = await containerToFollow(principal, engine.api, ref);
  if (signal.aborted) return;
  const samples = engine.stats.subscribe(details.Id);
  signal.addEventListener('abort', () => samples.return?.(), { once: true });
  yield* samples;
}
