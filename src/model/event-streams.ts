import { BadUserInputError } from '../engine/errors.ts';
import type { EventItem } from '../engine/event-hub.ts';

/**
 * An item of an event stream as delivered: the hub's own item (shared by every subscriber, and
 * the key its relations are shared by), the engine it came from, and for a stream over several
 * engines the merged cursor that resumes all of them.
 */
export interface DeliveredItem {
  item: EventItem;
  engine: string;
  cursor?: string;
}

const PREFIX = 'engines:';

/** The merged cursor: each engine's own cursor (or a position for one that sent nothing yet). */
export function encodeMergedCursor(positions: ReadonlyMap<string, string>): string {
  return Buffer.from(`${PREFIX}${JSON.stringify(Object.fromEntries(positions))}`).toString(
    'base64url',
  );
}

/** Each engine's cursor in a merged cursor; undefined when `cursor` is one engine's own. */
export function decodeMergedCursor(cursor: string): Map<string, string> | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  try {
    const positions: unknown = JSON.parse(text.slice(PREFIX.length));
    if (positions && typeof positions === 'object' && !Array.isArray(positions)) {
      const entries = Object.entries(positions);
      if (entries.every(([, value]) => typeof value === 'string')) {
        return new Map(entries as [string, string][]);
      }
    }
  } catch {}
  throw new BadUserInputError('`after` is not an event cursor of these engines');
}

/**
 * The engines' streams as one, each item as it arrives. With `positions` (several engines) every
 * event carries the merged cursor: its own engine's cursor and where each other engine's part
 * stands. Returning the merged iterator returns every engine's.
 */
export function mergeEngineStreams(
  streams: ReadonlyMap<string, AsyncIterableIterator<EventItem>>,
  positions: Map<string, string> | undefined,
): AsyncIterableIterator<DeliveredItem> {
  const sources = [...streams];
  const pending = new Map<number, Promise<{ index: number; next: IteratorResult<EventItem> }>>();
  const pull = (index: number) => {
    const [, stream] = sources[index] as [string, AsyncIterableIterator<EventItem>];
    pending.set(
      index,
      stream.next().then((next) => ({ index, next })),
    );
  };
  sources.forEach((_, index) => {
    pull(index);
  });
  const closeAll = async () => {
    await Promise.allSettled(sources.map(([, stream]) => stream.return?.()));
  };
  const iterator: AsyncIterableIterator<DeliveredItem> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      while (pending.size > 0) {
        let settled: { index: number; next: IteratorResult<EventItem> };
        try {
          settled = await Promise.race(pending.values());
        } catch (error) {
          await closeAll();
          throw error;
        }
        const { index, next } = settled;
        pending.delete(index);
        if (next.done) continue;
        pull(index);
        const engine = (sources[index] as [string, unknown])[0];
        const item = next.value;
        if (item.kind === 'gap' || !positions) return { done: false, value: { item, engine } };
        positions.set(engine, item.cursor);
        return { done: false, value: { item, engine, cursor: encodeMergedCursor(positions) } };
      }
      return { done: true, value: undefined };
    },
    async return() {
      pending.clear();
      await closeAll();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
