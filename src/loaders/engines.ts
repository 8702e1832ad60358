import type { EngineApi } from '../engine/api.ts';
import type { EngineClient } from '../engine/client.ts';

/** The engines behind this Wharf, by name. One (`local`) for now; the shape allows several. */
export interface EngineRegistry {
  readonly defaultName: string;
  names(): string[];
  /** The API of a named engine, or undefined when no engine has that name. */
  api(name: string): EngineApi | undefined;
  client(name: string): EngineClient | undefined;
}

export function createEngineRegistry(clients: readonly EngineClient[]): EngineRegistry {
  const byName = new Map(clients.map((client) => [client.name, client]));
  const first = clients[0];
  if (!first) throw new Error('at least one engine is required');
  return {
    defaultName: first.name,
    names: () => [...byName.keys()],
    api: (name) => byName.get(name)?.api,
    client: (name) => byName.get(name),
  };
}
