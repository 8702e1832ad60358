import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const GRAPHQL = new URL('../../src/graphql/', import.meta.url);

/** What a schema module may import besides the model: shared schema pieces, never another type. */
const SHARED = new Set([
  'builder.ts',
  'common.ts',
  'scalars.ts',
  'filters.ts',
  'input-checks.ts',
  'nodes.ts',
  'swarm-nodes.ts',
  'event-context.ts',
  'auth-scopes.ts',
  'audited-fields.ts',
  'selection.ts',
  'engine-connection.ts',
  'partial-errors.ts',
  'host-config-input.ts',
  'host-config-type.ts',
  'clone-input.ts',
  'mount-port-inputs.ts',
  'registry-auth-input.ts',
]);
/** Engine modules that are no endpoint: errors, ref checks, engine choice, iteration helpers. */
const ENGINE_HELPERS = new Set(['errors.ts', 'refs.ts', 'registry.ts', 'iterate.ts']);

function valueImports(source: string): string[] {
  return [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)].map(
    (match) => match[1] as string,
  );
}

const modules = readdirSync(GRAPHQL).filter((name) => name.endsWith('.ts'));

describe('layering', () => {
  it.each(modules)('src/graphql/%s reaches the engine only through the model', (name) => {
    const engine = valueImports(readFileSync(new URL(name, GRAPHQL), 'utf8'))
      .filter((from) => from.startsWith('../engine/'))
      .map((from) => from.slice('../engine/'.length));
    expect(engine.filter((module) => !ENGINE_HELPERS.has(module))).toEqual([]);
  });

  it.each(modules)(
    'src/graphql/%s imports node refs from nodes.ts, not another type module',
    (name) => {
      const local = valueImports(readFileSync(new URL(name, GRAPHQL), 'utf8'))
        .filter((from) => from.startsWith('./'))
        .map((from) => from.slice(2));
      expect(local.filter((module) => !SHARED.has(module))).toEqual([]);
    },
  );
});
