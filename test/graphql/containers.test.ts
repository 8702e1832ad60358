import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerDetailsDocument, ContainerListDocument } from '../__generated__/graphql.ts';
import { docker, dockerJson, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

interface Inspect {
  Id: string;
  Name: string;
  Image: string;
  Created: string;
  RestartCount: number;
  State: {
    Status: string;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Health?: { Status: string; FailingStreak: number };
  };
  Config: { Env: string[]; Cmd: string[]; Hostname: string; WorkingDir: string; User: string };
  HostConfig: { Memory: number; NanoCpus: number; PidsLimit: number | null };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; MacAddress: string; NetworkID: string }>;
  };
}

const scope = testScope('containers');
let gateway: TestGateway;

async function inspect(ref: string): Promise<Inspect> {
  return (await dockerJson<Inspect[]>('inspect', ref))[0] as Inspect;
}

function mine(all = true) {
  return gateway.data(ContainerListDocument, { all, filter: { label: [scope.label] } });
}

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

describe('containers against docker ps / docker inspect', () => {
  const names = {
    created: scope.name('created'),
    running: scope.name('running'),
    paused: scope.name('paused'),
    exited: scope.name('exited'),
    volume: scope.name('vol'),
  };

  beforeAll(async () => {
    await docker('volume', 'create', '--label', scope.label, names.volume);
    await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      names.created,
      '--label',
      'tier=db',
      FIXTURE_IMAGE,
      'true',
    );
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      names.running,
      '--label',
      'tier=web',
      '--label',
      'empty=',
      '-p',
      '127.0.0.1::8080',
      '--expose',
      '9090/udp',
      '-v',
      `${names.volume}:/data`,
      '--tmpfs',
      '/scratch',
      '-v',
      '/tmp:/host-tmp:ro',
      '-e',
      'GREETING=hello world',
      '-w',
      '/tmp',
      '--memory',
      '64m',
      '--cpus',
      '0.5',
      '--pids-limit',
      '50',
      '--restart',
      'on-failure:3',
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      names.paused,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
    await docker('pause', names.paused);
    await docker(
      'run',
      ...scope.labelArgs,
      '--name',
      names.exited,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'exit 3',
    ).catch(() => undefined);
  });

  it('lists exactly what docker ps lists for the label, newest first, with the same ids', async () => {
    const expected = (
      await docker(
        'ps',
        '-a',
        '--no-trunc',
        '--filter',
        `label=${scope.label}`,
        '--format',
        '{{.ID}}',
      )
    ).split('\n');
    const result = await mine();
    expect(result.containers.edges.map((edge) => edge.node.dockerId)).toEqual(expected);
    const running = await mine(false);
    const runningIds = (
      await docker('ps', '--no-trunc', '--filter', `label=${scope.label}`, '--format', '{{.ID}}')
    ).split('\n');
    expect(running.containers.edges.map((edge) => edge.node.dockerId).sort()).toEqual(
      runningIds.sort(),
    );
  });

  it('reports each state as the engine does, never folded', async () => {
    const result = await mine();
    const byName = new Map(result.containers.edges.map((edge) => [edge.node.name, edge.node]));
    for (const [kind, name] of Object.entries(names)) {
      if (kind === 'volume') continue;
      const truth = await inspect(name);
      expect(byName.get(name)?.state, name).toBe(truth.State.Status.toUpperCase());
    }
    expect(byName.get(names.created)?.state).toBe('CREATED');
    expect(byName.get(names.paused)?.state).toBe('PAUSED');
    expect(byName.get(names.exited)?.state).toBe('EXITED');
  });

  it('matches inspect for names, image, command, ports, labels, mounts and networks', async () => {
    const truth = await inspect(names.running);
    const node = (await mine()).containers.edges.find(
      (edge) => edge.node.name === names.running,
    )?.node;
    expect(node).toBeDefined();
    if (!node) return;
    expect(node.dockerId).toBe(truth.Id);
    expect(node.shortId).toBe(truth.Id.slice(0, 12));
    expect(node.names).toEqual([truth.Name]);
    expect(node.imageRef).toBe(FIXTURE_IMAGE);
    expect(node.command).toBe('sleep 300');
    expect(Math.floor(Date.parse(node.createdAt) / 1000)).toBe(
      Math.floor(Date.parse(truth.Created) / 1000),
    );

    const hostPort = (await docker('port', names.running, '8080/tcp')).split('\n')[0];
    expect(node.ports).toContainEqual({
      privatePort: 8080,
      publicPort: Number(hostPort?.split(':').at(-1)),
      protocol: 'tcp',
      ip: '127.0.0.1',
    });
    expect(node.ports).toContainEqual({
      privatePort: 9090,
      publicPort: null,
      protocol: 'udp',
      ip: null,
    });

    expect(node.labels).toEqual([
      { key: 'empty', value: '' },
      { key: 'org.wharf.fixture', value: 'true' },
      { key: 'org.wharf.test', value: scope.run },
      { key: 'tier', value: 'web' },
    ]);

    const mounts = [...node.mounts].sort((a, b) => a.destination.localeCompare(b.destination));
    const truthMounts = [...truth.Mounts].sort((a, b) =>
      a.Destination.localeCompare(b.Destination),
    );
    expect(mounts.map((m) => [m.type, m.destination, m.rw, m.source])).toEqual(
      truthMounts.map((m) => [m.Type.toUpperCase(), m.Destination, m.RW, m.Source]),
    );
    expect(mounts.find((m) => m.destination === '/data')?.name).toBe(names.volume);
    expect(mounts.find((m) => m.destination === '/host-tmp')?.rw).toBe(false);

    expect(node.networks).toEqual(
      Object.entries(truth.NetworkSettings.Networks).map(([name, endpoint]) => ({
        networkName: name,
        ipv4Address: endpoint.IPAddress,
        macAddress: endpoint.MacAddress,
      })),
    );
  });

  it('answers inspect-only fields like docker inspect', async () => {
    const truth = await inspect(names.running);
    const { container } = await gateway.data(ContainerDetailsDocument, { ref: names.running });
    expect(container?.dockerId).toBe(truth.Id);
    expect(container?.env).toEqual(truth.Config.Env);
    expect(container?.env).toContain('GREETING=hello world');
    expect(container?.config).toMatchObject({
      cmd: ['sleep', '300'],
      workingDir: '/tmp',
      tty: false,
      hostname: truth.Config.Hostname,
    });
    expect(container?.hostConfig).toMatchObject({
      memory: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      pidsLimit: 50,
      restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
      privileged: false,
      autoRemove: false,
    });
    expect(container?.startedAt).toBe(truth.State.StartedAt);
    expect(container?.finishedAt).toBeNull();
    // Running: the engine's 0 is no exit code yet.
    expect(container?.exitCode).toBeNull();
    expect(container?.image?.dockerId).toBe(truth.Image);
    expect(container?.image?.tags).toContain(FIXTURE_IMAGE);

    const exited = await gateway.data(ContainerDetailsDocument, { ref: names.exited });
    expect(exited.container?.exitCode).toBe(3);
    expect(exited.container?.finishedAt).toBe((await inspect(names.exited)).State.FinishedAt);
    const created = await gateway.data(ContainerDetailsDocument, { ref: names.created });
    expect(created.container?.exitCode).toBeNull();
    expect(created.container?.startedAt).toBeNull();
  });

  it('finds a container by full id, unique prefix, name and /name, and answers null for none', async () => {
    const id = (await inspect(names.running)).Id;
    for (const ref of [id, id.slice(0, 12), names.running, `/${names.running}`]) {
      const { container } = await gateway.data(ContainerDetailsDocument, { ref });
      expect(container?.dockerId, ref).toBe(id);
    }
    const missing = await gateway.query(ContainerDetailsDocument, {
      ref: `${scope.run}-does-not-exist`,
    });
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.container).toBeNull();
  });

  it('reports the label and filter queries as the engine filters them', async () => {
    const db = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label, 'tier=db'] },
    });
    expect(db.containers.edges.map((edge) => edge.node.name)).toEqual([names.created]);
    const exited3 = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label], exited: [3] },
    });
    expect(exited3.containers.edges.map((edge) => edge.node.name)).toEqual([names.exited]);
    const paused = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label], status: ['PAUSED'] },
    });
    expect(paused.containers.edges.map((edge) => edge.node.name)).toEqual([names.paused]);
    const byVolume = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label], volume: [names.volume] },
    });
    expect(byVolume.containers.edges.map((edge) => edge.node.name)).toEqual([names.running]);
  });

  it('pages with first/after and last/before over the same order', async () => {
    const all = (await mine()).containers.edges.map((edge) => edge.node.dockerId);
    const first = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label] },
      first: 2,
    });
    expect(first.containers.edges.map((edge) => edge.node.dockerId)).toEqual(all.slice(0, 2));
    expect(first.containers.pageInfo.hasNextPage).toBe(true);
    const next = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label] },
      first: 2,
      after: first.containers.pageInfo.endCursor,
    });
    expect(next.containers.edges.map((edge) => edge.node.dockerId)).toEqual(all.slice(2, 4));
  });

  it('selects sizes only on request, and reports what the engine measured', async () => {
    const { result, calls } = await gateway.countCalls(() =>
      gateway.data(
        `{ containers(all: true, filter: { label: ["${scope.label}"] }) { edges { node { name sizeRw sizeRootFs } } } }`,
      ),
    );
    expect(calls.filter((call) => call.path.includes('size=1'))).toHaveLength(1);
    const sizes = (
      result as { containers: { edges: { node: { sizeRw: number; sizeRootFs: number } }[] } }
    ).containers.edges;
    for (const { node } of sizes) {
      expect(node.sizeRootFs).toBeGreaterThan(1_000_000); // busybox alone is ~2 MB
      expect(node.sizeRw).toBeGreaterThanOrEqual(0);
    }
    const { calls: cheap } = await gateway.countCalls(() => mine());
    expect(cheap.some((call) => call.path.includes('size=1'))).toBe(false);
  });
});

