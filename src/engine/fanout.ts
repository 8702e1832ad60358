import { SlowConsumerError } from './errors.ts';

export interface FanoutOptions {
  /** Items a subscriber may fall behind before the overflow policy applies. */
  limit: number;
  /** `error`: close the subscriber with SLOW_CONSUMER (nothing may be lost: events). `latest`: drop the oldest (only the newest matters: stats). */
  overflow: 'error' | 'latest';
}

interface Subscriber<T> {
  queue: T[];
  wake: (() => void) | undefined;
  failure: unknown;
  done: boolean;
}

/**
 * One producer, many consumers, and the producer never waits: `publish` only appends to each
 * subscriber's bounded queue, so a slow consumer cannot delay the upstream read or the others.
 */
export class Fanout<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private readonly options: FanoutOptions;

  constructor(options: FanoutOptions) {
    this.options = options;
  }

  get size(): number {
    return this.subscribers.size;
  }

  publish(item: T, to?: (subscriber: Subscriber<T>) => boolean): void {
    for (const subscriber of this.subscribers) {
      if (to && !to(subscriber)) continue;
      this.offer(subscriber, item);
    }
  }

  /** Ends every subscriber: with `error`, their next read throws it. */
  close(error?: unknown): void {
    for (const subscriber of this.subscribers) this.finish(subscriber, error);
  }

  /**
   * Registers a subscriber now (so nothing published from here on is missed) and returns its
   * iterator. `onEnd` runs exactly once: when the consumer stops (even before its first read) or
   * after the subscriber was closed and drained.
   */
  subscribe(
    onEnd?: () => void,
    /** Items to deliver before anything queued: computed once, from what was queued meanwhile. */
    prefix?: (queued: readonly T[]) => Promise<T[]>,
  ): { subscriber: Subscriber<T>; items: AsyncIterableIterator<T> } {
    const subscriber: Subscriber<T> = {
      queue: [],
      wake: undefined,
      failure: undefined,
      done: false,
    };
    this.subscribers.add(subscriber);
    const fanout = this;
    let ended = false;
    let pending = prefix?.(subscriber.queue);
    const end = () => {
      if (ended) return;
      ended = true;
      this.finish(subscriber);
      subscriber.queue.length = 0;
      onEnd?.();
    };
    const items: AsyncIterableIterator<T> = {
      [Symbol.asyncIterator]() {
        return items;
      },
      async next(): Promise<IteratorResult<T>> {
        if (pending) {
          const first = await pending.catch((error: unknown) => {
            fanout.finish(subscriber, error);
            return [];
          });
          pending = undefined;
          subscriber.queue.unshift(...first);
        }
        for (;;) {
          if (ended) return { done: true, value: undefined };
          if (subscriber.queue.length > 0)
            return { done: false, value: subscriber.queue.shift() as T };
          if (subscriber.done) {
            const failure = subscriber.failure;
            end();
            if (failure !== undefined) throw failure;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => {
            subscriber.wake = resolve;
          });
          subscriber.wake = undefined;
        }
      },
      async return(): Promise<IteratorResult<T>> {
        end();
        subscriber.wake?.();
        return { done: true, value: undefined };
      },
    };
    return { subscriber, items };
  }

  /** Puts an item in one subscriber's queue (replays, gaps meant for one subscriber). */
  offer(subscriber: Subscriber<T>, item: T): void {
    if (subscriber.done) return;
    if (subscriber.queue.length >= this.options.limit) {
      if (this.options.overflow === 'error') {
        subscriber.queue.length = 0;
        this.finish(
          subscriber,
          new SlowConsumerError(
            `the subscriber fell more than ${this.options.limit} items behind and was closed`,
          ),
        );
        return;
      }
      subscriber.queue.shift();
    }
    subscriber.queue.push(item);
    subscriber.wake?.();
  }

  finish(subscriber: Subscriber<T>, error?: unknown): void {
    if (subscriber.done) return;
    subscriber.done = true;
    subscriber.failure = error;
    this.subscribers.delete(subscriber);
    subscriber.wake?.();
  }
}
