import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineCall } from '../../src/engine/transport.ts';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * No N+1: every operation here is counted in engine calls, and the count must not grow with the
 * number of containers (four here; the same queries cost the same with four hundred).
 */
const scope = testScope('batching');
const network = scope.name('net');
const volume = scope.name('vol');
const containers = [1, 2, 3, 4].map(() => scope.name('member'));
let gateway: TestGateway;
let ids: string[] = [];

function endpoints(calls: EngineCall[]): string[] {
  return calls.map((call) => `${call.method} ${call.path.replace(/^\/v1\.\d+/, '').split('?')[0]}`);
}

function inspectsPerContainer(calls: EngineCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const match = /\/containers\/([^/]+)\/json/.exec(call.path);
    if (match?.[1]) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

const filter = `filter: { label: ["${scope.label}"] }`;

beforeAll(async () => {
  gateway = await startGateway();
  await docker('network', 'create', '--label', scope.label, network);
  await docker('volume', 'create', '--label', scope.label, volume);
  for (const name of containers) {
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      name,
      '--network',
      network,
      '--network-alias',
      `${name}-alias`,
      '-v',
      `${volume}:/data`,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
  }
  ids = (await docker('ps', '-aq', '--no-trunc', '--filter', `label=${scope.label}`)).split('\n');
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

describe('engine calls per operation', () => {
  it('list-only fields cost exactly one list call', async () => {
    const { calls, result } = await gateway.countCalls(() =>
      gateway.data(`{ containers(all: true, ${filter}) { edges { node {
        id dockerId shortId name names imageRef command createdAt state status
        ports { privatePort } labels { key value } label(key: "x")
        mounts { type source destination rw } networks { networkName ipv4Address macAddress }
      } } } }`),
    );
    expect((result as { containers: { edges: unknown[] } }).containers.edges).toHaveLength(4);
    expect(endpoints(calls)).toEqual(['GET /containers/json']);
  });

  it('the image relation adds one images call for all containers', async () => {
    const { calls } = await gateway.countCalls(() =>
      gateway.data(
        `{ containers(all: true, ${filter}) { edges { node { name image { tags size } } } } }`,
      ),
    );
    expect(endpoints(calls).sort()).toEqual(['GET /containers/json', 'GET /images/json']);
  });

  it('inspect-only fields cost one inspect per container, however many fields ask', async () => {
    const { calls } = await gateway.countCalls(() =>
      gateway.data(`{ containers(all: true, ${filter}) { edges { node {
        env config { cmd } hostConfig { memory } health { status } restartCount startedAt
        networks { aliases }
      } } } }`),
    );
    expect(endpoints(calls).filter((call) => call === 'GET /containers/json')).toHaveLength(1);
    const inspects = inspectsPerContainer(calls);
    expect([...inspects.keys()].sort()).toEqual([...ids].sort());
    expect([...inspects.values()].every((count) => count === 1)).toBe(true);
    expect(calls).toHaveLength(1 + ids.length);
  });

  it('inspects each container once even when several paths reach it', async () => {
    const { calls, result } = await gateway.countCalls(() =>
      gateway.data(`{
        containers(all: true, ${filter}) { edges { node { name env } } }
        network(ref: "${network}") { containers { aliases container { name env hostConfig { memory } } } }
        volume(name: "${volume}") { usedBy { env } }
        again: containers(all: true, ${filter}) { edges { node { config { cmd } } } }
      }`),
    );
    const data = result as {
      network: { containers: { aliases: string[]; container: { name: string } }[] };
    };
    expect(data.network.containers).toHaveLength(4);
    for (const attachment of data.network.containers) {
      expect(attachment.aliases).toContain(`${attachment.container.name}-alias`);
    }
    const inspects = inspectsPerContainer(calls);
    expect([...inspects.keys()].sort()).toEqual([...ids].sort());
    expect([...inspects.values()].every((count) => count === 1)).toBe(true);
  });

  it('a whole screen of relations costs a fixed number of calls', async () => {
    const { calls, result } = await gateway.countCalls(() =>
      gateway.data(`{
        volume(name: "${volume}") {
          name
          usedBy { name image { tags } mounts { volume { name } } networks { network { name } } }
        }
      }`),
    );
    const data = result as {
      volume: { usedBy: { mounts: { volume: { name: string } | null }[] }[] };
    };
    expect(data.volume.usedBy).toHaveLength(4);
    expect(data.volume.usedBy.every((c) => c.mounts.some((m) => m.volume?.name === volume))).toBe(
      true,
    );
    expect(endpoints(calls).sort()).toEqual([
      'GET /containers/json',
      'GET /images/json',
      'GET /networks',
      'GET /volumes',
    ]);
  });

  it('walks image → containers → networks → containers in four calls', async () => {
    const { calls, result } = await gateway.countCalls(() =>
      gateway.data(`{ image(ref: "${FIXTURE_IMAGE}") {
        containers { name networks { network { name containers { container { name } } } } }
      } }`),
    );
    const data = result as { image: { containers: { name: string }[] } };
    const names = data.image.containers.map((c) => c.name);
    for (const name of containers) expect(names).toContain(name);
    expect(endpoints(calls).sort()).toEqual(
      [
        `GET /images/${FIXTURE_IMAGE}/json`,
        'GET /containers/json',
        'GET /networks',
        'GET /containers/json',
      ].sort(),
    );
  });

  it('loads several nodes by global id in one list call', async () => {
    const listed = (await gateway.data(
      `{ containers(all: true, ${filter}) { edges { node { id dockerId } } } }`,
    )) as {
      containers: { edges: { node: { id: string; dockerId: string } }[] };
    };
    const [a, b] = listed.containers.edges.map((edge) => edge.node);
    const { calls, result } = await gateway.countCalls(() =>
      gateway.data(`{
        a: node(id: "${a?.id}") { ... on Container { dockerId name } }
        b: node(id: "${b?.id}") { ... on Container { dockerId name } }
      }`),
    );
    const data = result as { a: { dockerId: string }; b: { dockerId: string } };
    expect(data.a.dockerId).toBe(a?.dockerId);
    expect(data.b.dockerId).toBe(b?.dockerId);
    expect(endpoints(calls)).toEqual(['GET /containers/json']);
    expect(decodeURIComponent(calls[0]?.path ?? '')).toContain(a?.dockerId);
    expect(decodeURIComponent(calls[0]?.path ?? '')).toContain(b?.dockerId);
  });
});
