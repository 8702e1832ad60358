import { describe, expect, it } from 'vitest';
import { releasing } from '../../src/streams/releasing.ts';

/** A stream with nothing to send whose `return()` also ends the `next()` waiting (as Repeater's). */
function idle(): AsyncIterableIterator<number> {
  const waiting: ((result: IteratorResult<number>) => void)[] = [];
  const done = { done: true, value: undefined } as const;
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    return: async () => {
      for (const resolve of waiting.splice(0)) resolve(done);
      return done;
    },
  };
  return iterator;
}

describe('releasing', () => {
  it('releases once when return() also ends the next() waiting', async () => {
    let releases = 0;
    const wrapped = releasing(idle(), () => releases++);
    const pending = wrapped.next();
    await wrapped.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(releases).toBe(1);
  });

  it('releases once when the source fails', async () => {
    let releases = 0;
    const source = (async function* () {
      yield 1;
      throw new Error('gone');
    })();
    const wrapped = releasing(source, () => releases++);
    expect(await wrapped.next()).toEqual({ done: false, value: 1 });
    expect(releases).toBe(0);
    await expect(wrapped.next()).rejects.toThrow('gone');
    expect(await wrapped.next()).toEqual({ done: true, value: undefined });
    expect(releases).toBe(1);
  });
});
