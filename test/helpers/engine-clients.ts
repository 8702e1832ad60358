import { createEngineClient, type EngineClient } from '../../src/engine/client.ts';
import { parseDockerHost } from '../../src/engine/docker-host.ts';
import type { EngineCall } from '../../src/engine/transport.ts';

/**
 * Two clients of one engine: `raw` reads the engine, `cached` reads through the state cache
 * (started by the caller). Comparing their answers is how the cache's tests find differences.
 */
export function rawAndCachedClients(
  options: { dockerHost?: string; onCachedCall?: (call: EngineCall) => void } = {},
): { raw: EngineClient; cached: EngineClient; state: () => NonNullable<EngineClient['state']> } {
  const client = (cache: boolean) =>
    createEngineClient({
      name: 'local',
      endpoint: parseDockerHost(
        options.dockerHost ? { DOCKER_HOST: options.dockerHost } : process.env,
      ),
      timeoutMs: 30_000,
      maxConnections: 8,
      cache,
      onCall: cache ? options.onCachedCall : undefined,
    });
  const cached = client(true);
  return {
    raw: client(false),
    cached,
    state: () => cached.state as NonNullable<EngineClient['state']>,
  };
}
