import type { CodegenConfig } from '@graphql-codegen/cli';

/** The same scalars and types for every client, so a field reads alike in tests and the UI. */
const shared = {
  useTypeImports: true,
  importExtension: '.ts',
  scalars: { DateTime: 'string', SafeInt: 'number' },
  enumsAsTypes: true,
} as const;

/**
 * Typed documents for the operations the tests run and the dashboard sends, generated from the
 * printed schema (the committed artefact), so a schema change that breaks a client operation
 * fails typecheck.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  generates: {
    'test/__generated__/': {
      documents: ['test/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: shared,
    },
    // Plain strings typed with their result and variables: no graphql-js in the browser bundle.
    'ui/src/__generated__/': {
      documents: ['ui/src/**/*.tsx', 'ui/src/**/*.ts', '!ui/src/__generated__/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { ...shared, documentMode: 'string' },
    },
  },
  ignoreNoDocuments: false,
};

export default config;
