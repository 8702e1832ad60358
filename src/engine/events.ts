import type { EngineApi } from './api.ts';
import { jsonLines } from './decode/json-lines.ts';
import type { EventMessage } from './types.ts';

/** The engine's `since`/`until` take Unix seconds with a nanosecond fraction. */
export function nanosToEngineTime(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${fraction}`;
}

export function eventNanos(event: EventMessage): bigint {
  return BigInt(event.timeNano);
}

/** What makes two events the same event (the engine has no event id). */
export function eventKey(event: EventMessage): string {
  return `${event.timeNano}|${event.Type}|${event.Action}|${event.Actor?.ID ?? ''}`;
}

/**
 * The engine's event stream, unfiltered; ends when the engine closes it (or at `until`).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SystemEvents
 */
export async function* streamEvents(
  api: EngineApi,
  options: { since?: bigint | undefined; until?: bigint | undefined; signal: AbortSignal },
): AsyncGenerator<EventMessage> {
  const response = await api.stream('GET', '/events', {
    query: {
      since: options.since === undefined ? undefined : nanosToEngineTime(options.since),
      until: options.until === undefined ? undefined : nanosToEngineTime(options.until),
    },
    signal: options.signal,
  });
  try {
    yield* jsonLines<EventMessage>(response.body);
  } finally {
    response.body.destroy();
  }
}
