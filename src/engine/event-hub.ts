import type { EngineApi } from './api.ts';
import { outsideCallScope } from './call-scope.ts';
import { BadUserInputError } from './errors.ts';
import { eventKey, eventNanos, openEvents } from './events.ts';
import { Fanout } from './fanout.ts';
import { engineInfo } from './system.ts';
import type { EventMessage } from './types.ts';

/** Why events may be missing: the engine was unreachable, or could not replay from where we were. */
export type GapReason = 'ENGINE_UNAVAILABLE' | 'REPLAY_INCOMPLETE';

export type EventItem =
  | { kind: 'event'; event: EventMessage; cursor: string }
  | { kind: 'gap'; from: Date | null; to: Date; reason: GapReason };

export interface EventHubOptions {
  api: EngineApi;
  /** Events a subscriber may fall behind before it is closed with SLOW_CONSUMER. */
  queueLimit?: number;
  /** Recent events kept so a reconnecting client's `after` cursor resumes without an engine call. */
  historySize?: number;
  backoff?: { initialMs: number; maxMs: number };
  /**
   * Whether the engine may keep another clock than Wharf's (another host): it is then read from
   * `/info` each time the stream opens. Positions, `since` and `until` are in the engine's time.
   */
  remoteClock?: boolean;
  onError?: (error: unknown) => void;
}

interface Anchor {
  nanos: bigint;
  /** Keys of the events seen at exactly `nanos`: several events can share a timestamp. */
  keys: Set<string>;
}

const nanosToDate = (nanos: bigint) => new Date(Number(nanos / 1_000_000n));
const nowNanos = () => BigInt(Date.now()) * 1_000_000n;

export function encodeCursor(engine: string, event: EventMessage): string {
  return Buffer.from(`${engine}|${eventKey(event)}`).toString('base64url');
}

/** A position without an event: everything from `nanos` (the engine's time) on is after it. */
export function positionCursor(engine: string, nanos: bigint): string {
  return Buffer.from(`${engine}|${nanos}`).toString('base64url');
}

/** An event's cursor, or (key undefined) a position from positionCursor. */
export function decodeCursor(
  engine: string,
  cursor: string,
): { nanos: bigint; key: string | undefined } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [name, nanos, ...rest] = text.split('|');
  // Type, Action, actor id: an exec event's Action holds its command, which may hold `|` too.
  if (
    name !== engine ||
    !nanos ||
    !/^\d{1,20}$/.test(nanos) ||
    (rest.length > 0 && rest.length < 3)
  ) {
    throw new BadUserInputError('`after` is not an event cursor of this engine');
  }
  return { nanos: BigInt(nanos), key: rest.length > 0 ? `${nanos}|${rest.join('|')}` : undefined };
}

/**
 * One `/events` connection per engine, shared by every subscriber and open only while someone
 * listens. It is read without ever waiting for subscribers (the engine drops events for a reader
 * that falls behind), reconnects with backoff, resumes with `since` = the last event's time and
 * drops the replayed duplicates. Where it cannot prove that nothing was missed, subscribers get a
 * gap instead of a silent hole.
 */
export class EventHub {
  /** Gaps published to subscribers since start, by reason (the hub's own; not a resume's replay). */
  readonly gaps: Record<GapReason, number> = { ENGINE_UNAVAILABLE: 0, REPLAY_INCOMPLETE: 0 };
  /** Times the upstream was opened again after it was lost. */
  reconnects = 0;
  /** Told when the upstream opens or is lost, and of every gap: what an engine's health shows. */
  private readonly statusListeners = new Set<() => void>();
  private readonly api: EngineApi;
  private readonly fanout: Fanout<EventItem>;
  /** In-process followers (the state cache): called on every item, never cut off as slow. */
  private readonly observers = new Set<(item: EventItem) => void>();
  /** What subscribers were sent since the connection last opened without a subscriber. */
  private readonly history: EventItem[] = [];
  private readonly historySize: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly onError: (error: unknown) => void;
  private readonly remoteClock: boolean;
  /** The engine's clock minus Wharf's, in ns. */
  private clockOffset = 0n;
  private anchor: Anchor | undefined;
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private open = false;
  private whenOpen: { promise: Promise<void>; resolve: () => void } = deferred();