describe('health', () => {
  it('reports healthy and unhealthy checks with streak and output as inspect does', async () => {
    const healthy = scope.name('healthy');
    const sick = scope.name('sick');
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      healthy,
      '--health-cmd',
      'echo fine',
      '--health-interval',
      '1s',
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      sick,
      '--health-cmd',
      'echo broken; exit 1',
      '--health-interval',
      '1s',
      '--health-retries',
      '1',
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
    await eventually('health checks to settle', async () => {
      const [a, b] = await Promise.all([inspect(healthy), inspect(sick)]);
      return a.State.Health?.Status === 'healthy' && b.State.Health?.Status === 'unhealthy'
        ? true
        : undefined;
    });
    const ok = await gateway.data(ContainerDetailsDocument, { ref: healthy });
    expect(ok.container?.health).toMatchObject({ status: 'HEALTHY', failingStreak: 0 });
    expect(ok.container?.health?.lastOutput).toBe('fine\n');
    const bad = await gateway.data(ContainerDetailsDocument, { ref: sick });
    expect(bad.container?.health?.status).toBe('UNHEALTHY');
    expect(bad.container?.health?.failingStreak).toBeGreaterThanOrEqual(1);
    expect(bad.container?.health?.lastOutput).toBe('broken\n');
    const filtered = await gateway.data(ContainerListDocument, {
      all: true,
      filter: { label: [scope.label], health: ['UNHEALTHY'] },
    });
    expect(filtered.containers.edges.map((edge) => edge.node.name)).toEqual([sick]);
    const none = await gateway.data(ContainerDetailsDocument, {
      ref: healthy.replace('healthy', 'nothing'),
    });
    expect(none.container).toBeNull();
  });

  it('reports RESTARTING for a container the engine is restarting', async () => {
    const name = scope.name('flapping');
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      name,
      '--restart',
      'always',
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'sleep 0.3; exit 1',
    );
    const state = await eventually('the restarting state', async () => {
      const { container } = await gateway.data(ContainerDetailsDocument, { ref: name });
      return container?.state === 'RESTARTING' ? container.state : undefined;
    });
    expect(state).toBe('RESTARTING');
    expect((await inspect(name)).RestartCount).toBeGreaterThan(0);
  });
});
