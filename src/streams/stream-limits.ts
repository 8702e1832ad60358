import { DEFAULT_MAX_STREAMS } from '../engine/transport.ts';

/** How many long-lived streams Wharf holds open, and how it guards its WebSocket endpoint. */
export interface StreamLimits {
  /** WHARF_MAX_ENGINE_STREAMS: engine streams (log follows, exec attaches, pulls, events, stats) open at once. */
  maxEngineStreams: number;
  /** WHARF_MAX_SUBSCRIPTIONS_PER_SOCKET: subscriptions one WebSocket may run at once. */
  maxSubscriptionsPerSocket: number;
  /** WHARF_MAX_SUBSCRIPTIONS_PER_CLIENT: subscriptions one client address may run at once, WebSocket and SSE together. */
  maxSubscriptionsPerClient: number;
  /** WHARF_WS_INIT_TIMEOUT_MS: a WebSocket that sends no `connection_init` within this is closed (4408). */
  wsInitTimeoutMs: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = {
  maxEngineStreams: DEFAULT_MAX_STREAMS,
  maxSubscriptionsPerSocket: 100,
  maxSubscriptionsPerClient: 200,
  wsInitTimeoutMs: 3_000,
};

/** The variable that sets each limit, for loadConfig and the CLI help. */
export const STREAM_LIMIT_VARIABLES: Readonly<Record<keyof StreamLimits, string>> = {
  maxEngineStreams: 'WHARF_MAX_ENGINE_STREAMS',
  maxSubscriptionsPerSocket: 'WHARF_MAX_SUBSCRIPTIONS_PER_SOCKET',
  maxSubscriptionsPerClient: 'WHARF_MAX_SUBSCRIPTIONS_PER_CLIENT',
  wsInitTimeoutMs: 'WHARF_WS_INIT_TIMEOUT_MS',
};

/**
 * The largest WebSocket message, as large as the largest HTTP body: a GraphQL message is a
 * document and its variables, far below this. ws's own default is 100 MiB.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
