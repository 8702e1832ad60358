import type { Context } from '../context.ts';
import { engineReady } from '../engine/readiness.ts';
import type { EngineNode } from './system.ts';

/** The state of an engine's shared event stream, as Wharf holds it (no engine call). */
export type EventStreamState = 'idle' | 'connected' | 'disconnected';

export interface EventStreamHealth {
  state: EventStreamState;
  /** Gaps published since Wharf started, all reasons. */
  gaps: number;
  reconnects: number;
  lastEventAt: Date | null;
}

export interface EngineHealth {
  engine: EngineNode;
  /** One `/_ping` (bounded, never failing: a down engine answers `ready: false`), on first use. */
  readiness(): Promise<{ ready: boolean; error: string | null }>;
}

export function engineHealth(ctx: Context, engine: EngineNode): EngineHealth {
  let asked: Promise<{ ready: boolean; error: string | null }> | undefined;
  return {
    engine,
    readiness: () => {
      asked ??= engineReady(ctx.engines, engine.name);
      return asked;
    },
  };
}

/** What the engine's event hub knows of its upstream, read from memory. */
export function eventStreamHealth(ctx: Context, engine: EngineNode): EventStreamHealth {
  const hub = ctx.engines.client(engine.name)?.events;
  if (!hub) throw new Error(`no engine named ${engine.name}`);
  const nanos = hub.lastEventNanos;
  return {
    state: hub.connected ? 'connected' : hub.listening ? 'disconnected' : 'idle',
    gaps: Object.values(hub.gaps).reduce((sum, count) => sum + count, 0),
    reconnects: hub.reconnects,
    lastEventAt: nanos === undefined ? null : new Date(Number(nanos / 1_000_000n)),
  };
}
