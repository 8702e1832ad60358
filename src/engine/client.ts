import type { Logger } from '../log.ts';
import { createEngineApi, type EngineApi } from './api.ts';
import type { EngineEndpoint } from './docker-host.ts';
import { EventHub } from './event-hub.ts';
import { ExecSessions } from './exec.ts';
import { cachedApi } from './state/cached-api.ts';
import { EngineState } from './state/engine-state.ts';
import { StatsHub } from './stats.ts';
import { createTransport, type EngineCall, type EngineCallObserver } from './transport.ts';

export interface EngineClientOptions {
  /** Appears in every global id and loader key, so several engines can sit behind one Wharf. */
  name: string;
  endpoint: EngineEndpoint;
  timeoutMs: number;
  maxConnections: number;
  /** Engine streams open at once (WHARF_MAX_ENGINE_STREAMS); the transport's default when absent. */
  maxStreams?: number | undefined;
  /** DOCKER_API_VERSION: skip negotiation and use this version. */
  apiVersion?: string | undefined;
  /** Whether the engine runs on Wharf's host; by default, when it is a unix socket. */
  sameHost?: boolean | undefined;
  onCall?: ((call: EngineCall) => void) | undefined;
  /** WHARF_CACHE: keep the engine's state in memory, fed by its events, and read from it. */
  cache?: boolean | undefined;
  /** Where failures nobody's request sees are reported (the shared event stream's). */
  logger?: Logger | undefined;
}

export interface EngineClient {
  readonly name: string;
  /**
   * Whether the engine runs on Wharf's own host (a unix socket): then host paths Wharf sees are
   * the engine's, and its clock is Wharf's. A tcp or ssh engine is another host.
   */
  readonly sharesHost: boolean;
  readonly api: EngineApi;
  /** The engine's event stream, one upstream connection shared by every subscriber. */
  readonly events: EventHub;
  /** Stats streams, one upstream per container shared by its subscribers. */
  readonly stats: StatsHub;
  /** Attached execs' connections, for stdin and resize from other requests. */
  readonly execs: ExecSessions;
  /** Containers attached through `containerAttach`, for their stdin and resize. */
  readonly attaches: ExecSessions;
  /** The event-fed state cache in front of `api` (undefined with WHARF_CACHE=off). */
  readonly state: EngineState | undefined;
  /** Engine streams open right now (logs, events, stats, exec). */
  readonly openStreams: number;
  /** Watches every call sent to the engine from now on (metrics); returns the unsubscribe. */
  observeCalls(observer: EngineCallObserver): () => void;
  close(): Promise<void>;
}

export function createEngineClient(options: EngineClientOptions): EngineClient {
  const transport = createTransport({
    engine: options.name,
    endpoint: options.endpoint,
    timeoutMs: options.timeoutMs,
    maxConnections: options.maxConnections,
    maxStreams: options.maxStreams,
    onCall: options.onCall,
  });
  const api = createEngineApi(transport, options.apiVersion);
  const sharesHost = options.sameHost ?? options.endpoint.kind === 'unix';
  const events = new EventHub({
    api,
    remoteClock: !sharesHost,
    onError: (error) =>
      options.logger?.warn('engine event stream lost; reconnecting', {
        engine: options.name,
        error,
      }),
  });
  const state = options.cache
    ? new EngineState({
        api,
        events,
        onError: (error) =>
          options.logger?.warn('state cache re-read failed; resyncing', {
            engine: options.name,
            error,
          }),
      })
    : undefined;
  return {
    name: options.name,
    sharesHost,
    api: state ? cachedApi(api, state) : api,
    events,
    state,
    stats: new StatsHub(api),
    execs: new ExecSessions(),
    attaches: new ExecSessions('container'),
    get openStreams() {
      return transport.openStreams;
    },
    observeCalls: (observer) => transport.observeCalls(observer),
    close: () => {
      state?.stop();
      return transport.close();
    },
  };
}
