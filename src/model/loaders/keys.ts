/**
 * Loader keys and global ids carry the engine's name: `local/<docker id>`. Docker ids (`sha256:…`),
 * names and volume names never contain `/` before the engine part, so the first `/` splits them.
 */
export type EngineKey = string;

export function toKey(engine: string, dockerId: string): EngineKey {
  return `${engine}/${dockerId}`;
}

export function parseKey(key: EngineKey): { engine: string; id: string } {
  const slash = key.indexOf('/');
  if (slash <= 0) return { engine: '', id: key };
  return { engine: key.slice(0, slash), id: key.slice(slash + 1) };
}
