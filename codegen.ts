import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests run, generated from the printed schema (the
 * committed artefact), so a schema change that breaks a client operation fails typecheck.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  generates: {
    'test/__generated__/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        importExtension: '.ts',
        scalars: { DateTime: 'string', SafeInt: 'number' },
        enumsAsTypes: true,
      },
    },
  },
  ignoreNoDocuments: false,
};

export default config;