  constructor(options: EventHubOptions) {
    this.api = options.api;
    this.fanout = new Fanout({ limit: options.queueLimit ?? 10_000, overflow: 'error' });
    this.historySize = options.historySize ?? 4_096;
    this.backoff = options.backoff ?? { initialMs: 100, maxMs: 5_000 };
    this.onError = options.onError ?? (() => {});
    this.remoteClock = options.remoteClock ?? false;
  }

  /** The engine's time now, as far as Wharf can tell. */
  private engineNow(): bigint {
    return nowNanos() + this.clockOffset;
  }

  /**
   * A position at the engine's now: what a stream over several engines resumes an engine from
   * when that engine sent it nothing (src/model/events.ts).
   */
  position(): string {
    return positionCursor(this.api.engine, this.engineNow());
  }

  /**
   * Reads the engine's clock against Wharf's. An offset within the reading's own uncertainty (half
   * its round trip) counts as none; one that cannot be read leaves the last one known.
   */
  private async readClock(): Promise<void> {
    const sent = Date.now();
    const engine = Date.parse((await engineInfo(this.api)).SystemTime ?? '');
    const received = Date.now();
    if (Number.isNaN(engine)) return;
    const offsetMs = engine - (sent + received) / 2;
    const uncertainty = (received - sent) / 2 + 1;
    this.clockOffset =
      Math.abs(offsetMs) <= uncertainty ? 0n : BigInt(Math.round(offsetMs)) * 1_000_000n;
  }

  get subscribers(): number {
    return this.fanout.size;
  }

  /** Live events from now on; with `after`, first everything since that cursor (or a gap). */
  subscribe(after?: string): AsyncIterableIterator<EventItem> {
    const resumeFrom = after === undefined ? undefined : decodeCursor(this.api.engine, after);
    const { items } = this.fanout.subscribe(
      () => this.release(),
      resumeFrom && ((queued) => this.replay(resumeFrom, queued)),
    );
    // The upstream serves every subscriber: it must not be charged to, or end with, the operation
    // that happened to start it.
    this.running ??= outsideCallScope(() => this.run());
    return items;
  }

  /**
   * Calls `observer` with every item from now on, synchronously, and keeps the upstream open until
   * the returned function is called. For followers inside Wharf that never fall behind.
   */
  observe(observer: (item: EventItem) => void): () => void {
    this.observers.add(observer);
    this.running ??= outsideCallScope(() => this.run());
    return () => {
      this.observers.delete(observer);
      this.release();
    };
  }

  /** Calls `listener` whenever `connected` or `gaps` change, until the returned function is called. */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Whether the upstream `/events` connection is open now (false while idle or reconnecting). */
  get connected(): boolean {
    return this.open;
  }

  /** Whether anyone (a subscriber, the state cache, live queries) keeps the upstream wanted. */
  get listening(): boolean {
    return this.fanout.size > 0 || this.observers.size > 0;
  }

  private setConnected(connected: boolean): void {
    if (this.open === connected) return;
    this.open = connected;
    for (const listener of this.statusListeners) listener();
  }

  /** The time (ns since the epoch) of the newest event taken in; undefined while none is. */
  get lastEventNanos(): bigint | undefined {
    return this.anchor?.nanos;
  }

  /** Waits until the upstream connection is open (tests and catch-up use it). */
  whenConnected(): Promise<void> {
    return this.whenOpen.promise;
  }

  private release(): void {
    if (!this.listening) this.abort?.abort();
  }

  private accept(event: EventMessage): void {
    const nanos = eventNanos(event);
    const key = eventKey(event);
    if (!this.anchor || nanos > this.anchor.nanos) this.anchor = { nanos, keys: new Set([key]) };
    else this.anchor.keys.add(key);
    this.publish({ kind: 'event', event, cursor: encodeCursor(this.api.engine, event) });
  }

  private publish(item: EventItem): void {
    if (item.kind === 'gap') this.gaps[item.reason] += 1;
    this.history.push(item);
    if (this.history.length > this.historySize) this.history.shift();
    this.fanout.publish(item);
    for (const observer of this.observers) observer(item);
    if (item.kind === 'gap') for (const listener of this.statusListeners) listener();
  }

