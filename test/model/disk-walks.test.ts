import { afterEach, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src/engine/client.ts';
import { createEngineRegistry } from '../../src/engine/registry.ts';
import { loadDataUsages } from '../../src/model/loaders/system.ts';
import { fakeClient } from '../helpers/fake-client.ts';
import { type FakeEngine, startFakeEngine } from '../helpers/fake-engine.ts';

let fake: FakeEngine | undefined;
let client: EngineClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
});

/** An engine whose disk walk takes 100 ms and answers how many walks it has made. */
async function slowWalks() {
  let walks = 0;
  fake = await startFakeEngine((req, res) => {
    if (!req.url?.endsWith('/system/df')) {
      res.writeHead(404).end('{"message":"not here"}');
      return;
    }
    walks += 1;
    const walk = walks;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ LayersSize: walk, Images: [], Containers: [], Volumes: [] }));
    }, 100);
  });
  client = fakeClient(fake);
  return { engines: createEngineRegistry([client]), walks: () => walks };
}

const walkOf = async (answer: Promise<unknown[]>) =>
  ((await answer)[0] as { LayersSize: number }).LayersSize;

describe('disk usage walks', () => {
  it('one at a time per engine: readers arriving during a walk share the next one', async () => {
    const { engines, walks } = await slowWalks();
    const first = walkOf(loadDataUsages(engines, ['local']));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = await Promise.all(
      Array.from({ length: 20 }, () => walkOf(loadDataUsages(engines, ['local']))),
    );
    expect(await first).toBe(1);
    // Started after they asked: each sees what was written before it asked.
    expect(new Set(during)).toEqual(new Set([2]));
    expect(walks()).toBe(2);
    // A reader after every walk ended gets a walk of its own.
    expect(await walkOf(loadDataUsages(engines, ['local']))).toBe(3);
  });
});
