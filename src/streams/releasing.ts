/** The same items; `release` runs once when the iteration ends in any way. */
export function releasing<T>(
  source: AsyncIterable<T>,
  release: () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // A `next()` pending when `return()` is called ends too: both answer done, release runs once.
  let released = false;
  const once = () => {
    if (released) return;
    released = true;
    release();
  };
  const settle = <R>(promise: Promise<IteratorResult<R>>) =>
    promise.then(
      (result) => {
        if (result.done) once();
        return result;
      },
      (error: unknown) => {
        once();
        throw error;
      },
    );
  const wrapped: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => wrapped,
    next: () => settle(iterator.next()),
    return: (value?: unknown) =>
      settle(iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined })),
    throw: (error?: unknown) => settle(iterator.throw?.(error) ?? Promise.reject(error)),
  };
  return wrapped;
}
