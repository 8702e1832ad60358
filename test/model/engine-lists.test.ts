import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.ts';
import type { EventItem } from '../../src/engine/event-hub.ts';
import { engineConnection } from '../../src/graphql/engine-connection.ts';
import {
  compareOrder,
  type EngineList,
  type Listed,
  type ListOrder,
  listAcross,
  type SortKeys,
} from '../../src/model/engine-lists.ts';
import { decodeMergedCursor, mergeEngineStreams } from '../../src/model/event-streams.ts';

/** Items as listAcross orders them by default: newest first, ties in engine order. */
function listOf(items: { engine: string; id: string; created: number }[]): EngineList<string> {
  const engines = ['a', 'b'];
  const ordering = { name: 'CREATED DESC', directions: [-1, 1, 1] as const };
  const listed: Listed<string>[] = items.map(({ engine, id, created }, index) => ({
    engine,
    id,
    order: [created, engines.indexOf(engine), index],
    node: `${engine}/${id}`,
  }));
  listed.sort((x, y) => compareOrder(x.order, y.order, ordering.directions));
  return { items: listed, unavailable: [], ordering };
}

const ctx = { partialErrors: [] } as unknown as Context;
const info = {} as GraphQLResolveInfo;
const ids = (connection: ReturnType<typeof engineConnection<string>>) =>
  connection.edges.map((edge) => edge.node);

const base = [
  { engine: 'a', id: 'a1', created: 10 },
  { engine: 'b', id: 'b1', created: 9 },
  { engine: 'a', id: 'a2', created: 8 },
  { engine: 'b', id: 'b2', created: 7 },
];

describe('paging a list over several engines', () => {
  it('pages as an array connection does: sizes and page info', () => {
    const first = engineConnection({ first: 2 }, listOf(base), ctx, info);
    expect(ids(first)).toEqual(['a/a1', 'b/b1']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = engineConnection(
      { first: 2, after: first.pageInfo.endCursor },
      listOf(base),
      ctx,
      info,
    );
    expect(ids(next)).toEqual(['a/a2', 'b/b2']);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = engineConnection(
      { last: 1, before: next.pageInfo.startCursor },
      listOf(base),
      ctx,
      info,
    );
    expect(ids(back)).toEqual(['b/b1']);
  });

  it("keeps its place when another engine's items come or go", () => {
    const first = engineConnection({ first: 2 }, listOf(base), ctx, info);
    const changed = listOf([
      { engine: 'b', id: 'new', created: 11 },
      ...base.filter((item) => item.id !== 'b1'),
    ]);
    const next = engineConnection(
      { first: 2, after: first.pageInfo.endCursor },
      changed,
      ctx,
      info,
    );
    // b1 (the cursor's own item) is gone: the page starts where it stood.
    expect(ids(next)).toEqual(['a/a2', 'b/b2']);
  });

  it('continues after a vanished item tied with the next in time, skipping none', () => {
    const tied = [
      { engine: 'a', id: 'x', created: 5 },
      { engine: 'a', id: 'y', created: 5 },
      { engine: 'a', id: 'z', created: 5 },
    ];
    const first = engineConnection({ first: 2 }, listOf(tied), ctx, info);
    expect(ids(first)).toEqual(['a/x', 'a/y']);
    // y goes: z moves into y's place in the engine's order, and still follows the cursor.
    const next = engineConnection(
      { first: 2, after: first.pageInfo.endCursor },
      listOf(tied.filter((item) => item.id !== 'y')),
      ctx,
      info,
    );
    expect(ids(next)).toEqual(['a/z']);
  });

  it('refuses a cursor that is not one of these, or one of an older form', () => {
    const old = Buffer.from('EngineCursor:["a","a1",[-10,0,0]]').toString('base64');
    for (const cursor of ['bm9wZQ==', old]) {
      expect(() => engineConnection({ after: cursor }, listOf(base), ctx, info)).toThrow(
        /not a cursor/,
      );
    }
  });

  it('refuses a cursor made for another order, as bad input naming both', () => {
    const cursor = engineConnection({ first: 1 }, listOf(base), ctx, info).pageInfo.endCursor;
    const byName: EngineList<string> = {
      ...listOf(base),
      ordering: { name: 'NAME ASC', directions: [1, 1, 1, -1] },
    };
    expect(() => engineConnection({ after: cursor }, byName, ctx, info)).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/made for the order CREATED DESC, not .*NAME ASC/),
      }),
    );
  });
});

describe('comparing places', () => {
  it('compares numbers as numbers and strings by code unit, never by locale', () => {
    expect(compareOrder([2], [10])).toBeLessThan(0);
    expect(compareOrder(['10'], ['2'])).toBeLessThan(0);
    // Code units: upper case before lower case, and 'é' (U+00E9) after 'z'.
    expect(compareOrder(['Zeta'], ['alpha'])).toBeLessThan(0);
    expect(compareOrder(['z'], ['é'])).toBeLessThan(0);
    expect(compareOrder(['same', 1], ['same', 1])).toBe(0);
  });

  it('applies a direction to each element', () => {
    expect(compareOrder(['b', 1], ['a', 2], [-1, 1])).toBeLessThan(0);
    expect(compareOrder(['a', 1], ['a', 2], [1, -1])).toBeGreaterThan(0);
  });

  it('orders a mix of kinds and a shorter place deterministically', () => {
    expect(compareOrder([1], ['1'])).toBeLessThan(0);
    expect(compareOrder(['1'], [1])).toBeGreaterThan(0);
    expect(compareOrder(['a'], ['a', 0])).toBeLessThan(0);
  });
});

