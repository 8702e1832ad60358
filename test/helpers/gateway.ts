import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type AuditSink, auditRecord } from '../../src/audit.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import {
  type CredentialFiles,
  createRegistryCredentials,
} from '../../src/credentials/registry-credentials.ts';
import { currentCallScope } from '../../src/engine/call-scope.ts';
import { createEngineClient, type EngineClient } from '../../src/engine/client.ts';
import { parseDockerHost } from '../../src/engine/docker-host.ts';
import { createEngineRegistry } from '../../src/engine/registry.ts';
import type { EngineCall } from '../../src/engine/transport.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { createGateway, type GatewayOptions as ServerOptions } from '../../src/server.ts';
import { loadTracing } from '../../src/tracing/tracing.ts';
import { loadTracingConfig } from '../../src/tracing/tracing-config.ts';

/** One engine of a several-engine gateway (as an entry of WHARF_ENGINES_FILE would give it). */
export interface TestEngine {
  name: string;
  /** A DOCKER_HOST-style URL. */
  dockerHost: string;
  /** tcp+TLS: check the engine's certificate (DOCKER_TLS_VERIFY) … */
  tlsVerify?: boolean;
  /** … with ca.pem, cert.pem and key.pem from this directory (DOCKER_CERT_PATH). */
  certPath?: string;
  apiVersion?: string;
  /** ssh://: the private key (the engines file's `sshKey`) … */
  sshKey?: string;
  /** … and the known_hosts file (WHARF_SSH_KNOWN_HOSTS). */
  knownHostsFile?: string;
  /** The engine a field without `engine` talks to; else the first. */
  default?: boolean;
  /** The engines file's `sameHost`: by default, only a unix socket is on Wharf's host. */
  sameHost?: boolean;
}

export interface GatewayOptions {
  /** Defaults to the DOCKER_HOST the suite runs against. */
  dockerHost?: string;
  /** Several engines instead of `dockerHost` (one `local`); each has its own client. */
  engines?: readonly TestEngine[];
  /**
   * The event-fed state cache (WHARF_CACHE). Off unless WHARF_TEST_CACHE=on (the `cached` test
   * project): with it on, every `query` first waits until the cache has applied every event the
   * engine emitted before it (changes made with the docker CLI just before included).
   */
  cache?: boolean;
  timeoutMs?: number;
  /** Browser defences (publicHosts, corsOrigins, corsCredentials, graphiql); safe defaults. */
  http?: ServerOptions['http'];
  /** Stream caps (maxEngineStreams goes to the engine client, the rest to the gateway). */
  streams?: ServerOptions['streams'];
  /** Query limits and the per-operation budget; small values reach them quickly. */
  limits?: ServerOptions['limits'];
  /** WHARF_MUTATION_RATE; unlimited if unset (suites make many writes quickly). */
  mutationRate?: ServerOptions['mutationRate'];
  /** How long a download waits for a client that reads nothing (30 s by default). */
  downloadStallMs?: number;
  /** Production (the default) hides the numbers of a limit from its message. */
  production?: boolean;
  /** Receives the gateway's log (and the engine client's); silent by default. */
  logger?: Logger;
  /** WHARF_TOKENS_FILE's tokens: requests then need `token` (query's third argument, wsClient). */
  tokens?: ServerOptions['tokens'];
  /** Also receives the audit lines (they are always kept in `audits` as well). */
  audit?: AuditSink;
  /** The create policy's settings (WHARF_BIND_ALLOW, …); the defaults if unset. */
  policy?: ServerOptions['policy'];
  /** Registry credentials (WHARF_REGISTRY_AUTH_FILE, DOCKER_CONFIG, the helpers' PATH); none if unset. */
  registryAuth?: CredentialFiles;
  /** Every request presents a token of this principal (a tokens file with that one entry). */
  principal?: Extract<Principal, { kind: 'token' }>;
  /** WHARF_METRICS_LISTEN on a free loopback port: `metricsUrl` is its /metrics. */
  metricsListen?: boolean;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans go to this collector; `stop` flushes them. */
  otlpEndpoint?: string;
}

