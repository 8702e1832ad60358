import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { type Context, createContext } from './context.ts';
import { maskError } from './graphql/errors.ts';
import { schema } from './graphql/index.ts';
import type { EngineRegistry } from './loaders/engines.ts';
import type { Logger } from './log.ts';

export interface GatewayOptions {
  engines: EngineRegistry;
  logger: Logger;
  /** Development adds error details for GraphiQL users; production shows codes and messages only. */
  production: boolean;
}

export interface Gateway {
  yoga: YogaServerInstance<{ req: IncomingMessage }, Context>;
  httpServer: Server;
  start(host: string, port: number): Promise<AddressInfo>;
  stop(): Promise<void>;
}

/** How often idle WebSocket clients are pinged, so dead peers and proxies' idle cuts are noticed. */
const KEEP_ALIVE_MS = 12_000;

/**
 * yoga on /graphql (HTTP, SSE, GraphiQL), graphql-ws on the same path, /healthz and /readyz.
 * Every transport runs through yoga's envelop pipeline: one context factory, one error mask.
 */
export function createGateway({ engines, logger, production }: GatewayOptions): Gateway {
  const yoga = createYoga<{ req: IncomingMessage }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    context: ({ request }) => createContext(engines, { kind: 'anonymous' }, request?.signal),
    maskedErrors: { maskError, isDev: !production },
    logging: {
      debug: (...args) => logger.debug(String(args[0]), { args: args.slice(1) }),
      info: (...args) => logger.info(String(args[0])),
      warn: (...args) => logger.warn(String(args[0])),
      error: (...args) => logger.error(String(args[0]), { error: args[1] }),
    },
    plugins: [
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

  const httpServer = createServer(yoga);
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
  const wsDisposable = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args),
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
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
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      }),
    async stop() {
      await wsDisposable.dispose();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
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
