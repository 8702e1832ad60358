import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContainerCreateDocument,
  type ContainerCreateInput,
  ContainerKillDocument,
  ContainerPauseDocument,
  ContainerRemoveDocument,
  ContainerRenameDocument,
  ContainerRestartDocument,
  ContainerStartDocument,
  ContainerStopDocument,
  ContainersPruneDocument,
  ContainerUnpauseDocument,
  ContainerUpdateDocument,
  ContainerWaitDocument,
} from '../__generated__/graphql.ts';
import {
  docker,
  dockerJson,
  eventually,
  FIXTURE_IMAGE,
  TEST_LABEL,
  testScope,
} from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

interface Inspect {
  Id: string;
  Name: string;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    ExitCode: number;
    StartedAt: string;
    Health?: { Status: string };
  };
  Config: {
    Image: string;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[];
    Labels: Record<string, string>;
    WorkingDir: string;
    User: string;
    Hostname: string;
    Tty: boolean;
    OpenStdin: boolean;
    ExposedPorts?: Record<string, object>;
    StopSignal?: string;
    StopTimeout?: number;
    Healthcheck?: {
      Test: string[];
      Interval: number;
      Timeout: number;
      Retries: number;
      StartPeriod: number;
    };
  };
  HostConfig: {
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]> | null;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    CpuShares: number;
    PidsLimit: number | null;
    AutoRemove: boolean;
    CapAdd: string[] | null;
    CapDrop: string[] | null;
    SecurityOpt: string[] | null;
    Devices: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[] | null;
    NetworkMode: string;
    IpcMode: string;
    Mounts?: { Type: string; Source?: string; Target: string; ReadOnly?: boolean }[];
  };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
  NetworkSettings: {
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
    Networks: Record<
      string,
      {
        IPAddress: string;
        Aliases: string[] | null;
        IPAMConfig: { IPv4Address?: string } | null;
      }
    >;
  };
}

const scope = testScope('container-mutations');
/** Outside the scope label on purpose (prune must spare it); removed by this file at the end. */
const outsider = `${TEST_LABEL}.outsider=${scope.run}`;
let gateway: TestGateway;

const mine = { key: TEST_LABEL, value: scope.run };

async function inspect(ref: string): Promise<Inspect> {
  return (await dockerJson<Inspect[]>('inspect', ref))[0] as Inspect;
}

async function exists(ref: string): Promise<boolean> {
  return docker('inspect', '--type', 'container', ref).then(
    () => true,
    () => false,
  );
}

/** Containers carrying this file's label, as docker ps sees them. */
async function scopeCount(): Promise<number> {
  const ids = await docker('ps', '-aq', '--filter', `label=${scope.label}`);
  return ids === '' ? 0 : ids.split('\n').length;
}

function codes(result: Result<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/** Creates through Wharf with the scope label added. */
async function create(
  input: Omit<ContainerCreateInput, 'image'> & { image?: string },
  start = false,
) {
  const { containerCreate } = await gateway.data(ContainerCreateDocument, {
    input: { image: FIXTURE_IMAGE, ...input, labels: [mine, ...(input.labels ?? [])] },
    start,
  });
  return containerCreate;
}

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  const outsiders = await docker('ps', '-aq', '--filter', `label=${outsider}`).catch(() => '');
  if (outsiders) await docker('rm', '-f', ...outsiders.split('\n'));
  await scope.cleanup();
  await gateway?.stop();
});

