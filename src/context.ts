import type { EngineRegistry } from './engine/registry.ts';
import { createLoaders, type Loaders } from './model/loaders/request-loaders.ts';

/**
 * Who is asking. The one place a request's identity lives; every transport (HTTP, WebSocket, SSE)
 * fills it when the context is built. Until authentication lands everyone is anonymous.
 */
export type Principal = { kind: 'anonymous' };

export interface Context {
  engines: EngineRegistry;
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
