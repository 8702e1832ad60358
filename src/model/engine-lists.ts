import type { Context } from '../context.ts';
import { WharfError } from '../engine/errors.ts';
import { enginesFor } from '../engine/registry.ts';
import { type EngineKey, parseKey } from './loaders/keys.ts';

/** One item of a list over several engines, with where it stands in the merged order. */
export interface Listed<T> {
  engine: string;
  /** The engine's id (or a volume's name): with `engine`, what a cursor names. */
  id: string;
  /** Compared element by element, smallest first: the merged order, which a cursor keeps. */
  order: readonly number[];
  node: T;
}

/** A list asked of several engines: what answered, in one stable order, and who did not. */
export interface EngineList<T> {
  items: Listed<T>[];
  /** Engines that could not be reached, each as an ENGINE_UNAVAILABLE error naming it. */
  unavailable: WharfError[];
}

/**
 * How one list merges: `newestFirst` gives an item's creation time for lists the engine sorts
 * newest first (containers, images), which stay so across engines, ties in engine order;
 * without it an engine's items keep the engine's order, engines one after another.
 */
export interface MergeOrder<T> {
  newestFirst?: (node: T) => number;
}

export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function unavailable(engine: string, error: unknown): WharfError | undefined {
  if (!(error instanceof WharfError) || error.code !== 'ENGINE_UNAVAILABLE') return undefined;
  return new WharfError('ENGINE_UNAVAILABLE', `engine "${engine}": ${error.message}`, {
    facts: { engine },
    cause: error,
  });
}

/**
 * A root list over the engines asked (all the principal may use when none is named), each asked
 * in parallel. An engine that cannot be reached leaves its part out and is reported (when it is
 * the only one asked, the list fails, as it always has). Any other failure fails the list.
 */
export async function listAcross<T extends { key: EngineKey }>(
  ctx: Context,
  requested: readonly string[] | null | undefined,
  listOne: (engine: string) => Promise<T[]>,
  merge: MergeOrder<T> = {},
): Promise<EngineList<T>> {
  const engines = enginesFor(ctx, requested);
  const answers = await Promise.allSettled(engines.map((engine) => listOne(engine)));
  const items: Listed<T>[] = [];
  const down: WharfError[] = [];
  for (const [engineIndex, answer] of answers.entries()) {
    if (answer.status === 'rejected') {
      const error = unavailable(engines[engineIndex] ?? '', answer.reason);
      // One engine asked fails as it always has: the list field is the engine's part.
      if (!error || engines.length === 1) throw answer.reason;
      down.push(error);
      continue;
    }
    for (const [index, node] of answer.value.entries()) {
      const { engine, id } = parseKey(node.key);
      const place = [engineIndex, index];
      items.push({
        engine,
        id,
        order: merge.newestFirst ? [-merge.newestFirst(node), ...place] : place,
        node,
      });
    }
  }
  return { items: items.sort((a, b) => compareOrder(a.order, b.order)), unavailable: down };
}

/** Arguments of a list over engines: the engines asked, or none for all the principal may use. */
export interface EnginesArg {
  engines?: readonly string[] | null;
}
