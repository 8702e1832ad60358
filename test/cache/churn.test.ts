import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churn } from '../helpers/churn.ts';
import { docker, testScope } from '../helpers/docker.ts';
import { rawAndCachedClients } from '../helpers/engine-clients.ts';
import { stateDifferences } from '../helpers/state-diff.ts';

/** Operations per run: CHURN_OPS, 2,000 by default (the figure). */
const OPS = Number(process.env.CHURN_OPS ?? 2_000);
const scope = testScope('churn');
const prefix = `wharf-churn-${scope.run}`;
const seed = Number(process.env.CHURN_SEED ?? Date.now() % 100_000);

const { raw, cached, state: stateOf } = rawAndCachedClients();

beforeAll(async () => {
  await cached.state?.start();
});

afterAll(async () => {
  await scope.cleanup();
  const tags = await docker('images', '--format', '{{.Repository}}:{{.Tag}}', prefix);
  if (tags) await docker('rmi', ...tags.split('\n'));
  await Promise.all([raw.close(), cached.close()]);
});

describe('the state cache under churn', () => {
  it(`equals a fresh engine listing after ${OPS} random operations from the docker CLI (seed ${seed})`, async () => {
    const state = stateOf();
    const { failed } = await churn({
      docker,
      ops: OPS,
      label: scope.label,
      prefix,
      concurrency: 6,
      seed,
    });
    // Some operations meet a state another one changed meanwhile; most must have happened.
    expect(failed).toBeLessThan(OPS / 2);
    await state.caughtUp();
    // Connecting a network to a stopped container, a removal that failed half way: the engine
    // emits no event for those; the periodic reconcile finds them, a stopped container's network
    // within a few rounds. Run a full one now.
    await state.reconcile({ full: true });
    expect(
      await stateDifferences(raw.api, cached.api, { label: scope.label, tagPrefix: prefix }),
    ).toEqual([]);
    expect(state.status).toBe('ready');
  }, 600_000);
});