/** A tokens file holding one random token for `principal`. */
function tokenOf(principal: Extract<Principal, { kind: 'token' }>) {
  const token = randomBytes(24).toString('hex');
  const { name, role, labels, engines } = principal;
  return {
    token,
    store: new TokenStore(parseTokens(JSON.stringify([{ name, role, labels, engines, token }]))),
  };
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A read the state cache makes for itself: a buffered GET, or `caughtUp`'s bounded `/events`. */
function isStateRead(call: EngineCall): boolean {
  return (
    call.method === 'GET' &&
    (!call.streaming || call.path.includes('until=')) &&
    // The cache never walks the disk: a disk walk outside a scope is one shared by readers.
    !call.path.includes('/system/df')
  );
}

export type Result<T> = { data?: T | null; errors?: GraphQLError[] };

/**
 * A real Wharf (yoga, loaders, engine client) against the real engine, listening on a free port.
 * Every engine call is recorded, so tests can count what an operation costs.
 */
export async function startGateway(options: GatewayOptions = {}) {
  const calls: EngineCall[] = [];
  /** Every audit line the gateway wrote, as the file would hold it. */
  const audits: ReturnType<typeof auditRecord>[] = [];
  const logger = options.logger ?? createLogger('error', () => true);
  const own = options.principal && tokenOf(options.principal);
  const tokens = options.tokens ?? own?.store;
  const cache = options.cache ?? process.env.WHARF_TEST_CACHE === 'on';
  const specs: readonly TestEngine[] = options.engines ?? [
    { name: 'local', dockerHost: options.dockerHost ?? process.env.DOCKER_HOST ?? '' },
  ];
  const engines = specs.map((spec) =>
    createEngineClient({
      name: spec.name,
      // The suite's own engine keeps the TLS variables of its environment.
      endpoint: parseDockerHost(
        options.engines
          ? {
              DOCKER_HOST: spec.dockerHost,
              DOCKER_TLS_VERIFY: spec.tlsVerify ? '1' : undefined,
              DOCKER_CERT_PATH: spec.certPath,
              WHARF_SSH_KNOWN_HOSTS: spec.knownHostsFile,
            }
          : { ...process.env, DOCKER_HOST: spec.dockerHost },
        { identityFile: spec.sshKey },
      ),
      apiVersion: spec.apiVersion,
      sameHost: spec.sameHost,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxConnections: 16,
      maxStreams: options.streams?.maxEngineStreams,
      cache,
      // The cache's own reads (and `caughtUp`) serve no operation: they are not what a test counts.
      onCall: (call) => {
        if (!cache || currentCallScope() !== undefined || !isStateRead(call)) calls.push(call);
      },
      logger,
    }),
  );
  const registry = createEngineRegistry(engines, specs.find((spec) => spec.default)?.name);
  /** The default engine's client. */
  const engine = registry.client(registry.defaultName) as EngineClient;
  const tracingConfig =
    options.otlpEndpoint !== undefined &&
    loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint });
  const tracing = tracingConfig ? await loadTracing(tracingConfig, logger) : undefined;
  const gateway = createGateway({
    engines: registry,
    logger,
    production: options.production ?? true,
    audit: (principal, entry) => {
      audits.push(auditRecord(principal, entry));
      options.audit?.(principal, entry);
    },
    ...(tokens && { tokens }),
    ...(options.policy && { policy: options.policy }),
    ...(options.registryAuth && { credentials: createRegistryCredentials(options.registryAuth) }),
    ...(options.http && { http: options.http }),
    ...(options.limits && { limits: options.limits }),
    ...(options.streams && { streams: options.streams }),
    ...(options.mutationRate && { mutationRate: options.mutationRate }),
    ...(options.downloadStallMs && { downloadStallMs: options.downloadStallMs }),
    ...(tracing && { tracing }),
  });
  const address = await gateway.start('127.0.0.1', 0);
  // An engine that is down (a test's dead socket) never lets the cache start: reads then go to it.
  await Promise.race([
    Promise.all(engines.map((client) => client.state?.start())),
    new Promise((resolve) => setTimeout(resolve, 5_000)),
  ]);
  const url = `http://127.0.0.1:${address.port}`;
  const metricsUrl = options.metricsListen
    ? `http://127.0.0.1:${(await gateway.startMetrics('127.0.0.1', 0)).port}/metrics`
    : undefined;

  async function query<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: string | DocumentNode | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    token?: string,
  ): Promise<Result<TData>> {
    await Promise.all(engines.map((client) => client.state?.caughtUp().catch(() => {})));
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...((token ?? own?.token) && { authorization: `Bearer ${token ?? own?.token}` }),
      },
      body: JSON.stringify({
        query: typeof document === 'string' ? document : print(document),
        variables,
      }),
    });
    return (await response.json()) as ExecutionResult as Result<TData>;
  }

  /** Runs the operation and returns its data, failing the test on any GraphQL error. */
  async function data<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: string | DocumentNode | TypedDocumentNode<TData, TVars>,
    variables?: TVars,
  ): Promise<TData> {
    const result = await query(document, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as TData;
  }

  /** Engine calls made while `fn` ran, without the version negotiation. */
  async function countCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: EngineCall[] }> {
    await Promise.allSettled(engines.map((client) => client.api.version()));
    const start = calls.length;
    const result = await fn();
    return { result, calls: calls.slice(start).filter((call) => call.path !== '/_ping') };
  }

  const wsClients: Client[] = [];

  /** A graphql-ws client on /graphql (the `graphql-transport-ws` protocol); `token` goes in connection_init. */
  function wsClient(token?: string): Client {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      ...((token ?? own?.token) && {
        connectionParams: { authorization: `Bearer ${token ?? own?.token}` },
      }),
    });
    wsClients.push(client);
    return client;
  }

  /** Subscribes over WebSocket; iterate the results, `return()` to unsubscribe. */
  function subscribe<TData = Record<string, unknown>>(
    document: string | DocumentNode,
    variables?: Record<string, unknown>,
    client: Client = wsClient(),
  ): AsyncIterableIterator<Result<TData>> {
    return client.iterate({
      query: typeof document === 'string' ? document : print(document),
      ...(variables && { variables }),
    }) as AsyncIterableIterator<Result<TData>>;
  }

  return {
    url,
    /** The WHARF_METRICS_LISTEN listener's /metrics (with `metricsListen`). */
    metricsUrl,
    /** Whether the state cache answers this gateway's reads. */
    cache,
    /** Subscriptions running now; subscribers of one shared subscription each count. */
    subscriptions: () => gateway.activeSubscriptions(),
    calls,
    audits,
    /** The default engine's client. */
    engine,
    /** Every engine's client, in the order given. */
    engines,
    wsClient,
    subscribe,
    query,
    data,
    countCalls,
    async stop() {
      await Promise.all(wsClients.map((client) => client.dispose()));
      await gateway.stop();
      await Promise.all(engines.map((client) => client.close()));
    },
  };
}

export type TestGateway = Awaited<ReturnType<typeof startGateway>>;