describe('containerCreate', () => {
  it('creates exactly the configured container, not started', async () => {
    const name = scope.name('full');
    const created = await create({
      name,
      cmd: ['sleep', '300'],
      entrypoint: ['/bin/env'],
      env: ['GREETING=hello world', 'EMPTY='],
      labels: [{ key: 'tier', value: 'web' }],
      workingDir: '/tmp',
      user: '1000:1000',
      hostname: 'wharf-host',
      tty: true,
      openStdin: true,
      memory: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      cpuShares: 512,
      pidsLimit: 50,
      stopSignal: 'SIGINT',
      stopTimeout: 3,
      capAdd: ['NET_ADMIN'],
      capDrop: ['MKNOD'],
      securityOpt: ['no-new-privileges'],
      devices: [
        { pathOnHost: '/dev/null', pathInContainer: '/dev/wharf-null', cgroupPermissions: 'r' },
      ],
      ipcMode: 'private',
    });
    const truth = await inspect(name);
    expect(created).toMatchObject({
      dockerId: truth.Id,
      name,
      state: 'CREATED',
      exitCode: null,
      config: { cmd: ['sleep', '300'], hostname: 'wharf-host' },
      hostConfig: { memory: 64 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 50 },
    });
    expect(created.labels).toEqual(expect.arrayContaining([mine, { key: 'tier', value: 'web' }]));
    expect(truth.State.Status).toBe('created');
    expect(truth.Config).toMatchObject({
      Image: FIXTURE_IMAGE,
      Cmd: ['sleep', '300'],
      Entrypoint: ['/bin/env'],
      WorkingDir: '/tmp',
      User: '1000:1000',
      Hostname: 'wharf-host',
      Tty: true,
      OpenStdin: true,
      StopSignal: 'SIGINT',
      StopTimeout: 3,
    });
    expect(truth.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello world', 'EMPTY=']));
    expect(truth.Config.Labels).toMatchObject({ [TEST_LABEL]: scope.run, tier: 'web' });
    expect(truth.HostConfig).toMatchObject({
      Memory: 64 * 1024 * 1024,
      NanoCpus: 500_000_000,
      CpuShares: 512,
      PidsLimit: 50,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['MKNOD'],
      SecurityOpt: ['no-new-privileges'],
      Devices: [
        { PathOnHost: '/dev/null', PathInContainer: '/dev/wharf-null', CgroupPermissions: 'r' },
      ],
      IpcMode: 'private',
      AutoRemove: false,
    });
  });

  it('publishes ports, sets restart policy and health check, and starts with start: true', async () => {
    const name = scope.name('ports');
    const created = await create(
      {
        name,
        cmd: ['sleep', '300'],
        ports: [
          { containerPort: 8080, hostIp: '127.0.0.1' },
          { containerPort: 9090, protocol: 'UDP', hostIp: '127.0.0.1' },
        ],
        restartPolicy: { name: 'ON_FAILURE', maximumRetryCount: 3 },
        healthcheck: {
          test: ['CMD-SHELL', 'echo fine'],
          intervalMs: 1000,
          timeoutMs: 2000,
          retries: 2,
          startPeriodMs: 500,
        },
      },
      true,
    );
    expect(created).toMatchObject({
      state: 'RUNNING',
      hostConfig: { restartPolicy: { name: 'on-failure', maximumRetryCount: 3 } },
    });
    const truth = await inspect(name);
    expect(truth.State.Running).toBe(true);
    expect(Object.keys(truth.Config.ExposedPorts ?? {}).sort()).toEqual(['8080/tcp', '9090/udp']);
    expect(truth.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(truth.Config.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'echo fine'],
      Interval: 1_000_000_000,
      Timeout: 2_000_000_000,
      Retries: 2,
      StartPeriod: 500_000_000,
    });
    const published = (await docker('port', name, '8080/tcp')).split('\n')[0] ?? '';
    expect(published).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(truth.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort).toBe(published.split(':')[1]);
    expect(truth.NetworkSettings.Ports['9090/udp']?.[0]?.HostIp).toBe('127.0.0.1');
    await eventually('the health check to pass', async () =>
      (await inspect(name)).State.Health?.Status === 'healthy' ? true : undefined,
    );
  });

  it('mounts a named volume, a tmpfs and a bind of a host directory', async () => {
    const volume = scope.name('vol');
    await docker('volume', 'create', '--label', scope.label, volume);
    const dir = await mkdtemp(join(tmpdir(), 'wharf-bind-'));
    await writeFile(join(dir, 'hello'), 'from the host\n');
    const name = scope.name('mounts');
    await create(
      {
        name,
        cmd: ['sleep', '300'],
        mounts: [
          { type: 'VOLUME', source: volume, target: '/data' },
          { type: 'TMPFS', target: '/scratch' },
          { type: 'BIND', source: dir, target: '/host', readOnly: true },
        ],
      },
      true,
    );
    const truth = await inspect(name);
    const byTarget = new Map(truth.Mounts.map((mount) => [mount.Destination, mount]));
    expect(byTarget.get('/data')).toMatchObject({ Type: 'volume', Name: volume, RW: true });
    expect(byTarget.get('/scratch')).toMatchObject({ Type: 'tmpfs', RW: true });
    expect(byTarget.get('/host')).toMatchObject({ Type: 'bind', Source: dir, RW: false });
    expect(await docker('exec', name, 'cat', '/host/hello')).toBe('from the host');
    expect(await docker('exec', name, 'sh', '-c', 'grep " /scratch " /proc/mounts')).toContain(
      'tmpfs',
    );
  });

  it('joins two networks with aliases and static addresses (the second after create)', async () => {
    const [a, b] = [scope.name('net'), scope.name('net')];
    // Random /24s in 10.x keep this file clear of other tests' networks.
    const octet = () => 10 + ((randomBytes(1)[0] as number) % 240);
    const subnets = [`10.${octet()}.${octet()}`, `10.${octet()}.${octet()}`];
    await docker(
      'network',
      'create',
      '--label',
      scope.label,
      '--subnet',
      `${subnets[0]}.0/24`,
      a as string,
    );
    await docker(
      'network',
      'create',
      '--label',
      scope.label,
      '--subnet',
      `${subnets[1]}.0/24`,
      b as string,
    );
    const name = scope.name('networked');
    const created = await create(
      {
        name,
        cmd: ['sleep', '300'],
        networks: [
          { network: a as string, aliases: ['alpha'], ipv4Address: `${subnets[0]}.50` },
          { network: b as string, aliases: ['beta', 'gamma'], ipv4Address: `${subnets[1]}.60` },
        ],
      },
      true,
    );
    expect(created.hostConfig.networkMode).toBe(a);
    const truth = await inspect(name);
    expect(Object.keys(truth.NetworkSettings.Networks).sort()).toEqual([a, b].sort());
    const onA = truth.NetworkSettings.Networks[a as string];
    const onB = truth.NetworkSettings.Networks[b as string];
    expect(onA?.IPAddress).toBe(`${subnets[0]}.50`);
    expect(onA?.IPAMConfig?.IPv4Address).toBe(`${subnets[0]}.50`);
    expect(onA?.Aliases).toContain('alpha');
    expect(onB?.IPAddress).toBe(`${subnets[1]}.60`);
    expect(onB?.Aliases).toEqual(expect.arrayContaining(['beta', 'gamma']));
  });

  it('names the created container when it cannot start, and leaves it created', async () => {
    const before = await scopeCount();
    const result = await gateway.query(ContainerCreateDocument, {
      input: { image: FIXTURE_IMAGE, cmd: ['/does-not-exist'], labels: [mine] },
      start: true,
    });
    expect(result.data).toBeNull();
    const [error] = result.errors ?? [];
    // 20.10 answers 400 for a missing executable: the engine's code, not a masked one.
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    const id = /\b[0-9a-f]{64}\b/.exec(error?.message ?? '')?.[0];
    expect(id, error?.message).toBeDefined();
    expect(error?.extensions?.createdId).toBe(id);
    expect(error?.message).toMatch(/does-not-exist|executable file not found/);
    const truth = await inspect(id as string);
    expect(truth.State.Status).toBe('created');
    expect(truth.Config.Labels[TEST_LABEL]).toBe(scope.run);
    expect(await scopeCount()).toBe(before + 1);
  });
});

