import { defineConfig } from 'vitest/config';

/**
 * The tiers (`npm run test:unit`, `test:engine`, `test:fault`; `npm test` runs all three).
 * unit: no engine at all (decoders, parsers, config, limits, the mask, model and transport code on
 * a fake engine). fault: root, private engines and a registry of their own. engine: the rest, on
 * the engine at DOCKER_HOST. A new file lands in `engine` unless it is listed here.
 */
const UNIT = [
  // Everything in test/engine/ but hijack, which also attaches to real containers.
  'test/engine/!(hijack).test.ts',
  'test/audit/**/*.test.ts',
  'test/auth/**/*.test.ts',
  'test/credentials/**/*.test.ts',
  'test/http/**/*.test.ts',
  'test/limits/**/*.test.ts',
  'test/model/**/*.test.ts',
  'test/policy/**/*.test.ts',
  'test/streams/**/*.test.ts',
  'test/graphql/mask.test.ts',
  'test/graphql/clone-input.test.ts',
  'test/graphql/prune-filter.test.ts',
  'test/graphql/image-prefetch.test.ts',
  'test/graphql/service-credentials.test.ts',
  'test/schema.test.ts',
  'test/metrics/labels.test.ts',
  'test/tracing/tracing-config.test.ts',
];

const FAULT = [
  'test/infra/**/*.test.ts',
  'test/graphql/engine-restart.test.ts',
  // These push to a private registry.
  'test/graphql/image-mutations.test.ts',
  'test/graphql/pull.test.ts',
  'test/graphql/registry-auth.test.ts',
  // A swarm on a private engine.
  'test/swarm/**/*.test.ts',
  // Several engines, one of them private (killed and restarted).
  'test/engines/**/*.test.ts',
  // The event hub's reconnects and gaps, on a private engine killed once.
  'test/metrics/engine-faults.test.ts',
  // The dashboard through an engine outage (a private engine killed and restarted).
  'test/ui/outage.test.ts',
];

/**
 * Run a second time with the state cache on (WHARF_TEST_CACHE=on): reads, tenancy, redaction and
 * authorization must hold the same on cached reads. Files that count engine streams or calls as
 * their subject stay engine-only.
 */
const CACHED = [
  'test/security/tenancy*.test.ts',
  'test/security/roles.test.ts',
  'test/security/redaction.test.ts',
  'test/security/secrets.test.ts',
  'test/security/create-policy.test.ts',
  'test/security/audit.test.ts',
  'test/graphql/containers.test.ts',
  'test/graphql/images.test.ts',
  'test/graphql/networks.test.ts',
  'test/graphql/volumes.test.ts',
  'test/graphql/scenario.test.ts',
  'test/graphql/ordering.test.ts',
  // One write suite for read-your-writes through the cache; the other write suites' subject is
  // the write itself, the same with or without it (kept to one run: CI's 20 minutes).
  'test/graphql/container-mutations.test.ts',
];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) copies; Node loads the CJS one for Pothos and
    // yoga, so the test transform must use it too or the schema mixes two realms.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one engine; two workers match the machine's two cores.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'engine',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...FAULT],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'cached',
          include: CACHED,
          env: { WHARF_TEST_CACHE: 'on' },
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'fault',
          include: FAULT,
          globalSetup: ['test/global-setup.ts', 'test/fault-setup.ts'],
        },
      },
    ],
  },
});
