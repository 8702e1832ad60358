import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { useAccessLog, yogaLogger } from './access-log.ts';
import { type AuditSink, auditRefusal, logAuditSink } from './audit.ts';
import { authenticate, useBearerToken } from './auth/authenticate.ts';
import type { Principal } from './auth/principal.ts';
import type { TokenStore } from './auth/tokens.ts';
import { useCompiledQueries } from './compiled-queries.ts';
import { type Context, createContext, type RequestServices } from './context.ts';
import {
  createRegistryCredentials,
  type RegistryCredentials,
} from './credentials/registry-credentials.ts';
import { UnauthenticatedError } from './engine/errors.ts';
import { engineReadiness } from './engine/readiness.ts';
import type { EngineRegistry } from './engine/registry.ts';
import { gracefulClose } from './graceful-close.ts';
import { useNestedDenialAudit } from './graphql/audited-fields.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import { usePartialErrors } from './graphql/partial-errors.ts';
import { type BrowserPolicy, CSRF_HEADER, DEFAULT_BROWSER_POLICY } from './http/browser-policy.ts';
import { corsFor } from './http/cors.ts';
import { DOWNLOAD_STALL_MS, withDownloadRoutes } from './http/downloads.ts';
import { useOfflineGraphiQL } from './http/graphiql.ts';
import { useJsonBodiesOnly } from './http/json-bodies.ts';
import {
  createRequestGuard,
  guardHttp,
  guardUpgrade,
  loggingRefusals,
} from './http/request-guard.ts';
import { withUiRoutes } from './http/ui.ts';
import { DEFAULT_LIMITS, type QueryLimits } from './limits/limits.ts';
import { type MutationRate, useMutationRate } from './limits/mutation-rate.ts';
import { useOperationScope } from './limits/operation-scope.ts';
import { useStaticLimits } from './limits/static-limits.ts';
import { trackWsOperations } from './limits/ws-operations.ts';
import { useLiveQueries } from './live-queries.ts';
import type { Logger } from './log.ts';
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import { startMetricsListener, withMetricsRoute } from './metrics/metrics-endpoint.ts';
import { createLoaders } from './model/loaders/request-loaders.ts';
import { DEFAULT_POLICY, type PolicyConfig } from './model/policy/policy-config.ts';
import { serverWebSocket } from './streams/server-websocket.ts';
import { useSharedSubscriptions } from './streams/shared-subscriptions.ts';
import {
  DEFAULT_STREAM_LIMITS,
  MAX_MESSAGE_BYTES,
  type StreamLimits,
} from './streams/stream-limits.ts';
import { useSubscriptionCaps } from './streams/subscription-caps.ts';
import type { Tracing } from './tracing/tracing.ts';

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
  /** How long a download waits for a client that reads nothing; DOWNLOAD_STALL_MS if unset. */
  downloadStallMs?: number;
  /** Calls of one mutation per token and window (config.mutationRate); unlimited if unset. */
  mutationRate?: MutationRate | undefined;
  /** How long `stop()` waits for requests in flight before cutting them (SSE streams end at once). */
  stopGraceMs?: number;
  /** WHARF_TOKENS_FILE's tokens: every request needs one. Unset: everyone is the local admin. */
  tokens?: TokenStore;
  /** Where audit lines go (WHARF_AUDIT_FILE's sink); the gateway's log with `audit: true` if unset. */
  audit?: AuditSink;
  /** The create policy for non-admins (config.policy); DEFAULT_POLICY if unset. */
  policy?: PolicyConfig;
  /** Registry credentials for pulls, pushes and services (config.registryAuth); none if unset. */
  credentials?: RegistryCredentials;
  /**
   * The tracing SDK loadTracing started (OTEL_EXPORTER_OTLP_ENDPOINT): a span per operation and
   * per engine call. The gateway owns it from then on: `stop` flushes and stops it.
   */
  tracing?: Tracing;
}

