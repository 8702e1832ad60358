import type { GraphQLError } from 'graphql';
import type { AuditSink } from './audit.ts';
import type { Principal } from './auth/principal.ts';
import type { RegistryCredentials } from './credentials/registry-credentials.ts';
import type { EngineRegistry } from './engine/registry.ts';
import { createLoaders, type Loaders } from './model/loaders/request-loaders.ts';
import type { PolicyConfig } from './model/policy/policy-config.ts';

/** What every request's context shares, set up once by the gateway. */
export interface RequestServices {
  engines: EngineRegistry;
  /** Where this request's audit lines go (src/audit.ts `audit(ctx, entry)`). */
  audit: AuditSink;
  /** The create policy's settings (WHARF_BIND_ALLOW, …): what non-admins may ask of the engine. */
  policy: PolicyConfig;
  /** Wharf's own registry credentials (src/credentials/), for pulls, pushes and services. */
  credentials: RegistryCredentials;
}

export interface Context extends RequestServices {
  /** Who is asking (src/auth/principal.ts): the one place a request's identity lives. */
  principal: Principal;
  loaders: Loaders;
  /** Aborts when the client goes away (HTTP, SSE), so long engine calls it started end with it. */
  signal: AbortSignal | undefined;
  /**
   * Errors of fields that still answered with data (src/graphql/partial-errors.ts); one array
   * shared by the copies of this context an operation's plugins make.
   */
  partialErrors: GraphQLError[];
}

export function createContext(
  services: RequestServices,
  principal: Principal,
  signal?: AbortSignal,
): Context {
  const { engines, audit, policy, credentials } = services;
  return {
    engines,
    audit,
    policy,
    credentials,
    principal,
    loaders: createLoaders(engines, principal),
    signal,
    partialErrors: [],
  };
}
