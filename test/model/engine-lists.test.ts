import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.ts';
import type { EventItem } from '../../src/engine/event-hub.ts';
import { engineConnection } from '../../src/graphql/engine-connection.ts';
import { compareOrder, type EngineList, type Listed } from '../../src/model/engine-lists.ts';
import { decodeMergedCursor, mergeEngineStreams } from '../../src/model/event-streams.ts';

/** Items as listAcross orders them: newest first, ties in engine order. */
function listOf(items: { engine: string; id: string; created: number }[]): EngineList<string> {
  const engines = ['a', 'b'];
  const listed: Listed<string>[] = items.map(({ engine, id, created }, index) => ({
    engine,
    id,
    order: [-created, engines.indexOf(engine), index],
    node: `${engine}/${id}`,
  }));
  return { items: listed.sort((x, y) => compareOrder(x.order, y.order)), unavailable: [] };
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

  it('refuses a cursor that is not one of these', () => {
    expect(() => engineConnection({ after: 'bm9wZQ==' }, listOf(base), ctx, info)).toThrow(
      /not a cursor/,
    );
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
