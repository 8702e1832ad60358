/**
 * At most `limit` holders at a time; waiters are queued per client and served fairly: the next
 * slot goes to the waiting client with the fewest calls in flight, ties in turn (round-robin).
 * So a client that queued a hundred calls holds up another client's one call by at most one turn.
 */
export class FairQueue {
  private readonly limit: number;
  private inFlight = 0;
  private readonly running = new Map<string, number>();
  /** Clients with waiters, in turn order: a client served goes to the back. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Calls queued right now, all clients together. */
  get queued(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.length;
    return count;
  }

  /**
   * Resolves with a release function once a slot is free. `signal` (the caller's and its
   * operation's) takes the waiter out of the queue and rejects with its reason.
   */
  acquire(client: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.inFlight < this.limit && this.waiting.size === 0) {
      return Promise.resolve(this.start(client));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.start(client));
        },
      };
      const onAbort = () => {
        this.remove(client, waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiters = this.waiting.get(client);
      if (waiters) waiters.push(waiter);
      else this.waiting.set(client, [waiter]);
    });
  }

  private start(client: string): () => void {
    this.inFlight += 1;
    this.running.set(client, (this.running.get(client) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      const left = (this.running.get(client) ?? 1) - 1;
      if (left === 0) this.running.delete(client);
      else this.running.set(client, left);
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.inFlight < this.limit && this.waiting.size > 0) {
      const client = this.nextClient();
      const waiters = this.waiting.get(client) as Waiter[];
      const waiter = waiters.shift() as Waiter;
      this.waiting.delete(client);
      if (waiters.length > 0) this.waiting.set(client, waiters);
      waiter.grant();
    }
  }

  private nextClient(): string {
    let best: string | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const client of this.waiting.keys()) {
      const running = this.running.get(client) ?? 0;
      if (running < fewest) {
        best = client;
        fewest = running;
      }
    }
    return best as string;
  }

  private remove(client: string, waiter: Waiter): void {
    const waiters = this.waiting.get(client);
    const index = waiters?.indexOf(waiter) ?? -1;
    if (!waiters || index === -1) return;
    waiters.splice(index, 1);
    if (waiters.length === 0) this.waiting.delete(client);
  }
}

interface Waiter {
  grant(): void;
}
