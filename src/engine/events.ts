import type { EngineApi } from './api.ts';
import { jsonLines, type Reviver } from './decode/json-lines.ts';
import type { EventMessage } from './types.ts';

/** The engine's `since`/`until` take Unix seconds with a nanosecond fraction. */
export function nanosToEngineTime(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${fraction}`;
}

export function eventNanos(event: EventMessage): bigint {
  return event.timeNano;
}

/** timeNano exceeds 2^53: read it from the source text, not through a lossy number. */
const exactTimeNano: Reviver = (key, value, context) =>
  key === 'timeNano' && context.source ? BigInt(context.source) : value;

/** What makes two events the same event (the engine has no event id). */
export function eventKey(event: EventMessage): string {
  return `${event.timeNano}|${event.Type}|${event.Action}|${event.Actor?.ID ?? ''}`;
}

/**
 * Opens the engine's event stream, unfiltered. Resolves once the engine has answered (so the caller
 * knows the connection is up); the iterator ends when the engine closes it, or at `until`.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SystemEvents
 */
export async function openEvents(
  api: EngineApi,
  options: { since?: bigint | undefined; until?: bigint | undefined; signal: AbortSignal },
): Promise<AsyncGenerator<EventMessage>> {
  const response = await api.stream('GET', '/events', {
    query: {
      since: options.since === undefined ? undefined : nanosToEngineTime(options.since),
      until: options.until === undefined ? undefined : nanosToEngineTime(options.until),
    },
    signal: options.signal,
  });
  async function* events() {
    try {
      yield* jsonLines<EventMessage>(response.body, undefined, exactTimeNano);
    } finally {
      response.body.destroy();
    }
  }
  return events();
}
