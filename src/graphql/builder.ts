import SchemaBuilder, { PothosValidationError } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { Context } from '../context.ts';
import { fieldCost } from '../limits/cost.ts';
import { type RoleScopes, roleRefusal, roleScopes } from './auth-scopes.ts';

const NODE_TYPES = new Set([
  'Container',
  'Image',
  'Network',
  'Volume',
  'Service',
  'Task',
  'SwarmNode',
  'Secret',
  'Config',
  'ComposeProject',
]);

/** Plugins, scalars and roots only; every type lives in its own module (see index.ts). */
export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: RoleScopes;
  DefaultFieldNullability: false;
  /** Every connection knows its length (for "N of M" screens). */
  Connection: { totalCount: number };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    SafeInt: { Input: number; Output: number };
  };
}>({
  // Scope auth first: a refused field runs nothing of the other plugins.
  plugins: [ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  scopeAuth: {
    // Subscriptions are checked when they start, not on their first event.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => roleScopes(ctx.principal),
    unauthorizedError: (_parent, _ctx, info, result) => roleRefusal(info.fieldName, result.failure),
  },
  // Costs only: the budget is checked per request before execution (src/limits/static-limits.ts).
  complexity: { fieldComplexity: fieldCost, disabled: true },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    // Only ids of our node types decode; anything else is the client's mistake, not ours.
    decodeGlobalID: (globalID) => {
      const decoded = decodeGlobalID(globalID);
      if (!NODE_TYPES.has(decoded.typename)) {
        throw new PothosValidationError(`"${globalID.slice(0, 100)}" is not a Wharf global id`);
      }
      return decoded;
    },
    cursorType: 'String',
    // A fixed cost: a cost function would decode the id while the budget is computed, and a
    // malformed one would then fail the whole document instead of this field.
    nodeQueryOptions: { complexity: 2, authScopes: { viewer: true } },
    nodesQueryOptions: false,
  },
});

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'How many items the whole list has, across every page (and engine asked).',
    resolve: (connection) => connection.totalCount,
  }),
);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

/** The builder's schema types, for helpers that take Pothos field or argument builders. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