  private async run(): Promise<void> {
    let delay = this.backoff.initialMs;
    let lostAt: bigint | undefined;
    let failedAttempts = 0;
    try {
      while (this.listening) {
        const abort = new AbortController();
        this.abort = abort;
        const anchor = this.anchor;
        const since = anchor?.nanos ?? lostAt;
        let proving = false;
        try {
          const events = await openEvents(this.api, { since, signal: abort.signal });
          // Not waited for: a slow `/info` must not hold the events back.
          if (this.remoteClock) this.readClock().catch(() => {});
          if (lostAt !== undefined) {
            this.reconnects += 1;
            if (failedAttempts > 0) {
              this.publish({
                kind: 'gap',
                from: nanosToDate(anchor?.nanos ?? lostAt),
                to: nanosToDate(this.engineNow()),
                reason: 'ENGINE_UNAVAILABLE',
              });
            } else {
              proving = anchor !== undefined;
            }
          }
          this.whenOpen.resolve();
          this.setConnected(true);
          delay = this.backoff.initialMs;
          failedAttempts = 0;
          lostAt = undefined;
          for await (const event of events) {
            const nanos = eventNanos(event);
            if (anchor && nanos <= anchor.nanos) {
              if (nanos === anchor.nanos && anchor.keys.has(eventKey(event))) proving = false;
              if (nanos < anchor.nanos || anchor.keys.has(eventKey(event))) continue;
            }
            if (proving) {
              // Newer than our last event, yet the engine never replayed that one: it restarted
              // or its replay buffer overran.
              this.publish({
                kind: 'gap',
                from: nanosToDate((anchor as Anchor).nanos),
                to: nanosToDate(nanos),
                reason: 'REPLAY_INCOMPLETE',
              });
              proving = false;
            }
            this.accept(event);
          }
        } catch (error) {
          if (abort.signal.aborted && !this.listening) break;
          if (lostAt === undefined && !abort.signal.aborted) this.onError(error);
          if (lostAt !== undefined) failedAttempts += 1;
        }
        if (!this.listening) break;
        // The connection ended or never opened: from here events may be missing.
        if (lostAt === undefined) {
          lostAt = this.engineNow();
          this.whenOpen = deferred();
          this.setConnected(false);
        }
        await sleep(delay);
        delay = Math.min(delay * 2, this.backoff.maxMs);
      }
    } finally {
      this.running = undefined;
      this.abort = undefined;
      this.setConnected(false);
      // Nobody listened from here on: the history no longer proves continuity, and the next
      // connection starts from now.
      this.history.length = 0;
      this.anchor = undefined;
      if (this.listening) this.running = this.run();
    }
  }

  /**
   * Everything after the cursor, for a client that comes back: from the history if it is still
   * there, else from the engine's own (short) replay, with a gap where neither reaches back.
   */
  private async replay(
    from: { nanos: bigint; key: string | undefined },
    queued: readonly EventItem[],
  ) {
    const index = this.history.findIndex(
      (item) => item.kind === 'event' && eventKey(item.event) === from.key,
    );
    if (index !== -1) return this.history.slice(index + 1);

    await this.whenConnected();
    const abort = new AbortController();
    const caughtUp: EventItem[] = [];
    // A position names no event: the engine's replay from its time is the whole answer.
    let found = from.key === undefined;
    const live = new Set(
      queued.flatMap((item) => (item.kind === 'event' ? [eventKey(item.event)] : [])),
    );
    try {
      const events = await openEvents(this.api, {
        since: from.nanos,
        until: this.engineNow(),
        signal: abort.signal,
      });
      for await (const event of events) {
        const key = eventKey(event);
        if (key === from.key) found = true;
        if (eventNanos(event) < from.nanos || key === from.key || live.has(key)) continue;
        if (eventNanos(event) === from.nanos && !found) continue;
        caughtUp.push({ kind: 'event', event, cursor: encodeCursor(this.api.engine, event) });
      }
    } finally {
      abort.abort();
    }
    if (found) return caughtUp;
    const first = caughtUp[0] ?? queued[0];
    const to =
      first?.kind === 'event'
        ? nanosToDate(eventNanos(first.event))
        : nanosToDate(this.engineNow());
    return [
      {
        kind: 'gap' as const,
        from: nanosToDate(from.nanos),
        to,
        reason: 'REPLAY_INCOMPLETE' as const,
      },
      ...caughtUp,
    ];
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