interface Item {
  key: string;
  name: string;
  created: number;
}

const keys: SortKeys<Item> = {
  created: (item) => item.created,
  name: (item) => item.name,
  engineNewestFirst: true,
};

/** listAcross over engines a and b, each answering newest first as the engine does. */
async function across(order: ListOrder | null) {
  const answers: Record<string, Item[]> = {
    a: [
      { key: 'a/1', name: 'web', created: 30 },
      { key: 'a/2', name: 'db', created: 20 },
      { key: 'a/3', name: 'cache', created: 20 },
    ],
    b: [
      { key: 'b/1', name: 'db', created: 25 },
      { key: 'b/2', name: 'Web', created: 10 },
    ],
  };
  const scope = {
    principal: { kind: 'anonymous' },
    engines: { names: () => ['a', 'b'] },
  } as unknown as Context;
  const list = await listAcross(scope, null, async (engine) => answers[engine] ?? [], {
    keys,
    order,
  });
  return { keys: list.items.map((item) => item.node.key), ordering: list.ordering.name };
}

describe('sorting a list over several engines', () => {
  it('merges newest first, a tie in time in the engine’s own order', async () => {
    expect(await across({ field: 'CREATED', direction: 'DESC' })).toEqual({
      keys: ['a/1', 'b/1', 'a/2', 'a/3', 'b/2'],
      ordering: 'CREATED DESC',
    });
    // Oldest first: a/3 was listed after a/2 at the same second, so it is the older.
    expect((await across({ field: 'CREATED', direction: 'ASC' })).keys).toEqual([
      'b/2',
      'a/3',
      'a/2',
      'b/1',
      'a/1',
    ]);
  });

  it('sorts by name across engines, ties by creation time the same way', async () => {
    expect((await across({ field: 'NAME', direction: 'ASC' })).keys).toEqual([
      'b/2', // 'Web': upper case sorts first by code unit
      'a/3',
      'a/2', // db, older first
      'b/1',
      'a/1',
    ]);
    expect((await across({ field: 'NAME', direction: 'DESC' })).keys).toEqual([
      'a/1',
      'b/1', // db, newer first
      'a/2',
      'a/3',
      'b/2',
    ]);
  });

  it("keeps each engine's own order, engines one after another, when no order is asked", async () => {
    expect(await across(null)).toEqual({
      keys: ['a/1', 'a/2', 'a/3', 'b/1', 'b/2'],
      ordering: 'ENGINE',
    });
  });
});

/** An iterator over `items`, then open until returned. */
function stream(items: EventItem[]) {
  let returned = false;
  const iterator: AsyncIterableIterator<EventItem> & { returned(): boolean } = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      const item = items.shift();
      if (item) return { done: false, value: item };
      return new Promise(() => {});
    },
    return: async () => {
      returned = true;
      return { done: true, value: undefined };
    },
    returned: () => returned,
  };
  return iterator;
}

const event = (cursor: string): EventItem =>
  ({
    kind: 'event',
    cursor,
    event: { Type: 'container', Action: 'create', Actor: { ID: cursor }, time: 0, timeNano: 0n },
  }) as unknown as EventItem;

describe('merging engine event streams', () => {
  it("names each item's engine and gives every event a cursor holding each engine's place", async () => {
    const a = stream([event('a-1'), event('a-2')]);
    const b = stream([{ kind: 'gap', from: null, to: new Date(), reason: 'ENGINE_UNAVAILABLE' }]);
    const merged = mergeEngineStreams(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      new Map([
        ['a', 'a-0'],
        ['b', 'b-start'],
      ]),
    );
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await merged.next()).value);
    const gap = seen.find((item) => item?.item.kind === 'gap');
    expect(gap).toMatchObject({ engine: 'b' });
    expect(gap?.cursor).toBeUndefined();
    const events = seen.filter((item) => item?.item.kind === 'event');
    expect(events.map((item) => item?.engine)).toEqual(['a', 'a']);
    expect(decodeMergedCursor(events[1]?.cursor as string)).toEqual(
      new Map([
        ['a', 'a-2'],
        ['b', 'b-start'],
      ]),
    );
    await merged.return?.();
    expect(a.returned() && b.returned()).toBe(true);
  });

  it('takes one engine’s own cursor as not merged, and refuses a broken merged one', () => {
    expect(decodeMergedCursor(Buffer.from('local|1|x|y|z').toString('base64url'))).toBeUndefined();
    expect(() => decodeMergedCursor(Buffer.from('engines:[1]').toString('base64url'))).toThrow(
      /not an event cursor/,
    );
  });
});