describe('lifecycle', () => {
  it('starts, pauses, unpauses, restarts, kills, stops and removes, as the engine reports', async () => {
    const name = scope.name('life');
    const { dockerId: id } = await create({ name, cmd: ['sleep', '300'], stopSignal: 'SIGKILL' });

    const started = await gateway.data(ContainerStartDocument, { ref: name });
    expect(started.containerStart).toMatchObject({
      changed: true,
      container: { dockerId: id, state: 'RUNNING' },
    });
    expect((await inspect(id)).State.Running).toBe(true);
    const again = await gateway.data(ContainerStartDocument, { ref: id.slice(0, 12) });
    expect(again.containerStart).toMatchObject({ changed: false, container: { state: 'RUNNING' } });

    const paused = await gateway.data(ContainerPauseDocument, { ref: name });
    expect(paused.containerPause).toMatchObject({ changed: true, container: { state: 'PAUSED' } });
    expect((await inspect(id)).State.Paused).toBe(true);
    const pausedTwice = await gateway.query(ContainerPauseDocument, { ref: name });
    expect(codes(pausedTwice)).toEqual(['CONFLICT']);
    const unpaused = await gateway.data(ContainerUnpauseDocument, { ref: name });
    expect(unpaused.containerUnpause.container.state).toBe('RUNNING');
    expect((await inspect(id)).State.Paused).toBe(false);

    const startedAt = (await inspect(id)).State.StartedAt;
    const restarted = await gateway.data(ContainerRestartDocument, { ref: name, timeout: 0 });
    expect(restarted.containerRestart).toMatchObject({
      changed: true,
      container: { state: 'RUNNING' },
    });
    expect((await inspect(id)).State.StartedAt).not.toBe(startedAt);

    const killed = await gateway.data(ContainerKillDocument, { ref: name, signal: 'SIGKILL' });
    expect(killed.containerKill.container).toMatchObject({ state: 'EXITED', exitCode: 137 });
    expect((await inspect(id)).State).toMatchObject({ Status: 'exited', ExitCode: 137 });
    const killStopped = await gateway.query(ContainerKillDocument, { ref: name });
    expect(codes(killStopped)).toEqual(['CONFLICT']);

    const stoppedAlready = await gateway.data(ContainerStopDocument, { ref: name });
    expect(stoppedAlready.containerStop).toMatchObject({
      changed: false,
      container: { state: 'EXITED' },
    });
    await gateway.data(ContainerStartDocument, { ref: name });
    const stopped = await gateway.data(ContainerStopDocument, { ref: name, timeout: 1 });
    expect(stopped.containerStop).toMatchObject({ changed: true, container: { state: 'EXITED' } });
    expect((await inspect(id)).State.Running).toBe(false);

    await gateway.data(ContainerStartDocument, { ref: name });
    const busy = await gateway.query(ContainerRemoveDocument, { ref: name });
    expect(codes(busy)).toEqual(['CONFLICT']);
    expect((await inspect(id)).State.Running).toBe(true);
    const removed = await gateway.data(ContainerRemoveDocument, { ref: name, force: true });
    expect(removed.containerRemove).toEqual({ dockerId: id, removed: true });
    expect(await exists(id)).toBe(false);
  });

  it('treats stopping a never-started container as no change', async () => {
    const { dockerId } = await create({ cmd: ['true'] });
    const result = await gateway.data(ContainerStopDocument, { ref: dockerId });
    expect(result.containerStop).toMatchObject({ changed: false, container: { state: 'CREATED' } });
  });

  it('reads the container afresh after each mutation of one operation', async () => {
    const { dockerId: id } = await create({ cmd: ['sleep', '300'] });
    const result = await gateway.data<{
      a: { container: { state: string } };
      b: { container: { state: string } };
      c: { container: { state: string } };
    }>(`mutation {
      a: containerStart(ref: "${id}") { container { state } }
      b: containerStop(ref: "${id}", timeout: 0) { container { state } }
      c: containerStart(ref: "${id}") { container { state } }
    }`);
    expect([result.a, result.b, result.c].map((r) => r.container.state)).toEqual([
      'RUNNING',
      'EXITED',
      'RUNNING',
    ]);
  });

  it('renames, and refuses a name in use with CONFLICT', async () => {
    const name = scope.name('old');
    const other = scope.name('taken');
    const { dockerId: id } = await create({ name, cmd: ['true'] });
    await create({ name: other, cmd: ['true'] });
    const renamedTo = scope.name('new');
    const renamed = await gateway.data(ContainerRenameDocument, { ref: name, name: renamedTo });
    expect(renamed.containerRename).toMatchObject({
      changed: true,
      container: { dockerId: id, name: renamedTo },
    });
    expect((await inspect(id)).Name).toBe(`/${renamedTo}`);
    const clash = await gateway.query(ContainerRenameDocument, { ref: id, name: other });
    expect(codes(clash)).toEqual(['CONFLICT']);
    expect((await inspect(id)).Name).toBe(`/${renamedTo}`);
  });

  it('updates limits and restart policy', async () => {
    const { dockerId: id } = await create({ cmd: ['sleep', '300'] }, true);
    // The engine's rule: a memory limit above the current swap limit needs a swap limit too.
    const alone = await gateway.query(ContainerUpdateDocument, {
      ref: id,
      input: { memory: 96 * 1024 * 1024 },
    });
    expect(codes(alone)).toEqual(['CONFLICT']);
    expect((await inspect(id)).HostConfig.Memory).toBe(0);
    const updated = await gateway.data(ContainerUpdateDocument, {
      ref: id,
      input: {
        memory: 96 * 1024 * 1024,
        memorySwap: -1,
        nanoCpus: 250_000_000,
        cpuShares: 256,
        pidsLimit: 40,
        restartPolicy: { name: 'UNLESS_STOPPED' },
      },
    });
    expect(updated.containerUpdate).toMatchObject({
      changed: true,
      container: {
        hostConfig: {
          memory: 96 * 1024 * 1024,
          nanoCpus: 250_000_000,
          pidsLimit: 40,
          restartPolicy: { name: 'unless-stopped' },
        },
      },
    });
    const truth = await inspect(id);
    expect(truth.HostConfig).toMatchObject({
      Memory: 96 * 1024 * 1024,
      MemorySwap: -1,
      NanoCpus: 250_000_000,
      CpuShares: 256,
      PidsLimit: 40,
      RestartPolicy: { Name: 'unless-stopped' },
    });
    for (const input of [{}, { memorySwap: -2 }]) {
      const bad = await gateway.query(ContainerUpdateDocument, { ref: id, input });
      expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('containerWait', () => {
  it('answers NEXT_EXIT with the exit code, without a deadline, then NOT_RUNNING at once', async () => {
    // A short engine deadline proves the wait is not bound by it.
    const impatient = await startGateway({ timeoutMs: 1_000 });
    try {
      const { dockerId: id } = await create({ cmd: ['sh', '-c', 'sleep 2.5; exit 7'] }, true);
      const waited = await impatient.data(ContainerWaitDocument, {
        ref: id,
        condition: 'NEXT_EXIT',
      });
      expect(waited.containerWait).toEqual({ exitCode: 7, error: null });
      expect((await inspect(id)).State).toMatchObject({ Status: 'exited', ExitCode: 7 });
      const now = await impatient.data(ContainerWaitDocument, { ref: id });
      expect(now.containerWait).toEqual({ exitCode: 7, error: null });
    } finally {
      await impatient.stop();
    }
  });

  it('answers REMOVED once the container is gone', async () => {
    const { dockerId: id } = await create({ cmd: ['sleep', '300'] }, true);
    const start = gateway.calls.length;
    const waiting = gateway.data(ContainerWaitDocument, { ref: id, condition: 'REMOVED' });
    await eventually('the wait to reach the engine', async () =>
      gateway.calls.slice(start).some((call) => call.path.includes('/wait')) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await docker('rm', '-f', id);
    const waited = await waiting;
    expect(waited.containerWait.exitCode).toBe(137);
  });
});

describe('containersPrune', () => {
  it('removes only stopped containers that match the label filter', async () => {
    const pruneLabel = { key: 'org.wharf.prune', value: scope.run };
    const stopped = [
      (await create({ cmd: ['true'], labels: [pruneLabel] })).dockerId,
      (await create({ cmd: ['true'], labels: [pruneLabel] }, true)).dockerId,
    ];
    const running = (await create({ cmd: ['sleep', '300'], labels: [pruneLabel] }, true)).dockerId;
    const unmarked = (await create({ cmd: ['true'] })).dockerId;
    const outside = await docker(
      'create',
      '--label',
      outsider,
      '--label',
      `org.wharf.prune=${scope.run}`,
      FIXTURE_IMAGE,
      'true',
    );
    await eventually('the started one to exit', async () =>
      (await inspect(stopped[1] as string)).State.Status === 'exited' ? true : undefined,
    );
    const result = await gateway.data(ContainersPruneDocument, {
      filter: { label: [scope.label, `org.wharf.prune=${scope.run}`] },
    });
    expect([...result.containersPrune.containersDeleted].sort()).toEqual([...stopped].sort());
    expect(result.containersPrune.spaceReclaimed).toBeGreaterThanOrEqual(0);
    for (const id of stopped) expect(await exists(id)).toBe(false);
    for (const id of [running, unmarked, outside]) expect(await exists(id)).toBe(true);
  });

  it('refuses a malformed label filter before the engine', async () => {
    const result = await gateway.query(ContainersPruneDocument, { filter: { label: ['=x'] } });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses a malformed until before the engine, like images and networks', async () => {
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(ContainersPruneDocument, { filter: { until: 'garbage' } }),
    );
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(calls).toEqual([]);
  });
});

describe('bad input leaves the engine unchanged', () => {
  const taken = scope.name('taken');
  let ambiguous = '';

  beforeAll(async () => {
    await docker('create', ...scope.labelArgs, '--name', taken, FIXTURE_IMAGE, 'true');
    // Sixteen hex digits: seventeen containers always share a first digit.
    const seen = new Set<string>();
    for (let i = 0; i < 17 && !ambiguous; i++) {
      const id = await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
      if (seen.has(id.slice(0, 1))) ambiguous = id.slice(0, 1);
      seen.add(id.slice(0, 1));
    }
  });

  const createCases: [string, Partial<ContainerCreateInput>, string][] = [
    ['an empty image', { image: '' }, 'BAD_USER_INPUT'],
    ['an unknown image', { image: `wharf-none-${scope.run}:latest` }, 'NOT_FOUND'],
    ['a name with a space', { name: 'a b' }, 'BAD_USER_INPUT'],
    ['a name in use', { name: taken }, 'CONFLICT'],
    ['a control character in the name', { name: 'ab\u0001c' }, 'BAD_USER_INPUT'],
    ['negative memory', { memory: -1 }, 'BAD_USER_INPUT'],
    ['negative nanoCpus', { nanoCpus: -1 }, 'BAD_USER_INPUT'],
    ['negative pidsLimit', { pidsLimit: -5 }, 'BAD_USER_INPUT'],
    ['port 70000', { ports: [{ containerPort: 70000 }] }, 'BAD_USER_INPUT'],
    ['host port 0', { ports: [{ containerPort: 80, hostPort: 0 }] }, 'BAD_USER_INPUT'],
    ['env without =', { env: ['NOEQ'] }, 'BAD_USER_INPUT'],
    [
      'a duplicate label key',
      { labels: [mine, { key: 'k', value: '1' }, { key: 'k', value: '2' }] },
      'BAD_USER_INPUT',
    ],
    ['a 1 MB string', { hostname: 'h'.repeat(1_000_000) }, 'BAD_USER_INPUT'],
    ['a NUL in cmd', { cmd: ['echo', 'a\u0000b'] }, 'BAD_USER_INPUT'],
    ['a relative mount target', { mounts: [{ type: 'TMPFS', target: 'tmp' }] }, 'BAD_USER_INPUT'],
    [
      'a bad static address',
      { networks: [{ network: 'bridge', ipv4Address: '10.0.0.300' }] },
      'BAD_USER_INPUT',
    ],
    [
      'retries with ALWAYS',
      { restartPolicy: { name: 'ALWAYS', maximumRetryCount: 2 } },
      'BAD_USER_INPUT',
    ],
    [
      'an unknown second network',
      { networks: [{ network: 'bridge' }, { network: `wharf-none-${scope.run}` }] },
      'NOT_FOUND',
    ],
    ['a health check without kind', { healthcheck: { test: ['echo'] } }, 'BAD_USER_INPUT'],
  ];

  for (const [what, input, code] of createCases) {
    it(`answers ${code} for ${what}`, async () => {
      const before = await scopeCount();
      const result = await gateway.query(ContainerCreateDocument, {
        input: { image: FIXTURE_IMAGE, cmd: ['true'], labels: [mine], ...input },
        start: true,
      });
      expect(codes(result), JSON.stringify(result.errors)).toEqual([code]);
      expect(await scopeCount()).toBe(before);
    });
  }

  it('answers NOT_FOUND for an unknown ref and AMBIGUOUS_REF for a shared prefix', async () => {
    const before = await scopeCount();
    const unknown = await gateway.query(ContainerStartDocument, { ref: `${scope.run}-none` });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const unknownRemove = await gateway.query(ContainerRemoveDocument, {
      ref: `${scope.run}-none`,
      force: true,
    });
    expect(codes(unknownRemove)).toEqual(['NOT_FOUND']);
    expect(ambiguous).not.toBe('');
    const result = await gateway.query(ContainerStartDocument, { ref: ambiguous });
    expect(codes(result)).toEqual(['AMBIGUOUS_REF']);
    const states = await docker(
      'ps',
      '-a',
      '--filter',
      `label=${scope.label}`,
      '--filter',
      'status=running',
      '-q',
    );
    expect(await scopeCount()).toBe(before);
    expect(states).toBe(
      await docker(
        'ps',
        '-a',
        '--filter',
        `label=${scope.label}`,
        '--filter',
        'status=running',
        '-q',
      ),
    );
  });

  it('answers BAD_USER_INPUT for a bad signal, a negative timeout and a bad new name', async () => {
    const before = await scopeCount();
    for (const result of [
      await gateway.query(ContainerKillDocument, { ref: taken, signal: 'SIG KILL' }),
      await gateway.query(ContainerStopDocument, { ref: taken, timeout: -1 }),
      await gateway.query(ContainerRenameDocument, { ref: taken, name: '-bad' }),
    ]) {
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    }
    expect((await inspect(taken)).Name).toBe(`/${taken}`);
    expect(await scopeCount()).toBe(before);
  });
});

describe('a client that goes away', () => {
  it('takes its containerWait engine call with it', async () => {
    const name = scope.name('waited');
    await docker('run', '-d', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    const open = gateway.engine.openStreams;
    const abort = new AbortController();
    const request = fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { containerWait(ref: "${name}") { exitCode } }` }),
      signal: abort.signal,
    }).catch(() => undefined);
    await eventually('the wait to reach the engine', async () =>
      gateway.engine.openStreams > open ? true : undefined,
    );
    abort.abort();
    await request;
    await eventually(
      'the engine wait to close',
      async () => (gateway.engine.openStreams === open ? true : undefined),
      1_000,
    );
    expect((await inspect(name)).State.Running).toBe(true);
  });
});
