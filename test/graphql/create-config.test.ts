import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import type { ContainerInspect } from '../../src/engine/types.ts';
import { docker, dockerJson, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * The whole create config (#11): the `docker run` options beyond the basics, checked against
 * `docker inspect`, read back on Container.hostConfig, refused by shape or policy before the
 * engine hears of them; and containerClone, compared inspect to inspect.
 */

const scope = testScope('create-config');
const operator: Principal = { kind: 'token', name: 'ci', role: 'operator', labels: [] };
const LABELS = [{ key: 'org.wharf.test', value: scope.run }];
const MIB = 1024 * 1024;

const CREATE = `mutation ($input: ContainerCreateInput!, $start: Boolean) {
  containerCreate(input: $input, start: $start) { dockerId }
}`;
const CLONE = `mutation ($ref: String!, $overrides: ContainerCloneOverrides, $start: Boolean) {
  containerClone(ref: $ref, overrides: $overrides, start: $start) {
    container { dockerId name state }
    warnings
  }
}`;

let admin: TestGateway;
let gateway: TestGateway;
let network: string;
let volume: string;
const bindDir = mkdtempSync(join(tmpdir(), 'wharf-clone-'));

beforeAll(async () => {
  [admin, gateway] = await Promise.all([startGateway(), startGateway({ principal: operator })]);
  network = scope.name('net');
  volume = scope.name('vol');
  await docker('network', 'create', ...scope.labelArgs, network);
  await docker('volume', 'create', ...scope.labelArgs, volume);
});

afterAll(async () => {
  await Promise.all([admin?.stop(), gateway?.stop()]);
  await scope.cleanup();
  rmSync(bindDir, { recursive: true, force: true });
});

async function inspect(ref: string): Promise<ContainerInspect> {
  const [found] = await dockerJson<ContainerInspect[]>('inspect', ref);
  if (!found) throw new Error(`no container ${ref}`);
  return found;
}

async function create(on: TestGateway, input: Record<string, unknown>, start = false) {
  const result = await on.query<{ containerCreate: { dockerId: string } }>(CREATE, {
    input: { image: FIXTURE_IMAGE, labels: LABELS, ...input },
    start,
  });
  expect(result.errors).toBeUndefined();
  return result.data?.containerCreate.dockerId as string;
}

const FULL = {
  cmd: ['sh', '-c', 'sleep 300'],
  hostname: 'web',
  domainname: 'example.org',
  workingDir: '/tmp',
  user: '1000:1000',
  readonlyRootfs: true,
  extraHosts: ['db:10.1.2.3', 'gw:host-gateway'],
  dns: ['10.0.0.53'],
  dnsSearch: ['example.org'],
  dnsOptions: ['ndots:2'],
  logConfig: { driver: 'json-file', options: [{ key: 'max-size', value: '10m' }] },
  ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
  shmSize: 128 * MIB,
  init: true,
  stopSignal: 'SIGINT',
  stopTimeout: 7,
  tmpfs: [{ target: '/scratch', options: 'size=64m,mode=1777' }],
  cpusetCpus: '0',
  cpuShares: 512,
  cpuPeriod: 50_000,
  cpuQuota: 25_000,
  memory: 256 * MIB,
  memoryReservation: 128 * MIB,
  memorySwap: 512 * MIB,
  groupAdd: ['1234'],
  sysctls: [{ key: 'net.ipv4.ip_forward', value: '1' }],
};

describe('containerCreate with the whole config (admin, real engine)', () => {
  let id: string;

  beforeAll(async () => {
    id = await create(admin, FULL, true);
  });

  it('gives the engine every field, as docker inspect shows', async () => {
    const { Config: config, HostConfig: host, State: state } = await inspect(id);
    expect(state.Running).toBe(true);
    expect(config).toMatchObject({
      Hostname: 'web',
      Domainname: 'example.org',
      WorkingDir: '/tmp',
      User: '1000:1000',
      StopSignal: 'SIGINT',
      StopTimeout: 7,
    });
    expect(host).toMatchObject({
      ReadonlyRootfs: true,
      ExtraHosts: ['db:10.1.2.3', 'gw:host-gateway'],
      Dns: ['10.0.0.53'],
      DnsSearch: ['example.org'],
      DnsOptions: ['ndots:2'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      ShmSize: 128 * MIB,
      Init: true,
      Tmpfs: { '/scratch': 'size=64m,mode=1777' },
      CpusetCpus: '0',
      CpuShares: 512,
      CpuPeriod: 50_000,
      CpuQuota: 25_000,
      Memory: 256 * MIB,
      MemoryReservation: 128 * MIB,
      MemorySwap: 512 * MIB,
      GroupAdd: ['1234'],
      Sysctls: { 'net.ipv4.ip_forward': '1' },
    });
    // What the container sees: the root is read-only, the tmpfs and /etc/hosts are there.
    const seen = await docker(
      'exec',
      id,
      'sh',
      '-c',
      'touch /x 2>/dev/null && echo rw || echo ro; grep -c db /etc/hosts; mount | grep -c " /scratch "',
    );
    expect(seen.split('\n')).toEqual(['ro', '1', '1']);
  });

  it('reads the same back on Container.hostConfig and config', async () => {
    const result = await admin.data<{
      container: { config: Record<string, unknown>; hostConfig: Record<string, unknown> };
    }>(
      `query ($ref: String!) { container(ref: $ref) {
        config { hostname domainname workingDir user stopSignal stopTimeout }
        hostConfig {
          readonlyRootfs extraHosts dns dnsSearch dnsOptions
          logConfig { driver options { key value } }
          ulimits { name soft hard } shmSize init tmpfs { target options }
          cpusetCpus cpuShares cpuPeriod cpuQuota memory memoryReservation memorySwap oomKillDisable
          groupAdd sysctls { key value } deviceRequests { driver }
          capAdd capDrop securityOpt pidMode privileged
        }
      } }`,
      { ref: id },
    );
    expect(result.container.config).toEqual({
      hostname: 'web',
      domainname: 'example.org',
      workingDir: '/tmp',
      user: '1000:1000',
      stopSignal: 'SIGINT',
      stopTimeout: 7,
    });
    expect(result.container.hostConfig).toEqual({
      readonlyRootfs: true,
      extraHosts: ['db:10.1.2.3', 'gw:host-gateway'],
      dns: ['10.0.0.53'],
      dnsSearch: ['example.org'],
      dnsOptions: ['ndots:2'],
      logConfig: { driver: 'json-file', options: [{ key: 'max-size', value: '10m' }] },
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      shmSize: 128 * MIB,
      init: true,
      tmpfs: [{ target: '/scratch', options: 'size=64m,mode=1777' }],
      cpusetCpus: '0',
      cpuShares: 512,
      cpuPeriod: 50_000,
      cpuQuota: 25_000,
      memory: 256 * MIB,
      memoryReservation: 128 * MIB,
      memorySwap: 512 * MIB,
      oomKillDisable: false,
      groupAdd: ['1234'],
      sysctls: [{ key: 'net.ipv4.ip_forward', value: '1' }],
      deviceRequests: [],
      capAdd: [],
      capDrop: [],
      securityOpt: [],
      pidMode: '',
      privileged: false,
    });
  });

  it('passes a GPU request (admin) to the engine as --gpus would', async () => {
    const gpu = await create(admin, {
      deviceRequests: [{ driver: 'nvidia', count: 2, capabilities: ['gpu', 'utility'] }],
    });
    expect((await inspect(gpu)).HostConfig.DeviceRequests).toEqual([
      {
        Driver: 'nvidia',
        Count: 2,
        DeviceIDs: [],
        Capabilities: [['gpu', 'utility']],
        Options: {},
      },
    ]);
  });

  it('shows log options below admin with secret-looking values hidden', async () => {
    // Never started: splunk would only connect at start.
    const splunk = await create(admin, {
      logConfig: {
        driver: 'splunk',
        options: [
          { key: 'splunk-token', value: 'sekret-hec-token' },
          { key: 'splunk-url', value: 'https://127.0.0.1:1' },
        ],
      },
    });
    const read = (on: TestGateway) =>
      on.data<{ container: { hostConfig: { logConfig: unknown } } }>(
        `query ($ref: String!) { container(ref: $ref) {
          hostConfig { logConfig { driver options { key value } } }
        } }`,
        { ref: splunk },
      );
    const options = (token: string) => ({
      driver: 'splunk',
      options: [
        { key: 'splunk-token', value: token },
        { key: 'splunk-url', value: 'https://127.0.0.1:1' },
      ],
    });
    expect((await read(gateway)).container.hostConfig.logConfig).toEqual(options('***'));
    expect((await read(admin)).container.hostConfig.logConfig).toEqual(options('sekret-hec-token'));
  });

  it('lets an operator have the local log drivers and net.* sysctls', async () => {
    const local = await create(gateway, {
      logConfig: { driver: 'local', options: [{ key: 'max-size', value: '1m' }] },
      sysctls: [{ key: 'net.core.somaxconn', value: '1024' }],
    });
    expect((await inspect(local)).HostConfig.LogConfig).toEqual({
      Type: 'local',
      Config: { 'max-size': '1m' },
    });
  });
});

async function containersNow() {
  return docker('ps', '-aq', '--filter', `label=org.wharf.test=${scope.run}`);
}

/** The request fails with `code` (and `rule`), the engine was not called, nothing was created. */
async function refused(input: Record<string, unknown>, extensions: Record<string, string>) {
  const before = await containersNow();
  const { result, calls } = await gateway.countCalls(() =>
    gateway.query(CREATE, { input: { image: FIXTURE_IMAGE, labels: LABELS, ...input } }),
  );
  expect(result.errors?.[0]?.extensions).toEqual(extensions);
  expect(calls).toEqual([]);
  expect(await containersNow()).toBe(before);
  return result.errors?.[0]?.message;
}

describe('refusals before any engine call (operator)', () => {
  it.each([
    ['extraHosts without an ip', { extraHosts: ['db'] }, 'extraHosts entry "db" is not host:ip'],
    ['extraHosts with a bad ip', { extraHosts: ['db:999.1.1.1'] }, 'is not host:ip'],
    ['extraHosts with a bad name', { extraHosts: ['-db:10.0.0.1'] }, 'is not host:ip'],
    ['dns not an address', { dns: ['dns.example'] }, 'is not an IP address'],
    ['dnsSearch with a space', { dnsSearch: ['a b'] }, 'is not a domain name'],
    ['dnsOptions with a newline', { dnsOptions: ['ndots:2\nnameserver 1.1.1.1'] }, 'control'],
    ['a relative tmpfs target', { tmpfs: [{ target: 'scratch' }] }, 'must be an absolute path'],
    [
      'a tmpfs size that is no size',
      { tmpfs: [{ target: '/s', options: 'size=big' }] },
      'size=big',
    ],
    [
      'a tmpfs option the kernel does not take',
      { tmpfs: [{ target: '/s', options: 'size=1m,x-evil' }] },
      'is not a tmpfs option',
    ],
    ['a tmpfs target twice', { tmpfs: [{ target: '/s' }, { target: '/s' }] }, 'is given twice'],
    ['an unknown ulimit', { ulimits: [{ name: 'fds', soft: 1, hard: 1 }] }, 'ulimit "fds"'],
    [
      'a ulimit soft above hard',
      { ulimits: [{ name: 'nofile', soft: 4096, hard: 1024 }] },
      'soft 4096 is above hard 1024',
    ],
    ['a log driver that is no name', { logConfig: { driver: 'a b' } }, 'is not a driver name'],
    ['a cpuset that is no list', { cpusetCpus: 'all' }, 'is not a CPU list'],
    ['a cpuPeriod below 1 ms', { cpuPeriod: 999 }, 'cpuPeriod must be an integer of at least 1000'],
    ['a cpuPeriod above 1 s', { cpuPeriod: 1_000_001 }, 'cpuPeriod must be at most 1000000'],
    ['a cpuQuota below 1 ms', { cpuQuota: 10 }, 'cpuQuota must be an integer of at least 1000'],
    ['a sysctl that is no name', { sysctls: [{ key: 'ip_forward', value: '1' }] }, 'sysctl'],
    ['memorySwap below -1', { memorySwap: -2 }, 'memorySwap must be an integer of at least -1'],
    ['shmSize 0', { shmSize: 0 }, 'shmSize must be an integer of at least 1'],
    [
      'a device request with count and ids',
      { deviceRequests: [{ count: 1, deviceIds: ['0'] }] },
      'count or deviceIds, not both',
    ],
    ['a domainname with a slash', { domainname: 'a/b' }, 'is not a domain name'],
    ['a group with a colon', { groupAdd: ['a:b'] }, 'is not a group name or gid'],
  ])('%s: BAD_USER_INPUT', async (_name, input, message) => {
    expect(await refused(input, { code: 'BAD_USER_INPUT' })).toContain(message);
  });

  it.each([
    ['log driver syslog', { logConfig: { driver: 'syslog' } }, 'create.log-driver'],
    [
      'log driver gelf with an address',
      {
        logConfig: {
          driver: 'gelf',
          options: [{ key: 'gelf-address', value: 'udp://203.0.113.1:12201' }],
        },
      },
      'create.log-driver',
    ],
    [
      'a GPU request',
      { deviceRequests: [{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }] },
      'create.device-requests',
    ],
    ['oomKillDisable', { oomKillDisable: true }, 'create.oom-kill-disable'],
    ['a kernel.* sysctl', { sysctls: [{ key: 'kernel.shmmax', value: '1' }] }, 'create.sysctls'],
  ])('%s: FORBIDDEN with its rule', async (_name, input, rule) => {
    expect(await refused(input, { code: 'FORBIDDEN', rule })).toContain(`(rule ${rule})`);
  });
});

/** HostConfig and Config as a clone must repeat them: what identifies the container left out. */
function comparable(container: ContainerInspect) {
  const drop = (object: object, keys: string[]) =>
    Object.fromEntries(
      Object.entries(object).filter(
        ([key, value]) =>
          !keys.includes(key) &&
          value !== null &&
          value !== '' &&
          !(Array.isArray(value) && value.length === 0),
      ),
    );
  const own = container.Id.slice(0, 12);
  return {
    // The CLI attaches stdout/stderr on create; the API's create does not (no difference in run).
    config: drop(container.Config, ['AttachStdout', 'AttachStderr', 'AttachStdin']),
    // Binds and Mounts are two spellings of the same mounts, compared as mount points below.
    host: drop(container.HostConfig, ['Binds', 'Mounts', 'ConsoleSize']),
    mounts: container.Mounts.map((mount) => ({
      type: mount.Type,
      destination: mount.Destination,
      rw: mount.RW,
      // Anonymous volumes are new ones: only a named volume or a bind source must be the same.
      source:
        mount.Type === 'bind'
          ? mount.Source
          : /^[0-9a-f]{64}$/.test(mount.Name ?? '')
            ? 'anonymous'
            : mount.Name,
    })).sort((a, b) => (a.destination < b.destination ? -1 : 1)),
    networks: Object.fromEntries(
      Object.entries(container.NetworkSettings.Networks ?? {}).map(([name, endpoint]) => [
        name,
        (endpoint.Aliases ?? []).filter((alias) => alias !== own).sort(),
      ]),
    ),
  };
}

describe('containerClone', () => {
  let source: string;

  beforeAll(async () => {
    source = scope.name('source');
    await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      source,
      '-e',
      'A=1',
      '-e',
      'B=two',
      '-p',
      '80',
      '-p',
      '127.0.0.1::81/udp',
      '-v',
      `${volume}:/data:ro`,
      '--mount',
      'type=volume,dst=/anon',
      '--mount',
      `type=bind,src=${bindDir},dst=/host`,
      '--restart',
      'on-failure:3',
      '--network',
      network,
      '--network-alias',
      'alias1',
      '--memory',
      '64m',
      '--cpu-period',
      '50000',
      '--cpu-quota',
      '25000',
      '--cap-drop',
      'NET_RAW',
      '--tmpfs',
      '/run:size=16m',
      '--ulimit',
      'nofile=512:1024',
      '--dns',
      '10.0.0.53',
      '--add-host',
      'a:10.0.0.9',
      '--log-opt',
      'max-size=1m',
      '--init',
      '--stop-signal',
      'SIGINT',
      '--stop-timeout',
      '5',
      '--hostname',
      'h1',
      '--workdir',
      '/tmp',
      '--user',
      '1000',
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'sleep 300',
    );
  });

  it('re-creates the container as docker inspect shows it (identity aside), not started', async () => {
    const result = await admin.query<{
      containerClone: {
        container: { dockerId: string; name: string; state: string };
        warnings: string[];
      };
    }>(CLONE, { ref: source, overrides: { name: scope.name('clone') } });
    expect(result.errors).toBeUndefined();
    const clone = result.data?.containerClone;
    expect(clone?.container.state).toBe('CREATED');
    expect(clone?.warnings).toEqual([
      'the anonymous volume at /anon is a new, empty one in the clone',
    ]);
    const [original, copy] = await Promise.all([
      inspect(source),
      inspect(clone?.container.dockerId as string),
    ]);
    expect(copy.Name).toBe(`/${clone?.container.name}`);
    expect(comparable(copy)).toEqual(comparable(original));
    expect(comparable(copy).networks).toEqual({ [network]: ['alias1'] });
  });

  it('applies overrides (whole values) and starts with start: true', async () => {
    const name = scope.name('override');
    const result = await admin.query<{
      containerClone: { container: { dockerId: string; state: string } };
    }>(CLONE, {
      ref: source,
      overrides: {
        name,
        env: ['A=2'],
        labels: [...LABELS, { key: 'extra', value: 'yes' }],
        ports: [{ containerPort: 9090 }],
        memory: 32 * MIB,
      },
      start: true,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.containerClone.container.state).toBe('RUNNING');
    const copy = await inspect(name);
    expect(copy.Config.Env).toContain('A=2');
    expect(copy.Config.Env?.some((entry) => entry.startsWith('B='))).toBe(false);
    // The image's label comes back with the engine's merge, as on any create.
    expect(copy.Config.Labels).toEqual({
      'org.wharf.fixture': 'true',
      'org.wharf.test': scope.run,
      extra: 'yes',
    });
    expect(Object.keys(copy.HostConfig.PortBindings ?? {})).toEqual(['9090/tcp']);
    expect(copy.HostConfig.Memory).toBe(32 * MIB);
    // The rest is the source's.
    expect(copy.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(copy.Config.Hostname).toBe('h1');
    expect(Object.keys(copy.NetworkSettings.Networks ?? {})).toEqual([network]);
  });

  it('refuses an operator the clone of a privileged container: the policy sees the result', async () => {
    const privileged = scope.name('privileged');
    await docker('create', ...scope.labelArgs, '--name', privileged, '--privileged', FIXTURE_IMAGE);
    const name = scope.name('refused');
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(CLONE, { ref: privileged, overrides: { name } }),
    );
    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'create.privileged',
    });
    // Only the source was read.
    expect(calls.map((call) => call.method)).toEqual(calls.map(() => 'GET'));
    expect(await docker('ps', '-aq', '--filter', `name=${name}`)).toBe('');
  });

  it('lets the operator clone an unprivileged one, with the same policy as a create', async () => {
    const name = scope.name('op-clone');
    const result = await gateway.query(CLONE, { ref: source, overrides: { name, mounts: [] } });
    expect(result.errors).toBeUndefined();
    expect((await inspect(name)).HostConfig.Mounts ?? []).toEqual([]);
    // The bind of the source is outside the (empty) WHARF_BIND_ALLOW.
    const bound = await gateway.query(CLONE, { ref: source, overrides: { name: scope.name('x') } });
    expect(bound.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', rule: 'create.bind' });
  });

  it('answers NOT_FOUND for a missing source', async () => {
    const result = await admin.query(CLONE, { ref: `${scope.run}-nothing` });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
