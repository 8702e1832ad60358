import type DataLoader from 'dataloader';
import type { EngineApi } from '../../engine/api.ts';
import { EngineNotFoundError } from '../../engine/errors.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import { type EngineKey, parseKey, toKey } from './keys.ts';

/**
 * Runs one batch per engine and puts the answers back in key order, as DataLoader requires.
 * `fetch` gets the docker ids of one engine and returns a lookup for them.
 */
export async function batchByEngine<T>(
  keys: readonly EngineKey[],
  fetch: (engine: string, ids: string[]) => Promise<(id: string) => T | Error>,
): Promise<(T | Error)[]> {
  const byEngine = new Map<string, string[]>();
  for (const key of keys) {
    const { engine, id } = parseKey(key);
    const ids = byEngine.get(engine) ?? [];
    ids.push(id);
    byEngine.set(engine, ids);
  }
  const lookups = new Map<string, (id: string) => T | Error>();
  await Promise.all(
    [...byEngine].map(async ([engine, ids]) => {
      try {
        lookups.set(engine, await fetch(engine, ids));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        lookups.set(engine, () => failure);
      }
    }),
  );
  return keys.map((key) => {
    const { engine, id } = parseKey(key);
    return (lookups.get(engine) as (id: string) => T | Error)(id);
  });
}

/**
 * For engine calls that take one object at a time (inspect, history): one call per distinct key,
 * all in parallel. A 404 answers null for that key; other failures become that key's error only.
 */
export function batchEachRef<T>(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  call: (api: EngineApi, ref: string) => Promise<T>,
): Promise<(T | null | Error)[]> {
  return batchByEngine<T | null>(keys, async (engine, refs) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    const results = new Map<string, T | null | Error>();
    await Promise.all(
      refs.map(async (ref) => {
        try {
          results.set(ref, await call(api, ref));
        } catch (error) {
          results.set(ref, error instanceof EngineNotFoundError ? null : (error as Error));
        }
      }),
    );
    return (ref) => results.get(ref) ?? null;
  });
}

/**
 * For engine list calls that take a filter: one call per engine for all its keys, and each key
 * answered only by the item whose `identify` equals it (engine filters also match prefixes and
 * substrings, so the filter narrows and this decides).
 */
export function batchByList<T>(
  engines: EngineRegistry,
  keys: readonly EngineKey[],
  list: (api: EngineApi, ids: string[]) => Promise<T[]>,
  identify: (item: T) => string,
): Promise<(T | null | Error)[]> {
  return batchByEngine<T | null>(keys, async (engine, ids) => {
    const api = engines.api(engine);
    if (!api) return () => null;
    const byId = new Map((await list(api, ids)).map((item) => [identify(item), item]));
    return (id) => byId.get(id) ?? null;
  });
}

/**
 * Loader results → node shapes, in key order, for a loadable node's `load`. A key that names
 * nothing (a removed container, a stale global id) answers null: Pothos passes it through, though
 * its load signature only admits values and errors.
 */
export async function nodesFor<T, N>(
  keys: readonly string[],
  results: Promise<readonly (T | null | Error)[]>,
  wrap: (key: string, value: T) => N,
): Promise<(N | Error)[]> {
  return (await results).map((value, index) =>
    value instanceof Error || value === null
      ? (value as N | Error)
      : wrap(keys[index] as string, value),
  );
}

/**
 * One object by any ref (full id, unique prefix, name or tag) through its per-request inspect
 * loader, primed under its full id too: a second path to it, by id or by another ref, costs nothing.
 */
export async function inspectByRef<T extends { Id: string }>(
  loader: DataLoader<EngineKey, T | null>,
  engine: string,
  ref: string,
): Promise<{ key: EngineKey; details: T } | null> {
  const details = await loader.load(toKey(engine, ref));
  if (!details) return null;
  const key = toKey(engine, details.Id);
  loader.prime(key, details);
  return { key, details };
}
