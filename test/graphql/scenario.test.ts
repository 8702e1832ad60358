import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * What a platform team does in a day, through Wharf alone: every step is a GraphQL operation, the
 * docker CLI only checks the engine's state, and at the end nothing the scenario made is left.
 */
const scope = testScope('scenario');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

const [labelKey, labelValue] = scope.label.split('=') as [string, string];
const labels = [
  { key: labelKey, value: labelValue },
  { key: 'app', value: 'shop' },
];

async function scopeObjects() {
  const [containers, networks, volumes] = await Promise.all([
    docker('ps', '-aq', '--filter', `label=${scope.label}`),
    docker('network', 'ls', '-q', '--filter', `label=${scope.label}`),
    docker('volume', 'ls', '-q', '--filter', `label=${scope.label}`),
  ]);
  return [containers, networks, volumes].map((list) => (list ? list.split('\n').length : 0));
}

describe('a platform scenario', () => {
  it('creates, runs, connects, stops, removes and prunes, leaving nothing behind', async () => {
    const net = scope.name('net');
    const backNet = scope.name('back');
    const vol = scope.name('data');

    await gateway.data(
      `mutation ($n: NetworkCreateInput!, $b: NetworkCreateInput!, $v: VolumeCreateInput!) {
        a: networkCreate(input: $n) { name }
        b: networkCreate(input: $b) { name }
        volumeCreate(input: $v) { name }
      }`,
      {
        n: { name: net, labels },
        b: { name: backNet, labels },
        v: { name: vol, labels },
      },
    );

    const created = (await gateway.data(
      `mutation ($web: ContainerCreateInput!, $worker: ContainerCreateInput!) {
        web: containerCreate(input: $web, start: true) { dockerId name state }
        worker: containerCreate(input: $worker, start: true) { dockerId name state }
      }`,
      {
        web: {
          image: FIXTURE_IMAGE,
          name: scope.name('web'),
          cmd: ['sh', '-c', 'touch /data/ready; sleep 300'],
          labels: [...labels, { key: 'role', value: 'web' }],
          networks: [{ network: net, aliases: ['web'] }],
          mounts: [{ type: 'VOLUME', source: vol, target: '/data' }],
          healthcheck: { test: ['CMD', 'test', '-f', '/data/ready'], intervalMs: 500, retries: 3 },
        },
        worker: {
          image: FIXTURE_IMAGE,
          name: scope.name('worker'),
          cmd: ['sleep', '300'],
          labels: [...labels, { key: 'role', value: 'worker' }],
          networks: [{ network: net }],
          mounts: [{ type: 'VOLUME', source: vol, target: '/data', readOnly: true }],
        },
      },
    )) as Record<'web' | 'worker', { dockerId: string; name: string; state: string }>;
    expect(created.web.state).toBe('RUNNING');
    expect(created.worker.state).toBe('RUNNING');

    // Health without exec: the engine's own check, read through Wharf.
    await eventually('web to turn healthy', async () => {
      const data = (await gateway.data(
        `{ container(ref: "${created.web.name}") { health { status } } }`,
      )) as {
        container: { health: { status: string } | null };
      };
      return data.container.health?.status === 'HEALTHY' ? true : undefined;
    });

    // One round trip for the screen: both containers, their network and volume.
    const screen = (await gateway.data(`{
      containers(filter: { label: ["${scope.label}", "app=shop"] }) {
        edges { node { name networks { networkName aliases network { name } } mounts { volume { name usedBy { name } } } } }
      }
    }`)) as {
      containers: {
        edges: { node: { name: string; networks: { networkName: string; aliases: string[] }[] } }[];
      };
    };
    expect(screen.containers.edges).toHaveLength(2);
    const web = screen.containers.edges.find((e) => e.node.name === created.web.name)?.node;
    expect(web?.networks.find((n) => n.networkName === net)?.aliases).toContain('web');

    await gateway.data(
      `mutation { networkConnect(network: "${backNet}", container: "${created.worker.name}", aliases: ["jobs"]) { name } }`,
    );
    const attached = JSON.parse(
      await docker('inspect', '-f', '{{json .NetworkSettings.Networks}}', created.worker.dockerId),
    ) as Record<string, { Aliases: string[] }>;
    expect(Object.keys(attached).sort()).toEqual([backNet, net].sort());
    expect(attached[backNet]?.Aliases).toContain('jobs');
    await gateway.data(
      `mutation { networkDisconnect(network: "${backNet}", container: "${created.worker.name}") { name } }`,
    );
    expect(
      Object.keys(
        JSON.parse(
          await docker(
            'inspect',
            '-f',
            '{{json .NetworkSettings.Networks}}',
            created.worker.dockerId,
          ),
        ),
      ),
    ).toEqual([net]);

    const stopped = (await gateway.data(`mutation {
      a: containerStop(ref: "${created.web.dockerId}", timeout: 1) { changed container { state } }
      b: containerStop(ref: "${created.worker.dockerId}", timeout: 1) { changed container { state } }
      again: containerStop(ref: "${created.worker.dockerId}", timeout: 1) { changed }
    }`)) as Record<string, { changed: boolean; container?: { state: string } }>;
    expect(stopped.a).toEqual({ changed: true, container: { state: 'EXITED' } });
    expect(stopped.again?.changed).toBe(false);

    // The web container goes by remove; the worker is left for prune.
    await gateway.data(`mutation { containerRemove(ref: "${created.web.dockerId}") { removed } }`);
    const pruned = (await gateway.data(`mutation {
      containersPrune(filter: { label: ["${scope.label}"] }) { containersDeleted }
    }`)) as { containersPrune: { containersDeleted: string[] } };
    expect(pruned.containersPrune.containersDeleted).toEqual([created.worker.dockerId]);

    await gateway.data(`mutation {
      networkRemove(ref: "${net}") { dockerId }
      networksPrune(filter: { label: ["${scope.label}"] }) { deleted }
      volumesPrune(filter: { label: ["${scope.label}"] }) { deleted }
    }`);

    expect(await scopeObjects()).toEqual([0, 0, 0]);
  });
});
