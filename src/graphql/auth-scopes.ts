import { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import { type GraphQLSchema, isObjectType } from 'graphql';
import { hasRole, type Principal, type Role } from '../auth/principal.ts';
import { ForbiddenError } from '../engine/errors.ts';

/** The auth scopes of the schema: one per role, held when the principal's role includes it. */
export type RoleScopes = Record<Role, boolean>;

export function roleScopes(principal: Principal): RoleScopes {
  return {
    viewer: hasRole(principal, 'viewer'),
    operator: hasRole(principal, 'operator'),
    admin: hasRole(principal, 'admin'),
  };
}

/** The role a failed check asked for: the first scope its failure names. */
function requiredRole(failure: AuthFailure): string | undefined {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope;
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.map(requiredRole).find((role) => role !== undefined);
    default:
      return undefined;
  }
}

/** A field refused for the principal's role: FORBIDDEN with the rule `role.<role>`. */
export function roleRefusal(fieldName: string, failure: AuthFailure): ForbiddenError {
  // Every scope is a role; a failure naming none can only come from a check that asked for more.
  const role = requiredRole(failure) ?? 'admin';
  return new ForbiddenError(`role.${role}`, `${fieldName} needs the ${role} role`);
}

/**
 * Default-deny: every field of Query, Mutation and Subscription must say which role it needs
 * (its `authScopes`); the schema does not build otherwise. Fields below inherit their root field's
 * check, except what is redacted for roles below admin (src/auth/redact.ts).
 */
export function assertRootScopes(schema: GraphQLSchema): void {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const missing = roots.filter(isObjectType).flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => {
        const options = field.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
        return options?.authScopes === undefined;
      })
      .map((field) => `${type.name}.${field.name}`),
  );
  if (missing.length > 0) {
    throw new Error(`root fields without authScopes (default-deny): ${missing.join(', ')}`);
  }
}
