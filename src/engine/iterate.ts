/**
 * Keeps the items `keep` accepts. Unlike an async generator, `return()` reaches the source even
 * when it comes before the first `next()`, so an upstream stream is never left open.
 */
export function filterAsync<T>(
  source: AsyncIterator<T>,
  keep: (item: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
