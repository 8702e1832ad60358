import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { describe, expect, it } from 'vitest';
import { assertRootScopes } from '../../src/graphql/auth-scopes.ts';
import { schema } from '../../src/graphql/index.ts';

function schemaWith(declare: boolean) {
  const builder = new SchemaBuilder<{ AuthScopes: { viewer: boolean } }>({
    plugins: [ScopeAuthPlugin],
    scopeAuth: { authScopes: () => ({ viewer: true }) },
  });
  builder.queryType({
    fields: (t) => ({
      declared: t.string({ authScopes: { viewer: true }, resolve: () => 'a' }),
      ...(declare ? {} : { forgotten: t.string({ resolve: () => 'b' }) }),
    }),
  });
  return builder.toSchema();
}

describe('default-deny root fields', () => {
  it('refuses a schema with a root field that declares no role', () => {
    expect(() => assertRootScopes(schemaWith(true))).not.toThrow();
    expect(() => assertRootScopes(schemaWith(false))).toThrow(/Query\.forgotten/);
  });

  it("holds for Wharf's schema", () => {
    expect(() => assertRootScopes(schema)).not.toThrow();
  });
});
