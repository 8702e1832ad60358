import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { useAccessLog, yogaLogger } from './access-log.ts';
import { LOCAL_PRINCIPAL } from './auth/principal.ts';
import { type Context, createContext } from './context.ts';
import type { EngineRegistry } from './engine/registry.ts';
import { gracefulClose } from './graceful-close.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import { type BrowserPolicy, CSRF_HEADER, DEFAULT_BROWSER_POLICY } from './http/browser-policy.ts';
import { corsFor } from './http/cors.ts';
import { useOfflineGraphiQL } from './http/graphiql.ts';
import { useJsonBodiesOnly } from './http/json-bodies.ts';
import {
  createRequestGuard,
  guardHttp,
  guardUpgrade,
  loggingRefusals,
} from './http/request-guard.ts';
import { DEFAULT_LIMITS, type QueryLimits } from './limits/limits.ts';
import { useOperationScope } from './limits/operation-scope.ts';
import { useStaticLimits } from './limits/static-limits.ts';
import { trackWsOperations } from './limits/ws-operations.ts';
import type { Logger } from './log.ts';
import { quietWebSocket } from './streams/quiet-websocket.ts';
import {
  DEFAULT_STREAM_LIMITS,
  MAX_MESSAGE_BYTES,
  type StreamLimits,
} from './streams/stream-limits.ts';
import { useSubscriptionCaps } from './streams/subscription-caps.ts';

export interface GatewayOptions {
  engines: EngineRegistry;
  logger: Logger;
  /** Development adds error details for GraphiQL users; production shows codes and messages only. */
  production: boolean;
  /** Browser defences (Host, Origin, CORS, GraphiQL); each field defaults to the safe setting. */
  http?: Partial<BrowserPolicy>;
  /** Query limits and the per-operation budget; each field defaults to its production value. */
  limits?: Partial<QueryLimits>;
  /** Subscription caps and WebSocket guards; each field defaults to its production value. */
  streams?: Partial<StreamLimits>;
  /** How long `stop()` waits for requests in flight before cutting them (SSE streams end at once). */
  stopGraceMs?: number;
}

export interface Gateway {
  yoga: YogaServerInstance<{ req: IncomingMessage }, Context>;
  httpServer: Server;
  start(host: string, port: number): Promise<AddressInfo>;
  stop(): Promise<void>;
}

/** How long `stop()` lets requests in flight finish before it closes their connections. */
const STOP_GRACE_MS = 3_000;

/** How often idle WebSocket clients are pinged, so dead peers and proxies' idle cuts are noticed. */
const KEEP_ALIVE_MS = 12_000;

/**
 * yoga on /graphql (HTTP, SSE, GraphiQL), graphql-ws on the same path, /healthz and /readyz.
 * Every transport runs through yoga's envelop pipeline: one context factory, one error mask.
 */
export function createGateway({
  engines,
  logger,
  production,
  ...options
}: GatewayOptions): Gateway {
  const browser: BrowserPolicy = { ...DEFAULT_BROWSER_POLICY, ...options.http };
  let listenHost: string | undefined;
  const guard = loggingRefusals(
    createRequestGuard(browser, () => listenHost),
    logger,
  );
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const streams: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streams };
  const yoga = createYoga<{ req: IncomingMessage }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // Served by useOfflineGraphiQL instead: yoga's own page loads its scripts from a CDN.
    graphiql: false,
    cors: corsFor(browser),
    // Forms could post these without a preflight; useJsonBodiesOnly answers 415 for all of them.
    multipart: false,
    // As large as the largest WebSocket message: one body limit for every transport.
    maxRequestBodySize: MAX_MESSAGE_BYTES,
    context: ({ request }) => createContext(engines, LOCAL_PRINCIPAL, request?.signal),
    maskedErrors: { maskError, isDev: !production },
    // Never yoga's default: it logs every client error at `error`, with the query text inline.
    logging: yogaLogger(logger),
    plugins: [
      browser.graphiql && useOfflineGraphiQL('/graphql'),
      useJsonBodiesOnly(),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      // Before the limits: it sees their refusals.
      useAccessLog(logger),
      ...useStaticLimits(limits, production),
      useOperationScope(limits, production),
      useSubscriptionCaps(streams),
      useReadinessCheck({
        endpoint: '/readyz',
        check: async () => {
          try {
            await Promise.all(engines.names().map((name) => engines.api(name)?.ping()));
            return true;
          } catch {
            return false;
          }
        },
      }),
    ],
  });

  const httpServer = createServer(guardHttp(guard, yoga));
  const closeHttp = gracefulClose(httpServer);
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    verifyClient: guardUpgrade(guard),
    maxPayload: MAX_MESSAGE_BYTES,
    WebSocket: quietWebSocket((error) =>
      logger.debug('WebSocket closed for a protocol fault', {
        code: (error as { code?: string }).code,
      }),
    ),
  });
  const wsOperations = trackWsOperations(wsServer);
  const wsDisposable = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args),
      onSubscribe: async (ctx, id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          // Aborted by the client's `complete` for this id or the socket's close.
          clientSignal: wsOperations.open(ctx.extra.socket, id),
        });
        let document: DocumentNode;
        try {
          document = parse(params.query);
        } catch (error) {
          // A refused document (token limit, syntax) is this operation's error, not the socket's.
          wsOperations.done(ctx.extra.socket, id);
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) wsOperations.done(ctx.extra.socket, id);
        return errors.length > 0 ? errors : args;
      },
      onComplete: (ctx, id) => wsOperations.done(ctx.extra.socket, id),
      connectionInitWaitTimeout: streams.wsInitTimeoutMs,
    },
    wsServer,
    KEEP_ALIVE_MS,
  );

  return {
    yoga,
    httpServer,
    start: (host, port) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        listenHost = host;
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      }),
    async stop() {
      await wsDisposable.dispose();
      await closeHttp(options.stopGraceMs ?? STOP_GRACE_MS);
      await yoga.dispose();
    },
  };
}

/** graphql-ws hands execute/subscribe the args onSubscribe built; yoga's own functions ride on rootValue. */
type EnvelopedArgs = ExecutionArgs & {
  rootValue: {
    execute: (args: ExecutionArgs) => ReturnType<typeof import('graphql').execute>;
    subscribe: (args: ExecutionArgs) => ReturnType<typeof import('graphql').subscribe>;
  };
};