export interface Gateway {
  yoga: YogaServerInstance<{ req: IncomingMessage }, Context>;
  httpServer: Server;
  start(host: string, port: number): Promise<AddressInfo>;
  stop(): Promise<void>;
  /** Subscriptions and live queries running now (members of a shared one each count). */
  activeSubscriptions(): number;
  /** WHARF_METRICS_LISTEN: a listener serving only /metrics, without a token; closed by `stop`. */
  startMetrics(host: string, port: number): Promise<AddressInfo>;
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
  const metrics = createGatewayMetrics(engines);
  const stopTracingCalls = options.tracing?.traceEngineCalls(engines);
  const auditSink = metrics.countingRefusals(options.audit ?? logAuditSink(logger));
  const services: RequestServices = {
    engines,
    audit: auditSink,
    policy: options.policy ?? DEFAULT_POLICY,
    credentials: options.credentials ?? createRegistryCredentials({}),
  };
  // A graphql-ws socket's credentials: its upgrade URL and its connection_init payload.
  const wsAuthentication = (ctx: WsContext) =>
    authenticate(options.tokens, {
      url: ctx.extra.request.url,
      authorization: ctx.connectionParams?.authorization,
    });
  const caps = useSubscriptionCaps(streams);
  const yoga = createYoga<{ req: IncomingMessage; principal?: Principal }, Context>({
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
    // WebSocket operations bring the socket's principal; HTTP and SSE got theirs in useBearerToken.
    context: ({ request, principal }) => {
      if (!principal) throw new Error('a request reached execution without a principal');
      return createContext(services, principal, request?.signal);
    },
    maskedErrors: { maskError, isDev: !production },
    // Never yoga's default: it logs every client error at `error`, with the query text inline.
    logging: yogaLogger(logger),
    plugins: [
      browser.graphiql && useOfflineGraphiQL('/graphql'),
      useJsonBodiesOnly(),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      useBearerToken(options.tokens, auditSink),
      useNestedDenialAudit(),
      // Before the limits: it sees their refusals.
      useAccessLog(logger, metrics.ended),
      ...useStaticLimits(limits, production),
      // After the token (it counts per principal), before anything runs.
      ...(options.mutationRate ? [useMutationRate(options.mutationRate)] : []),
      // Before the scope and the live queries, which wrap whatever executes.
      useCompiledQueries(logger),
      // Errors of fields that answered part of their data (an engine down among several).
      usePartialErrors(),
      useOperationScope(limits, production),
      // Outside the operation scope: members share one execution, budgeted per event once for all
      // of them; each member keeps its own caps.
      useSharedSubscriptions((ctx, signal) => ({
        ...ctx,
        signal,
        clientSignal: signal,
        socket: undefined,
        loaders: createLoaders(engines, ctx.principal),
      })),
      caps,
      metrics.subscriptions,
      // After the scope: each run of a live query gets its own budget and loaders.
      ...useLiveQueries(engines, schema),
      useReadinessCheck({
        endpoint: '/readyz',
        // Each engine's state in the body; 200 while at least one answers.
        check: async ({ fetchAPI }) => {
          const readiness = await engineReadiness(engines);
          return fetchAPI.Response.json(readiness, { status: readiness.ready ? 200 : 503 });
        },
      }),
      // Last: outermost around execution, so the operation's engine calls run inside its span.
      ...(options.tracing?.plugins ?? []),
    ],
  });

  const downloads = withDownloadRoutes(yoga, {
    ...services,
    tokens: options.tokens,
    browser,
    logger,
    stallMs: options.downloadStallMs ?? DOWNLOAD_STALL_MS,
  });
  const httpServer = createServer(
    guardHttp(
      guard,
      withMetricsRoute(browser.ui ? withUiRoutes(downloads) : downloads, metrics, {
        tokens: options.tokens,
        audit: auditSink,
        logger,
      }),
    ),
  );
  const closeHttp = gracefulClose(httpServer);
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: yoga.graphqlEndpoint,
    verifyClient: guardUpgrade(guard),
    maxPayload: MAX_MESSAGE_BYTES,
    WebSocket: serverWebSocket((error) =>
      logger.debug('WebSocket closed for a protocol fault', {
        code: (error as { code?: string }).code,
      }),
    ),
  });
  metrics.watchWebSockets(wsServer);
  const wsOperations = trackWsOperations(wsServer);
  const wsDisposable = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args),
      onSubscribe: async (ctx, id, params) => {
        // Again for each operation: a token revoked by a reload (SIGHUP) stops working at once.
        const auth = wsAuthentication(ctx);
        if (!auth.ok) {
          auditRefusal(auditSink, auth.rule, 'websocket');
          return [new UnauthenticatedError(auth.message)];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          principal: auth.principal,
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
      // Missing credentials close with 4401 Unauthorized, a token nobody holds with 4403 Forbidden.
      onConnect: (ctx) => {
        const result = wsAuthentication(ctx);
        if (result.ok) return true;
        auditRefusal(auditSink, result.rule, 'websocket');
        if (result.rule !== 'auth.invalid')
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
        return false;
      },
      onComplete: (ctx, id) => wsOperations.done(ctx.extra.socket, id),
      connectionInitWaitTimeout: streams.wsInitTimeoutMs,
    },
    wsServer,
    KEEP_ALIVE_MS,
  );

  let closeMetrics: (() => Promise<void>) | undefined;
  return {
    yoga,
    httpServer,
    start: (host, port) => {
      // The state caches follow their engines from now on; until one is ready its reads go to
      // the engine, so an engine that is down does not hold up the start.
      for (const name of engines.names()) {
        engines
          .client(name)
          ?.state?.start()
          .catch((error: unknown) =>
            logger.warn('state cache failed to start', { engine: name, error }),
          );
      }
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        listenHost = host;
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    activeSubscriptions: () => caps.active(),
    async startMetrics(host, port) {
      const listener = await startMetricsListener(metrics, logger, host, port);
      closeMetrics = listener.close;
      return listener.address;
    },
    async stop() {
      await wsDisposable.dispose();
      await closeHttp(options.stopGraceMs ?? STOP_GRACE_MS);
      await closeMetrics?.();
      metrics.close();
      stopTracingCalls?.();
      await yoga.dispose();
      await options.tracing?.shutdown();
    },
  };
}

/** What graphql-ws keeps of a socket that authentication reads. */
interface WsContext {
  extra: { request: IncomingMessage };
  connectionParams?: Readonly<Record<string, unknown>> | undefined;
}

/** graphql-ws hands execute/subscribe the args onSubscribe built; yoga's own functions ride on rootValue. */
type EnvelopedArgs = ExecutionArgs & {
  rootValue: {
    execute: (args: ExecutionArgs) => ReturnType<typeof import('graphql').execute>;
    subscribe: (args: ExecutionArgs) => ReturnType<typeof import('graphql').subscribe>;
  };
};
