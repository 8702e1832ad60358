import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Keeps the items `keep` accepts. Unlike an async generator, `return()` reaches the source even
 * when it comes before the first `next()`, so an upstream stream is never left open.
 */
export function filterAsync<T>(
  source: AsyncIterator<T>,
  keep: (item: T) => boolean | Promise<boolean>,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || (await keep(result.value))) return result;
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

/**
 * Runs `start` with a signal that `return()` aborts first. An async generator awaiting a quiet
 * upstream would otherwise only see its return() when the next chunk arrives: possibly never.
 * The generator runs in the async context it was created in (the subscription's call scope), not
 * in that of whoever pulls the next item (one delivered event's scope, with its own deadline).
 */
export function abortable<T>(
  start: (signal: AbortSignal) => AsyncGenerator<T>,
): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const inner = start(controller.signal);
  const inCreatorContext = AsyncLocalStorage.snapshot();
  const iterator: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => inCreatorContext(() => inner.next()),
    async return() {
      controller.abort();
      await inner.return(undefined);
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
