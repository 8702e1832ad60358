import { type AuditSink, fileAuditSink, logAuditSink } from './audit.ts';
import { loadTokensFile, TokenStore } from './auth/tokens.ts';
import type { Config } from './config.ts';
import { createRegistryCredentials } from './credentials/registry-credentials.ts';
import { createEngineClient } from './engine/client.ts';
import { describeEndpoint } from './engine/docker-host.ts';
import { BadUserInputError } from './engine/errors.ts';
import { createEngineRegistry } from './engine/registry.ts';
import { createLogger, routeConsole } from './log.ts';
import { createGateway } from './server.ts';
import { loadTracing } from './tracing/tracing.ts';

/**
 * WHARF_AUDIT_FILE opened now, so a path that cannot be appended to refuses to start. Audit lines
 * (and a failed file write's fallback) use a logger of their own: WHARF_LOG_LEVEL and WHARF_LOG_RATE
 * never drop them.
 */
function auditSinkFor(config: Config): AuditSink {
  const auditLogger = createLogger('info');
  if (config.audit.file === undefined) return logAuditSink(auditLogger);
  try {
    return fileAuditSink(config.audit.file, auditLogger);
  } catch (error) {
    throw new BadUserInputError(
      `WHARF_AUDIT_FILE=${config.audit.file} cannot be opened for appending: ${(error as Error).message}`,
    );
  }
}

/** `wharf serve`: the gateway on its engines, until SIGTERM or SIGINT. */
export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, undefined, {
    ratePerSecond: config.logRatePerSecond,
  });
  // Every line on stderr is JSON: what libraries print and Node's warnings go through the logger.
  routeConsole(logger);
  const audit = auditSinkFor(config);
  // One client per engine: its own pools, version negotiation, event hub and state cache.
  const clients = config.engines.list.map((engine) =>
    createEngineClient({
      name: engine.name,
      endpoint: engine.endpoint,
      timeoutMs: config.engine.timeoutMs,
      maxConnections: config.engine.maxConnections,
      maxStreams: config.streams.maxEngineStreams,
      apiVersion: engine.apiVersion,
      sameHost: engine.sameHost,
      cache: config.engine.cache,
      logger,
    }),
  );
  const engines = createEngineRegistry(clients, config.engines.defaultName);
  const tokens = config.tokens && new TokenStore(config.tokens.entries);
  const tracing = config.tracing && (await loadTracing(config.tracing, logger));
  const gateway = createGateway({
    engines,
    logger,
    ...(tokens && { tokens }),
    http: config.http,
    streams: config.streams,
    mutationRate: config.mutationRate,
    limits: config.limits,
    production: config.production,
    audit,
    policy: config.policy,
    credentials: createRegistryCredentials({
      authFile: config.registryAuth.authFile,
      dockerConfig: config.registryAuth.dockerConfig,
    }),
    ...(tracing && { tracing }),
  });
  const address = await gateway.start(config.listen.host, config.listen.port);
  if (config.metrics.listen) {
    const { host, port } = config.metrics.listen;
    const metrics = await gateway.startMetrics(host, port);
    const shown = host.includes(':') ? `[${host}]` : host;
    logger.info('metrics listening', { url: `http://${shown}:${metrics.port}/metrics` });
  }
  logger.info('wharf listening', {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/graphql`,
    engines: config.engines.list.map(
      ({ name, endpoint }) => `${name}=${describeEndpoint(endpoint)}`,
    ),
    defaultEngine: config.engines.defaultName,
  });
  if (config.http.auth === 'none' && !tokens) {
    logger.warn(
      'WHARF_AUTH=none: NO AUTHENTICATION. Anyone who reaches this address is root on the Docker host',
      {
        listen: `${config.listen.host}:${address.port}`,
      },
    );
  }
  for (const engine of clients) {
    engine.api.version().then(
      (version) => logger.info('engine reachable', { engine: engine.name, ...version }),
      (error) =>
        logger.warn('engine not reachable yet; /readyz reports it', { engine: engine.name, error }),
    );
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    gateway
      .stop()
      .then(() => Promise.all(clients.map((engine) => engine.close())))
      .then(
        () => process.exit(0),
        (error) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (tokens && config.tokens) {
    const { file } = config.tokens;
    // A bad file keeps the tokens in force: a typo must not lock everyone out, or let anyone in.
    process.on('SIGHUP', () => {
      try {
        tokens.replace(loadTokensFile(file, engines.names()));
        logger.info('tokens reloaded', { file, tokens: tokens.size });
      } catch (error) {
        logger.error('tokens not reloaded; the previous tokens stay in force', {
          file,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }
  process.on('unhandledRejection', (error) => logger.error('unhandled rejection', { error }));
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception', { error });
    process.exit(1);
  });
}
