import type { Context } from '../context.ts';
import { BadUserInputError, WharfError } from '../engine/errors.ts';
import { enginesFor } from '../engine/registry.ts';
import { type EngineKey, parseKey } from './loaders/keys.ts';

/**
 * One element of an item's place in a list: numbers compare as numbers, strings by UTF-16 code
 * unit (never by locale, so the order is the same on every host and in every cursor).
 */
export type OrderKey = number | string;

/** One item of a list over several engines, with where it stands in the merged order. */
export interface Listed<T> {
  engine: string;
  /** The engine's id (or a volume's name): with `engine`, what a cursor names. */
  id: string;
  /** Compared element by element under the list's directions: the order a cursor keeps. */
  order: readonly OrderKey[];
  node: T;
}

/** Ascending (1) or descending (-1), per element of `Listed.order`. */
export type Direction = 1 | -1;

/** The order a list is in: what its cursors are good for, and how their places compare. */
export interface Ordering {
  /** Names it in cursors and messages: `NAME ASC`, or `ENGINE` for each engine's own order. */
  name: string;
  directions: readonly Direction[];
}

/** A list asked of several engines: what answered, in one stable order, and who did not. */
export interface EngineList<T> {
  items: Listed<T>[];
  /** Engines that could not be reached, each as an ENGINE_UNAVAILABLE error naming it. */
  unavailable: WharfError[];
  ordering: Ordering;
}

/** A list's `orderBy`: the field to sort by and which way. */
export interface ListOrder {
  field: 'CREATED' | 'NAME' | 'STATE';
  direction: 'ASC' | 'DESC';
}

/** Containers' and images' order when none is asked: newest first, as the docker CLI lists them. */
export const NEWEST_FIRST = { field: 'CREATED', direction: 'DESC' } as const satisfies ListOrder;

/** What one resource's items sort by. */
export interface SortKeys<T> {
  /** Seconds since the epoch (0 when unknown). */
  created: (node: T) => number;
  /** The name as the docker CLI shows it. */
  name: (node: T) => string;
  state?: (node: T) => string;
  /**
   * The engine lists newest first (containers, images): its order then breaks ties in creation
   * time, finer than the list's whole seconds, so the default stays exactly the engine's order.
   */
  engineNewestFirst?: boolean;
}

/** Seconds since the epoch of an engine's timestamp text (networks', volumes'); 0 when absent. */
export function secondsOf(time: string | undefined): number {
  const ms = Date.parse(time ?? '');
  return Number.isNaN(ms) ? 0 : ms / 1000;
}

/** Each engine's own order, engines in the order asked: a list with no `orderBy`. */
const ENGINE_ORDER: Ordering = { name: 'ENGINE', directions: [1, 1] };

/** A list's sort: what its items sort by and the order asked, if any. */
export interface ListSort<T> {
  keys: SortKeys<T>;
  order: ListOrder | null | undefined;
}

type Place = [engineIndex: number, index: number];

/**
 * How a list sorts: by the field, then by creation time the same way, then by engine (in the
 * order asked), then by the engine's own order, so the order is total. Without an order, each
 * engine's own order, engines one after another.
 */
function orderingOf<T>(sort: ListSort<T> | undefined) {
  const order = sort?.order;
  if (!sort || !order) return { ...ENGINE_ORDER, key: (_node: T, place: Place) => place };
  const { keys } = sort;
  const primary = { CREATED: undefined, NAME: keys.name, STATE: keys.state }[order.field];
  if (order.field === 'STATE' && !primary) {
    throw new BadUserInputError('this list cannot be ordered by STATE');
  }
  const way: Direction = order.direction === 'ASC' ? 1 : -1;
  const tail: Direction[] = [way, 1, keys.engineNewestFirst ? (-way as Direction) : 1];
  return {
    name: `${order.field} ${order.direction}`,
    directions: primary ? [way, ...tail] : tail,
    key: (node: T, place: Place): OrderKey[] =>
      primary ? [primary(node), keys.created(node), ...place] : [keys.created(node), ...place],
  };
}

function compareKey(a: OrderKey | undefined, b: OrderKey | undefined): number {
  if (a === b) return 0;
  if (a === undefined || b === undefined) return a === undefined ? -1 : 1;
  // Places of one ordering never mix kinds; numbers first keeps even a mix deterministic.
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  if (typeof a === 'number') return a - (b as number);
  return a < b ? -1 : 1;
}

export function compareOrder(
  a: readonly OrderKey[],
  b: readonly OrderKey[],
  directions: readonly Direction[] = [],
): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = compareKey(a[i], b[i]);
    if (difference !== 0) return difference * (directions[i] ?? 1);
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
 * in parallel, in `sort`'s order. An engine that cannot be reached leaves its part out and is
 * reported (when it is the only one asked, the list fails, as it always has). Any other failure
 * fails the list.
 */
export async function listAcross<T extends { key: EngineKey }>(
  ctx: Context,
  requested: readonly string[] | null | undefined,
  listOne: (engine: string) => Promise<T[]>,
  sort?: ListSort<T>,
): Promise<EngineList<T>> {
  const { key, ...ordering } = orderingOf(sort);
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
      items.push({ engine, id, order: key(node, [engineIndex, index]), node });
    }
  }
  items.sort((a, b) => compareOrder(a.order, b.order, ordering.directions));
  return { items, unavailable: down, ordering };
}

/** Arguments of a list over engines: the engines asked, or none for all the principal may use. */
export interface EnginesArg {
  engines?: readonly string[] | null;
}
