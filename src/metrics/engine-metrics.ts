import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { EngineError, WharfError } from '../engine/errors.ts';
import type { EngineRegistry } from '../engine/registry.ts';
import type { EngineCallOutcome } from '../engine/transport.ts';
import { engineRoute } from './engine-routes.ts';

/** The HTTP status the engine answered with (an error's too), or 0 if it never answered. */
export function callStatus(outcome: EngineCallOutcome): number {
  if ('statusCode' in outcome) return outcome.statusCode;
  return outcome.error instanceof EngineError ? outcome.error.statusCode : 0;
}

/** The status class (`2xx`, `4xx`) the engine answered with, or the code of what ended the call. */
export function callResult(outcome: EngineCallOutcome): string {
  const status = callStatus(outcome);
  if (status > 0) return `${Math.trunc(status / 100)}xx`;
  if ('error' in outcome && outcome.error instanceof WharfError) return outcome.error.code;
  return 'error';
}

/**
 * Engine calls (by engine, method, route template and result) and each engine's streams, event
 * hub and state cache. The engines' own counters are read at scrape time; only the calls are
 * observed as they happen. Engine names come from the configuration, so they stay few.
 * Returns what stops observing the calls.
 */
export function engineMetrics(registry: Registry, engines: EngineRegistry): () => void {
  const registers = [registry];
  const clients = () =>
    engines.names().flatMap((name) => {
      const client = engines.client(name);
      return client ? [client] : [];
    });

  const calls = new Histogram({
    name: 'wharf_engine_call_duration_seconds',
    help: 'Engine API calls sent, until the answer was read (streams and hijacks: their response head)',
    labelNames: ['engine', 'method', 'route', 'result'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: 'wharf_engine_streams_open',
    help: 'Engine streams open now (log follows, events, stats, exec attaches, pulls)',
    labelNames: ['engine'],
    registers,
    collect() {
      for (const client of clients()) this.set({ engine: client.name }, client.openStreams);
    },
  });
  new Gauge({
    name: 'wharf_event_hub_lag_seconds',
    help: "Now minus the time of the newest event the engine's shared event stream delivered",
    labelNames: ['engine'],
    registers,
    collect() {
      this.reset();
      for (const client of clients()) {
        const nanos = client.events.lastEventNanos;
        if (nanos !== undefined) {
          this.set(
            { engine: client.name },
            Math.max(0, Date.now() - Number(nanos / 1_000_000n)) / 1000,
          );
        }
      }
    },
  });
  new Counter({
    name: 'wharf_event_hub_gaps_total',
    help: 'Gaps the shared event stream reported to its subscribers (events may be missing)',
    labelNames: ['engine', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const client of clients()) {
        for (const [reason, count] of Object.entries(client.events.gaps)) {
          this.inc({ engine: client.name, reason }, count);
        }
      }
    },
  });
  new Counter({
    name: 'wharf_event_hub_reconnects_total',
    help: 'Times the shared event stream was opened again after it was lost',
    labelNames: ['engine'],
    registers,
    collect() {
      this.reset();
      for (const client of clients()) this.inc({ engine: client.name }, client.events.reconnects);
    },
  });
  new Gauge({
    name: 'wharf_cache_objects',
    help: 'Objects the state cache holds (WHARF_CACHE)',
    labelNames: ['engine', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const { name: engine, state } of clients()) {
        if (!state) continue;
        this.set({ engine, kind: 'container' }, state.containers.size);
        this.set({ engine, kind: 'image' }, state.images.size);
        this.set({ engine, kind: 'network' }, state.networks.size);
        this.set({ engine, kind: 'volume' }, state.volumes.size);
      }
    },
  });
  new Counter({
    name: 'wharf_cache_resyncs_total',
    help: 'Full resyncs of the state cache (the first sync included)',
    labelNames: ['engine'],
    registers,
    collect() {
      this.reset();
      for (const { name: engine, state } of clients()) {
        if (state) this.inc({ engine }, state.resyncs);
      }
    },
  });

  const unobserve = clients().map((client) =>
    client.observeCalls((call) => {
      const start = performance.now();
      const route = engineRoute(call.path);
      return (outcome) =>
        calls.observe(
          { engine: call.engine, method: call.method, route, result: callResult(outcome) },
          (performance.now() - start) / 1000,
        );
    }),
  );
  return () => {
    for (const stop of unobserve) stop();
  };
}
