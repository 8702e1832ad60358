import { type ArgBuilder, decodeBase64, encodeBase64 } from '@pothos/core';
import { offsetForArgs, offsetToCursor } from '@pothos/plugin-relay';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import { BadUserInputError } from '../engine/errors.ts';
import { compareOrder, type EngineList, type Listed } from '../model/engine-lists.ts';
import { parseKey } from '../model/loaders/keys.ts';
import type { Types } from './builder.ts';
import { reportPartial } from './partial-errors.ts';

const PREFIX = 'EngineCursor:';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** What a cursor names: the engine, the item's id there, and its place in the merged order. */
type CursorPlace = [engine: string, id: string, order: readonly number[]];

export function toCursor({ engine, id, order }: Listed<unknown>): string {
  return encodeBase64(`${PREFIX}${JSON.stringify([engine, id, order] satisfies CursorPlace)}`);
}

function fromCursor(cursor: string): CursorPlace {
  try {
    const text = decodeBase64(cursor);
    const place: unknown = text.startsWith(PREFIX) ? JSON.parse(text.slice(PREFIX.length)) : null;
    if (
      Array.isArray(place) &&
      typeof place[0] === 'string' &&
      typeof place[1] === 'string' &&
      Array.isArray(place[2]) &&
      place[2].every((n) => typeof n === 'number')
    ) {
      return place as CursorPlace;
    }
  } catch {}
  throw new BadUserInputError(`"${cursor.slice(0, 80)}" is not a cursor of this list`);
}

/**
 * Where a cursor stands in the list as it is now: at its item when the item is still there, else
 * where the item would be (before the first that sorts after it). Either way another engine's
 * items coming or going never moves it, as a single engine's list is moved only by its own.
 */
function positionOf<T>(
  items: readonly Listed<T>[],
  cursor: string,
): { index: number; found: boolean } {
  const [engine, id, order] = fromCursor(cursor);
  const at = items.findIndex((item) => item.engine === engine && item.id === id);
  if (at >= 0) return { index: at, found: true };
  const after = items.findIndex((item) => compareOrder(item.order, order) > 0);
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
  const after = args.after ? positionOf(items, args.after) : undefined;
  const before = args.before ? positionOf(items, args.before) : undefined;
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
    .map((item) => ({ cursor: toCursor(item), node: item.node }));
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
  return engineConnection(args, { items, unavailable: [] }, ctx, info);
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
