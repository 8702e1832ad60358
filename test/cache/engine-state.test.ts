import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContainers, startContainer } from '../../src/engine/containers.ts';
import { findContainer } from '../../src/engine/state/state-reads.ts';
import type { EngineCall } from '../../src/engine/transport.ts';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { rawAndCachedClients } from '../helpers/engine-clients.ts';
import { stateDifferences } from '../helpers/state-diff.ts';

const scope = testScope('engine-state');
const tagPrefix = `wharf-cache-${scope.run}`;
const calls: EngineCall[] = [];

const { raw, cached, state } = rawAndCachedClients({ onCachedCall: (call) => calls.push(call) });

async function differences() {
  await state().caughtUp();
  return stateDifferences(raw.api, cached.api, { label: scope.label, tagPrefix });
}

beforeAll(async () => {
  // Objects that exist before the cache starts: the first sync must pick them up.
  await scope.shell('before', 'sleep 300');
  await docker('network', 'create', '--label', scope.label, `${tagPrefix}-net0`);
  await state().start();
  expect(state().status).toBe('ready');
});

afterAll(async () => {
  await scope.cleanup();
  await docker('rmi', '-f', `${tagPrefix}:a`, `${tagPrefix}:b`).catch(() => {});
  await Promise.all([raw.close(), cached.close()]);
});

describe('the event-fed state cache', () => {
  it('holds what the engine holds after its first sync, field by field', async () => {
    expect(await differences()).toEqual([]);
  });

  it('follows changes made outside Wharf (docker CLI), each re-read from its events', async () => {
    const name = scope.name('ext');
    await docker('create', '--label', scope.label, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    await docker('start', name);
    await docker('network', 'create', '--label', scope.label, `${tagPrefix}-net1`);
    await docker('network', 'connect', `${tagPrefix}-net1`, name);
    await docker('pause', name);
    await docker('rename', name, `${name}-renamed`);
    await docker('volume', 'create', '--label', scope.label, `${tagPrefix}-vol`);
    await docker('tag', FIXTURE_IMAGE, `${tagPrefix}:a`);
    await docker('tag', FIXTURE_IMAGE, `${tagPrefix}:b`);
    expect(await differences()).toEqual([]);

    await docker('unpause', `${name}-renamed`);
    await docker('network', 'disconnect', `${tagPrefix}-net1`, `${name}-renamed`);
    await docker('rm', '-f', `${name}-renamed`);
    await docker('rmi', `${tagPrefix}:b`);
    await docker('volume', 'rm', `${tagPrefix}-vol`);
    expect(await differences()).toEqual([]);
  });

  it('holds the parts containers made alike share once, answering as the engine does', async () => {
    const names = [scope.name('alike-a'), scope.name('alike-b'), scope.name('alike-c')];
    for (const name of names) {
      await docker('create', '--label', scope.label, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    }
    await state().caughtUp();
    const [a, b, c] = names.map((name) => findContainer(state(), name));
    if (!a || !b || !c) throw new Error('the cache misses a container just created');
    expect(b.inspect.HostConfig).toBe(a.inspect.HostConfig);
    expect(c.inspect.HostConfig).toBe(a.inspect.HostConfig);
    expect(c.inspect.Config.Cmd).toBe(a.inspect.Config.Cmd);
    // The same labels in one container's summary and inspect are one object too.
    expect(a.summary.Labels).toBe(a.inspect.Config.Labels);
    // What is its own stays its own.
    expect(b.inspect.Name).toBe(`/${names[1]}`);
    expect(b.inspect.Config).not.toBe(a.inspect.Config);
    expect(Object.isFrozen(a.inspect.HostConfig)).toBe(true);
    expect(await differences()).toEqual([]);
  });

  /** Engine calls `run` makes: all calls, less the cache's own re-reads (other files' events). */
  async function engineCallsOf(run: () => Promise<unknown>): Promise<number> {
    await state().caughtUp();
    calls.length = 0;
    const reads = state().engineReads;
    await run();
    await state().settled();
    return calls.length - (state().engineReads - reads);
  }

  it('answers lists and inspects without an engine call once ready', async () => {
    const made = await engineCallsOf(async () => {
      const list = await listContainers(cached.api, {
        all: true,
        filters: { label: [scope.label] },
      });
      expect(list.length).toBeGreaterThan(0);
      await cached.api.json('GET', `/containers/${list[0]?.Id}/json`);
      await cached.api.json('GET', '/images/json');
      await cached.api.json('GET', '/networks');
      await cached.api.json('GET', '/volumes');
    });
    expect(made).toBe(0);
  });

  it('sees a write made through it before the write answers (read-your-writes)', async () => {
    const name = scope.name('ryw');
    await docker('create', '--label', scope.label, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    await state().caughtUp();
    await startContainer(cached.api, name);
    const [summary] = await listContainers(cached.api, { all: true, filters: { name: [name] } });
    expect(summary?.State).toBe('running');
    expect(summary?.Status).toMatch(/^Up /);
  });

  it('goes to the engine for what it does not reproduce (sizes, other filters)', async () => {
    const made = await engineCallsOf(async () => {
      await listContainers(cached.api, {
        all: true,
        size: true,
        filters: { label: [scope.label] },
      });
      await listContainers(cached.api, { all: true, filters: { ancestor: [FIXTURE_IMAGE] } });
    });
    expect(made).toBe(2);
  });
});
