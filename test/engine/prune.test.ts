import { afterEach, describe, expect, it } from 'vitest';
import { EngineConflictError } from '../../src/engine/errors.ts';
import { pruneNetworks } from '../../src/engine/networks.ts';
import { fakeClient } from '../helpers/fake-client.ts';
import { type FakeEngine, sendJson, startFakeEngine } from '../helpers/fake-engine.ts';

let fake: FakeEngine | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** An engine whose first `busy` prunes find another prune running. */
async function engineBusyFor(busy: number, otherConflict = false) {
  let prunes = 0;
  fake = await startFakeEngine((req, res) => {
    if (!req.url?.startsWith('/v1.41/networks/prune')) return sendJson(res, 404, {});
    prunes += 1;
    if (otherConflict) return sendJson(res, 409, { message: 'something else' });
    if (prunes <= busy)
      return sendJson(res, 409, { message: 'a prune operation is already running' });
    sendJson(res, 200, { NetworksDeleted: ['n1'] });
  });
  return fakeClient(fake);
}

describe('prune while another prune runs', () => {
  it('waits for the other one and prunes', async () => {
    const client = await engineBusyFor(3);
    expect(await pruneNetworks(client.api, undefined)).toEqual(['n1']);
    expect(fake?.requests).toHaveLength(4);
    await client.close();
  });

  it('gives up after a bounded wait, answering the conflict', async () => {
    const client = await engineBusyFor(100);
    await expect(pruneNetworks(client.api, undefined)).rejects.toBeInstanceOf(EngineConflictError);
    expect(fake?.requests.length).toBeLessThan(20);
    await client.close();
  }, 30_000);

  it('does not retry another conflict', async () => {
    const client = await engineBusyFor(0, true);
    await expect(pruneNetworks(client.api, undefined)).rejects.toBeInstanceOf(EngineConflictError);
    expect(fake?.requests).toHaveLength(1);
    await client.close();
  });
});
