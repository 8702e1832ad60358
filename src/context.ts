import type { Principal } from './auth/principal.ts';
import type { EngineRegistry } from './engine/registry.ts';
import { createLoaders, type Loaders } from './model/loaders/request-loaders.ts';

export interface Context {
  engines: EngineRegistry;
  /** Who is asking (src/auth/principal.ts): the one place a request's identity lives. */
  principal: Principal;
  loaders: Loaders;
  /** Aborts when the client goes away (HTTP, SSE), so long engine calls it started end with it. */
  signal: AbortSignal | undefined;
}

export function createContext(
  engines: EngineRegistry,
  principal: Principal,
  signal?: AbortSignal,
): Context {
  return { engines, principal, loaders: createLoaders(engines), signal };
}
