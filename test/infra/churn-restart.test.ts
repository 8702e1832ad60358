import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churn } from '../helpers/churn.ts';
import { rawAndCachedClients } from '../helpers/engine-clients.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';
import { stateDifferences } from '../helpers/state-diff.ts';

/** Operations per run: CHURN_OPS, 2,000 by default; the engine is SIGKILLed half way. */
const OPS = Number(process.env.CHURN_OPS ?? 2_000);
const LABEL = 'org.wharf.test=churn-restart';
const PREFIX = 'wharf-churn-restart';
const seed = Number(process.env.CHURN_SEED ?? Date.now() % 100_000);

let engine: PrivateEngine;
let clients: ReturnType<typeof rawAndCachedClients>;

beforeAll(async () => {
  engine = await startPrivateEngine('churn');
  clients = rawAndCachedClients({ dockerHost: engine.dockerHost });
  await clients.state().start();
}, 120_000);

afterAll(async () => {
  await Promise.all([clients?.raw.close(), clients?.cached.close()]);
  await engine?.stop();
}, 120_000);

describe('the state cache across an engine SIGKILL', () => {
  it(`resyncs and equals a fresh listing after ${OPS} operations with dockerd killed half way (seed ${seed})`, async () => {
    const state = clients.state();
    const resyncs = state.resyncs;
    let restarted: Promise<void> | undefined;
    await churn({
      docker: engine.docker,
      ops: OPS,
      label: LABEL,
      prefix: PREFIX,
      concurrency: 6,
      seed,
      after: async (index, churning) => {
        if (index !== Math.floor(OPS / 2)) return;
        // Operations go on failing while it is down; they are part of the churn. Not mid network
        // write: the engine itself would not come back (see withoutNetworkWrites).
        restarted = churning.withoutNetworkWrites(() => engine.kill()).then(() => engine.restart());
        await restarted;
      },
    });
    await restarted;
    // Back to ready once the hub has reported the gap and the resync is done.
    const deadline = Date.now() + 60_000;
    while ((state.status !== 'ready' || state.resyncs === resyncs) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await state.caughtUp();
    // Connecting a network to a stopped container, a removal that failed half way: the engine
    // emits no event for those; the periodic reconcile finds them, a stopped container's network
    // within a few rounds. Run a full one now.
    await state.reconcile({ full: true });
    expect(state.resyncs).toBeGreaterThan(resyncs);
    expect(
      await stateDifferences(clients.raw.api, clients.cached.api, {
        label: LABEL,
        tagPrefix: PREFIX,
      }),
    ).toEqual([]);
  }, 900_000);
});
