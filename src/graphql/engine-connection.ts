import { type ArgBuilder, decodeBase64, encodeBase64 } from '@pothos/core';
import { offsetForArgs, offsetToCursor } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import { BadUserInputError } from '../engine/errors.ts';
import {
  compareOrder,
  type EngineList,
  type Listed,
  type ListOrder,
  type Ordering,
  type OrderKey,
} from '../model/engine-lists.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { builder, type Types } from './builder.ts';
import { reportPartial } from './partial-errors.ts';

const PREFIX = 'EngineCursor:';

/** A one-engine list in the engine's order. */
const LISTED_ORDER: Ordering = { name: 'ENGINE', directions: [1] };

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/**
 * What a cursor names: the engine, the item's id there, its place in the list's order, and that
 * order's name (a place means nothing under another order).
 */
type CursorPlace = [engine: string, id: string, order: readonly OrderKey[], ordering: string];

function toCursor({ engine, id, order }: Listed<unknown>, ordering: Ordering): string {
  const place: CursorPlace = [engine, id, order, ordering.name];
  return encodeBase64(`${PREFIX}${JSON.stringify(place)}`);
}

const isOrderKey = (key: unknown) => typeof key === 'number' || typeof key === 'string';

function fromCursor(cursor: string, ordering: Ordering): CursorPlace {
  let place: unknown;
  try {
    const text = decodeBase64(cursor);
    place = text.startsWith(PREFIX) ? JSON.parse(text.slice(PREFIX.length)) : null;
  } catch {}
  if (
    !Array.isArray(place) ||
    place.length !== 4 ||
    typeof place[0] !== 'string' ||
    typeof place[1] !== 'string' ||
    !Array.isArray(place[2]) ||
    !place[2].every(isOrderKey) ||
    typeof place[3] !== 'string' ||
    (place[3] === ordering.name && place[2].length !== ordering.directions.length)
  ) {
    throw new BadUserInputError(`"${cursor.slice(0, 80)}" is not a cursor of this list`);
  }
  if (place[3] !== ordering.name) {
    throw new BadUserInputError(
      `this cursor was made for the order ${place[3].slice(0, 40)}, not this list's ${ordering.name} (orderBy changed): page again from the start`,
    );
  }
  return place as CursorPlace;
}

/**
 * Where a cursor stands in the list as it is now: at its item when the item is still there, else
 * where the item would be: before the first that does not sort before it (one in its very place
 * came after it, or is new). Either way another engine's items coming or going never moves it.
 */
function positionOf<T>(list: EngineList<T>, cursor: string): { index: number; found: boolean } {
  const { items, ordering } = list;
  const [engine, id, order] = fromCursor(cursor, ordering);
  const at = items.findIndex((item) => item.engine === engine && item.id === id);
  if (at >= 0) return { index: at, found: true };
  const after = items.findIndex(
    (item) => compareOrder(item.order, order, ordering.directions) >= 0,
  );
  return { index: after < 0 ? items.length : after, found: false };
}

/**
 * A relay connection over a list of several engines, paged as `resolveArrayConnection` pages an
 * array (same sizes, same page info), with cursors that name the engine and the item. Engines that
 * could not be reached are reported on this field, beside the others' items.
 */
export function engineConnection<T>(
  args: ConnectionArgs,
  list: EngineList<T>,
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  reportPartial(ctx, info, list.unavailable);
  const { items } = list;
  // As offsets into the list as it is now, for the array paging's own arithmetic.
  const after = args.after ? positionOf(list, args.after) : undefined;
  const before = args.before ? positionOf(list, args.before) : undefined;
  const afterIndex = after ? (after.found ? after.index : after.index - 1) : -1;
  const { offset, limit, expectedSize, hasPreviousPage, hasNextPage } = offsetForArgs({
    totalCount: items.length,
    args: {
      first: args.first,
      last: args.last,
      after: afterIndex >= 0 ? offsetToCursor(afterIndex) : undefined,
      before: before ? offsetToCursor(before.index) : undefined,
    },
  });
  const page = items.slice(offset, offset + limit);
  const edges = page
    .slice(0, expectedSize)
    .map((item) => ({ cursor: toCursor(item, list.ordering), node: item.node }));
  return {
    edges,
    totalCount: items.length,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasPreviousPage,
      hasNextPage: hasNextPage(page.length),
    },
  };
}

/**
 * A list read from one engine (swarm objects) paged with the same cursors: a page continues after
 * its cursor's item, so items coming or going before it never shift the page.
 */
export function listConnection<T extends { key: string }>(
  args: ConnectionArgs,
  nodes: readonly T[],
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  const items = nodes.map((node, index) => ({ ...parseKey(node.key), order: [index], node }));
  return engineConnection(args, { items, unavailable: [], ordering: LISTED_ORDER }, ctx, info);
}

/** The `orderBy` of a list each engine keeps in its own order unless asked otherwise. */
export function engineOrderArg(
  arg: ArgBuilder<Types>,
  type: ReturnType<typeof orderInput<'NAME'>>,
) {
  return arg({
    type,
    description: "Without it, each engine's own order, engines in the order asked.",
  });
}

/** A root list's `engines` argument. */
export function enginesArg(arg: ArgBuilder<Types>) {
  return arg.stringList({
    description:
      "The engines to ask, each in parallel; all this token may use when omitted. An engine that cannot be reached adds an ENGINE_UNAVAILABLE error (with `engine`) on this field beside the others' items.",
  });
}

/** The `engine` argument of a field that makes or prunes on one engine. */
export function targetEngineArg(arg: ArgBuilder<Types>) {
  return arg.string({ description: 'The engine to act on; the default one when omitted.' });
}

/** The `engine` argument of a field that takes a ref: where names and id prefixes are looked up. */
export function engineArg(arg: ArgBuilder<Types>) {
  return arg.string({
    description:
      'The engine to look names and id prefixes up on; a global id names its own. Without it a name found on several engines is AMBIGUOUS_REF.',
  });
}

const OrderDirection = builder.enumType('OrderDirection', {
  values: {
    ASC: { description: 'Smallest first: oldest, or by name from A (by UTF-16 code unit).' },
    DESC: { description: 'Largest first: newest, or by name towards A.' },
  } as const,
});

/**
 * A list's `orderBy` input, `<Type>Order`: by creation time or the other fields that list sorts
 * by (the model sorts; resolvers pass it on).
 */
export function orderInput<Other extends Exclude<ListOrder['field'], 'CREATED'>>(
  type: string,
  fields: Record<Other, { description: string }>,
) {
  const field = builder.enumType(`${type}OrderField`, {
    values: { CREATED: { description: 'Creation time.' }, ...fields } as Record<
      'CREATED' | Other,
      { description: string }
    >,
  });
  return builder.inputType(`${type}Order`, {
    description:
      "An order of the list. Ties go by creation time the same way, then by engine (in the order asked), then by each engine's own order: the order is total, so a cursor keeps its place when items come or go. A cursor pages only the order it was made for.",
    fields: (t) => ({
      field: t.field({ type: field, required: true }),
      direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
    }),
  });
}
