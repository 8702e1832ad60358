import type { IncomingMessage } from 'node:http';

/**
 * What a transport puts in an operation's initial context, before Wharf's own (src/context.ts):
 * node's request and the Fetch Request for HTTP and SSE; graphql-ws adds its socket, the
 * operation's own abort signal and its params (src/server.ts).
 */
export interface TransportContext {
  req?: IncomingMessage;
  request?: Request;
  socket?: object;
  /** One per graphql-ws operation: aborted by its `complete` or the socket's close. */
  clientSignal?: AbortSignal;
  signal?: AbortSignal | undefined;
  /** The request's GraphQL parameters (yoga sets them for HTTP and SSE, src/server.ts for graphql-ws). */
  params?: { operationName?: string | null; extensions?: Record<string, unknown> | null };
}

/** The client's address: the fairness key of the engine queue and the subscription caps. */
export function clientAddress(ctx: TransportContext): string {
  return ctx.req?.socket?.remoteAddress ?? 'unknown';
}
