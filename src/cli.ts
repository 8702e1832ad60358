#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkConfig, packageVersion } from './check-config.ts';
import { loadConfig } from './config.ts';
import { WharfError } from './engine/errors.ts';
import { createLogger, serializeError } from './log.ts';

// The schema, server and tracing load only for `serve` and `print-schema` (dynamic imports below):
// they take seconds, which --version, --help, check-config and a refused configuration do not need.
const HELP = `wharf: a GraphQL gateway for the Docker Engine

Usage:
  wharf serve [--listen HOST:PORT]     serve /graphql, /healthz and /readyz (default 127.0.0.1:4000)
  wharf print-schema [--out FILE]      print the GraphQL schema (SDL) to stdout or FILE
  wharf check-config                   check the configuration below (tokens, engines and policy)
                                       as serve would, without serving or calling an engine
  wharf --version                      the version
  wharf --help                         this text

Environment:
  DOCKER_HOST               unix:///var/run/docker.sock (default) or tcp://HOST:PORT
  DOCKER_TLS_VERIFY         set to verify the engine's TLS certificate (tcp only)
  DOCKER_CERT_PATH          directory with ca.pem, cert.pem, key.pem (default ~/.docker)
  DOCKER_API_VERSION        pin the Engine API version instead of negotiating it
  WHARF_ENGINES_FILE        JSON array of engines, instead of the four variables above: { name
                            ([a-z0-9][a-z0-9_-]*, the first part of global ids), host (as
                            DOCKER_HOST), tlsVerify?, certPath? (relative to the file), apiVersion?,
                            default? (the engine used when a field names none; else the first) }
  WHARF_LISTEN              listen address, like --listen; only loopback unless WHARF_TOKENS_FILE
                            or WHARF_AUTH=none is set
  WHARF_TOKENS_FILE         JSON array of { name, role: viewer|operator|admin, token | sha256,
                            labels?, engines? (the engines it may use; default all), metrics?
                            (true: may read /metrics; admin may anyway) }: every
                            request needs "Authorization: Bearer <token>";
                            reloaded on SIGHUP (unset: no tokens, loopback clients are admin)
  WHARF_AUTH                none: serve without authentication on a non-loopback address (unset)
  WHARF_PUBLIC_HOSTS        comma list of host names clients use besides loopback (none)
  WHARF_CORS_ORIGINS        comma list of origins allowed by CORS, exact match (none: CORS off)
  WHARF_CORS_CREDENTIALS    true: allow cookies/credentials from those origins (false)
  WHARF_GRAPHIQL            false: do not serve GraphiQL on GET /graphql (true)
  WHARF_ENGINE_TIMEOUT_MS   deadline for each non-streaming engine call (default 30000)
  WHARF_ENGINE_CONNECTIONS  connections to the engine for non-streaming calls, shared fairly
                            between clients (default 16)
  WHARF_CACHE               on (default): reads are answered from memory kept current by the engine's
                            events; off: every read asks the engine
  WHARF_MAX_ENGINE_STREAMS  engine streams open at once: log follows, exec attaches, pulls,
                            events, stats (default 256)
  WHARF_MAX_SUBSCRIPTIONS_PER_SOCKET  subscriptions at once on one WebSocket (default 100)
  WHARF_MAX_SUBSCRIPTIONS_PER_CLIENT  subscriptions at once from one client address, WebSocket
                            and SSE together (default 200)
  WHARF_WS_INIT_TIMEOUT_MS  close a WebSocket that sends no connection_init in time (default 3000)
  WHARF_MUTATION_RATE       calls of one mutation one token may make per window, e.g. 300/1m
                            (the default; s, m or h), or off
  WHARF_METRICS_LISTEN      also serve Prometheus /metrics without a token on this loopback
                            HOST:PORT, e.g. 127.0.0.1:9464 (unset: /metrics on WHARF_LISTEN only,
                            for admin tokens and tokens with "metrics": true)
  WHARF_REGISTRY_AUTH_FILE  registry credentials for pulls, pushes and services, in the docker
                            CLI's config.json format (auths, credHelpers, credsStore), asked
                            before DOCKER_CONFIG/config.json (default ~/.docker/config.json)
  WHARF_BIND_ALLOW          comma list of absolute host path prefixes bind mounts may use (none)
  WHARF_REGISTRY_ALLOW      comma list of registry hosts (host or host:port) pulls and pushes may
                            reach (docker.io)
  WHARF_LOG_DRIVER_ALLOW    comma list of log drivers a create may name (json-file,local,none)
  WHARF_DENY_ROOT_USER      true: refuse containerCreate with user root or 0 (false)
  WHARF_AUDIT_FILE          append audit lines (one JSON line per mutation, denial and exec session
                            start and end, fsynced) to this file; unset: to the log as "audit": true
  OTEL_EXPORTER_OTLP_ENDPOINT  send traces (a span per operation and engine call) over OTLP/HTTP
                            to this collector, e.g. http://127.0.0.1:4318 (unset: no tracing);
                            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full traces URL instead
  OTEL_SERVICE_NAME         the service the spans are reported under (default wharf)
  WHARF_LOG_LEVEL           debug, info, warn or error (default info)
  WHARF_LOG_RATE            log lines a second of one message from one client; the rest of that
                            second is counted in one "log lines suppressed" line (default 50)
  NODE_ENV                  development shows error details to clients; anything else hides them
`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      listen: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const command = positionals[0];
  if (values.version) {
    process.stdout.write(`wharf ${packageVersion()}\n`);
    return;
  }
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(HELP);
    return;
  }
  switch (command) {
    case 'serve': {
      const config = loadConfig(process.env, { listen: values.listen });
      const { serve } = await import('./serve.ts');
      return serve(config);
    }
    case 'print-schema': {
      const { printedSchema } = await import('./print-schema.ts');
      if (values.out) writeFileSync(values.out, printedSchema());
      else process.stdout.write(printedSchema());
      return;
    }
    case 'check-config':
      process.stdout.write(checkConfig(process.env));
      return;
    default:
      throw new WharfError('BAD_USER_INPUT', `unknown command "${command}"; see wharf --help`);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    // A refusal (bad config, unknown command) is told in one line; anything else with its stack.
    const refused = error instanceof WharfError && error.code === 'BAD_USER_INPUT';
    const message = error instanceof Error ? error.message : String(error);
    createLogger('error').error(
      `wharf: ${message}`,
      refused ? { exitCode: 2 } : { exitCode: 1, error: serializeError(error) },
    );
    process.exit(refused ? 2 : 1);
  });
}
