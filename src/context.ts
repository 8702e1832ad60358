import type { GraphQLError } from 'graphql';
import type { AuditSink } from './audit.ts';
import type { Principal } from './auth/principal.ts';
import type { EngineRegistry } from './engine/registry.ts';
import { createLoaders, type Loaders } from './model/loaders/request-loaders.ts';
import type { PolicyConfig } from './model/policy/policy-config.ts';

export interface Context {
  engines: EngineRegistry;
  /** Who is asking (src/auth/principal.ts): the one place a request's identity lives. */
  principal: Principal;
  /** Where this request's audit lines go (src/audit.ts `audit(ctx, entry)`). */
  audit: AuditSink;
  /** The create policy's settings (WHARF_BIND_ALLOW, …): what non-admins may ask of the engine. */
  policy: PolicyConfig;
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
  engines: EngineRegistry,
  principal: Principal,
  audit: AuditSink,
  policy: PolicyConfig,
  signal?: AbortSignal,
): Context {
  return {
    engines,
    principal,
    audit,
    policy,
    loaders: createLoaders(engines, principal),
    signal,
    partialErrors: [],
  };
}
