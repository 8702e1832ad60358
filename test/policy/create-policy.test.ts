import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL, type Principal } from '../../src/auth/principal.ts';
import type { ContainerCreateBody } from '../../src/engine/containers.ts';
import { ForbiddenError } from '../../src/engine/errors.ts';
import {
  checkContainerCreate,
  checkExecUser,
  checkNetworkConnect,
  checkRegistry,
  checkVolumeCreate,
} from '../../src/model/policy/create-policy.ts';
import { DEFAULT_POLICY, type PolicyConfig } from '../../src/model/policy/policy-config.ts';
import { rejection, thrown } from '../helpers/errors.ts';

const operator: Principal = { kind: 'token', name: 'ci', role: 'operator', labels: [] };
const admin: Principal = { kind: 'token', name: 'root', role: 'admin', labels: [] };

// A real directory tree: the policy resolves `..` and symlinks on the file system.
const root = mkdtempSync(join(tmpdir(), 'wharf-policy-'));
const allowed = join(root, 'allowed');
mkdirSync(join(allowed, 'data'), { recursive: true });
symlinkSync('/etc', join(allowed, 'escape'));
symlinkSync(join(allowed, 'data'), join(root, 'inward'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const policy: PolicyConfig = { ...DEFAULT_POLICY, bindAllow: [allowed], denyRootUser: true };

function body(hostConfig: ContainerCreateBody['HostConfig'], user?: string): ContainerCreateBody {
  return { Image: 'busybox', HostConfig: hostConfig, ...(user !== undefined && { User: user }) };
}

function bind(source: string): ContainerCreateBody['HostConfig'] {
  return { Mounts: [{ Type: 'bind', Source: source, Target: '/m', ReadOnly: false }] };
}

/** The rule a refusal names, or 'allowed'. */
async function verdict(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'allowed';
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    const forbidden = error as ForbiddenError;
    expect(forbidden.extensions).toEqual({ code: 'FORBIDDEN', rule: forbidden.rule });
    expect(forbidden.message).toContain(forbidden.rule);
    return forbidden.rule;
  }
}

const create =
  (b: ContainerCreateBody, networks: string[] = []) =>
  () =>
    checkContainerCreate(operator, policy, { body: b, networks }, 'wharf-host');

describe('containerCreate for a non-admin', () => {
  it.each([
    ['a plain container', body({}), 'allowed'],
    ['privileged', body({ Privileged: true }), 'create.privileged'],
    ['privileged: false', body({ Privileged: false }), 'allowed'],
    ['capAdd sys_admin', body({ CapAdd: ['sys_admin'] }), 'create.cap-add'],
    ['capAdd ALL', body({ CapAdd: ['ALL'] }), 'create.cap-add'],
    ['capAdd empty', body({ CapAdd: [] }), 'allowed'],
    ['capDrop', body({ CapDrop: ['ALL'] }), 'allowed'],
    [
      'devices',
      body({
        Devices: [
          { PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' },
        ],
      }),
      'create.devices',
    ],
    ['networkMode host', body({ NetworkMode: 'host' }), 'create.network-mode'],
    ['networkMode HOST', body({ NetworkMode: 'HOST' }), 'create.network-mode'],
    ['networkMode container:', body({ NetworkMode: 'container:abc' }), 'create.network-mode'],
    ['networkMode bridge', body({ NetworkMode: 'bridge' }), 'allowed'],
    ['pidMode host', body({ PidMode: 'host' }), 'create.pid-mode'],
    ['pidMode container:', body({ PidMode: 'container:abc' }), 'create.pid-mode'],
    ['ipcMode host', body({ IpcMode: 'host' }), 'create.ipc-mode'],
    ['ipcMode container:', body({ IpcMode: 'container:abc' }), 'create.ipc-mode'],
    ['ipcMode private', body({ IpcMode: 'private' }), 'allowed'],
    ['seccomp=unconfined', body({ SecurityOpt: ['seccomp=unconfined'] }), 'create.security-opt'],
    ['apparmor=unconfined', body({ SecurityOpt: ['apparmor=unconfined'] }), 'create.security-opt'],
    ['label=disable', body({ SecurityOpt: ['label=disable'] }), 'create.security-opt'],
    ['label:disable', body({ SecurityOpt: ['label:disable'] }), 'create.security-opt'],
    [
      'a seccomp profile',
      body({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] }),
      'create.security-opt',
    ],
    ['label=type:spc_t', body({ SecurityOpt: ['label=type:spc_t'] }), 'create.security-opt'],
    [
      'no-new-privileges',
      body({ SecurityOpt: ['no-new-privileges', 'no-new-privileges:true'] }),
      'allowed',
    ],
    ['user root', body({}, 'root'), 'create.user-root'],
    ['user 0:0', body({}, '0:0'), 'create.user-root'],
    ['user 1000', body({}, '1000:1000'), 'allowed'],
    ['user rootless', body({}, 'rootless'), 'allowed'],
    ['log driver json-file', body({ LogConfig: { Type: 'json-file', Config: {} } }), 'allowed'],
    ['log driver local', body({ LogConfig: { Type: 'local', Config: {} } }), 'allowed'],
    ['log driver none', body({ LogConfig: { Type: 'none', Config: {} } }), 'allowed'],
    ["the engine's default log driver", body({ LogConfig: { Type: '', Config: {} } }), 'allowed'],
    [
      'log driver syslog',
      body({ LogConfig: { Type: 'syslog', Config: { 'syslog-address': 'udp://1.2.3.4:514' } } }),
      'create.log-driver',
    ],
    ['log driver gelf', body({ LogConfig: { Type: 'gelf', Config: {} } }), 'create.log-driver'],
    [
      'a GPU request',
      body({
        DeviceRequests: [
          { Driver: 'nvidia', Count: -1, DeviceIDs: [], Capabilities: [['gpu']], Options: {} },
        ],
      }),
      'create.device-requests',
    ],
    ['deviceRequests empty', body({ DeviceRequests: [] }), 'allowed'],
    ['oomKillDisable', body({ OomKillDisable: true }), 'create.oom-kill-disable'],
    ['oomKillDisable: false', body({ OomKillDisable: false }), 'allowed'],
    ['sysctl net.*', body({ Sysctls: { 'net.ipv4.ip_forward': '1' } }), 'allowed'],
    ['sysctl kernel.shmmax', body({ Sysctls: { 'kernel.shmmax': '1' } }), 'create.sysctls'],
    [
      'sysctls net.* and fs.mqueue',
      body({ Sysctls: { 'net.core.somaxconn': '1024', 'fs.mqueue.msg_max': '20' } }),
      'create.sysctls',
    ],
    [
      'the host-safe rest',
      body({
        ReadonlyRootfs: true,
        ExtraHosts: ['db:10.0.0.2'],
        Dns: ['10.0.0.53'],
        DnsSearch: ['example.org'],
        DnsOptions: ['ndots:2'],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
        ShmSize: 1 << 26,
        Init: true,
        Tmpfs: { '/run': 'size=64m' },
        CpusetCpus: '0',
        CpusetMems: '0',
        MemoryReservation: 1 << 26,
        MemorySwap: -1,
        GroupAdd: ['audio'],
      }),
      'allowed',
    ],
  ])('%s', async (_name, input, rule) => {
    expect(await verdict(create(input))).toBe(rule);
  });

  it.each([
    ['/', 'create.bind-docker-socket'],
    ['/var/run/docker.sock', 'create.bind-docker-socket'],
    ['/run/docker.sock', 'create.bind-docker-socket'],
    ['/var/run', 'create.bind-docker-socket'],
    ['/run', 'create.bind-docker-socket'],
    ['/etc', 'create.bind'],
    ['/home', 'create.bind'],
    [`${allowed}/../../etc`, 'create.bind'],
    [`${allowed}/../allowed2`, 'create.bind'],
    [`${allowed}2`, 'create.bind'],
    [`${allowed}/escape`, 'create.bind'],
    [`${allowed}/escape/passwd`, 'create.bind'],
    [allowed, 'allowed'],
    [`${allowed}/data`, 'allowed'],
    [`${allowed}/not/yet/there`, 'allowed'],
    [`${allowed}/data/../data`, 'allowed'],
    // A link from outside into the allowed directory is the directory it names.
    [join(root, 'inward'), 'allowed'],
  ])('BIND of %s', async (source, rule) => {
    expect(await verdict(create(body(bind(source))))).toBe(rule);
  });

  it('refuses the socket even under an allowed prefix, and DOCKER_HOST names another socket', async () => {
    const open = {
      ...policy,
      bindAllow: ['/'],
      dockerSockets: [...policy.dockerSockets, `${allowed}/data/engine.sock`],
    };
    const check = (source: string) => () =>
      checkContainerCreate(
        operator,
        open,
        { body: body(bind(source)), networks: [] },
        'wharf-host',
      );
    expect(await verdict(check('/var/run/docker.sock'))).toBe('create.bind-docker-socket');
    expect(await verdict(check(`${allowed}/data`))).toBe('create.bind-docker-socket');
    expect(await verdict(check('/etc'))).toBe('allowed');
  });

  it('with no WHARF_BIND_ALLOW, refuses every bind and allows volumes and tmpfs', async () => {
    const none = (hostConfig: ContainerCreateBody['HostConfig']) => () =>
      checkContainerCreate(
        operator,
        DEFAULT_POLICY,
        { body: body(hostConfig), networks: [] },
        'wharf-host',
      );
    expect(await verdict(none(bind(allowed)))).toBe('create.bind');
    const mounts: ContainerCreateBody['HostConfig']['Mounts'] = [
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false },
      { Type: 'tmpfs', Target: '/tmp', ReadOnly: false },
    ];
    expect(await verdict(none({ Mounts: mounts }))).toBe('allowed');
  });

  it('refuses every bind, even an allowed one, on a host Wharf cannot see; volumes and tmpfs stay', async () => {
    const on =
      (where: 'other-host' | 'swarm-nodes', hostConfig: ContainerCreateBody['HostConfig']) => () =>
        checkContainerCreate(operator, policy, { body: body(hostConfig), networks: [] }, where);
    expect(await verdict(on('other-host', bind(`${allowed}/data`)))).toBe('create.bind-remote');
    expect(await verdict(on('swarm-nodes', bind(`${allowed}/data`)))).toBe('create.bind-service');
    const mounts: ContainerCreateBody['HostConfig']['Mounts'] = [
      { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false },
      { Type: 'tmpfs', Target: '/tmp', ReadOnly: false },
    ];
    expect(await verdict(on('other-host', { Mounts: mounts }))).toBe('allowed');
    expect(await verdict(on('swarm-nodes', { Mounts: mounts }))).toBe('allowed');
    // The same bind on Wharf's own host: inside WHARF_BIND_ALLOW.
    expect(await verdict(create(body(bind(`${allowed}/data`))))).toBe('allowed');
  });

  it('allows user root without WHARF_DENY_ROOT_USER', async () => {
    const check = () =>
      checkContainerCreate(
        operator,
        DEFAULT_POLICY,
        { body: body({}, 'root'), networks: [] },
        'wharf-host',
      );
    expect(await verdict(check)).toBe('allowed');
  });

  it('refuses the host network among the networks joined', async () => {
    expect(await verdict(create(body({}), ['backend', 'host']))).toBe('create.network-mode');
    expect(await verdict(create(body({}), ['backend']))).toBe('allowed');
  });

  it('refuses a field no rule classifies (default deny)', async () => {
    const unknown = { ...body({}), HostConfig: { CgroupParent: '/' } } as never;
    expect(await verdict(create(unknown))).toBe('create.unknown-field');
  });

  it('lets admin (local and token) create anything', async () => {
    const everything = body(
      {
        Privileged: true,
        ...bind('/'),
        NetworkMode: 'host',
        OomKillDisable: true,
        Sysctls: { 'kernel.shmmax': '1' },
        LogConfig: { Type: 'syslog', Config: {} },
      },
      'root',
    );
    for (const principal of [LOCAL_PRINCIPAL, admin]) {
      for (const where of ['wharf-host', 'other-host', 'swarm-nodes'] as const) {
        await checkContainerCreate(
          principal,
          policy,
          { body: everything, networks: ['host'] },
          where,
        );
      }
    }
  });
});

describe('volumeCreate for a non-admin', () => {
  const volume = (Driver: string, DriverOpts: Record<string, string>) => () =>
    checkVolumeCreate(operator, { Driver, DriverOpts });

  it.each([
    ['no options', 'local', {}, 'allowed'],
    ['o=bind, device=/', 'local', { type: 'none', o: 'bind', device: '/' }, 'volume.bind'],
    ['o=rbind', 'local', { type: 'none', o: 'ro,rbind' }, 'volume.bind'],
    ['type=bind', 'local', { type: 'bind' }, 'volume.bind'],
    ['upper-case keys', 'local', { TYPE: 'none', O: 'BIND', DEVICE: '/etc' }, 'volume.bind'],
    [
      'an nfs device',
      'local',
      { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' },
      'volume.bind',
    ],
    ['a block device', 'local', { type: 'ext4', device: '/dev/sda1' }, 'volume.bind'],
    ['tmpfs', 'local', { type: 'tmpfs', device: 'tmpfs', o: 'size=100m' }, 'allowed'],
    ['another driver', 'other', { device: '/' }, 'allowed'],
  ])('%s', async (_name, driver, options, rule) => {
    expect(await verdict(volume(driver, options))).toBe(rule);
  });

  it('lets admin bind', () => {
    checkVolumeCreate(admin, { Driver: 'local', DriverOpts: { o: 'bind', device: '/' } });
  });
});

describe('networkConnect, exec and pull for a non-admin', () => {
  it.each([
    [{ Name: 'host' }, 'network.host'],
    [{ Name: 'x', Driver: 'host' }, 'network.host'],
    [{ Name: 'backend', Driver: 'bridge' }, 'allowed'],
  ])('network %o', async (network, rule) => {
    expect(await verdict(() => checkNetworkConnect(operator, network))).toBe(rule);
    checkNetworkConnect(admin, network);
  });

  it.each([
    ['root', 'exec.user-root'],
    ['0', 'exec.user-root'],
    ['root:wheel', 'exec.user-root'],
    ['', 'exec.user-root'],
    ['1000', 'allowed'],
    ['nobody', 'allowed'],
  ])('exec as %j', async (user, rule) => {
    expect(await verdict(() => checkExecUser(operator, user))).toBe(rule);
    checkExecUser(admin, user);
  });

  it.each([
    [undefined, undefined, 'allowed'],
    [undefined, '', 'exec.user-root'],
    [undefined, 'root', 'exec.user-root'],
    [undefined, 'app', 'allowed'],
    ['1000', 'root', 'allowed'],
    ['root', 'app', 'exec.user-root'],
  ])('exec with user %j in a container whose user is %j', async (user, containerUser, rule) => {
    const container = containerUser === undefined ? undefined : { Config: { User: containerUser } };
    expect(await verdict(() => checkExecUser(operator, user, container))).toBe(rule);
    checkExecUser(admin, user, container);
  });

  it.each([
    ['alpine', 'allowed'],
    ['library/alpine:3', 'allowed'],
    ['user/app@sha256:abc', 'allowed'],
    ['docker.io/library/alpine', 'allowed'],
    ['index.docker.io/library/alpine', 'allowed'],
    ['registry-1.docker.io/library/alpine', 'allowed'],
    ['127.0.0.1:4109/x:y', 'pull.registry'],
    ['localhost/x', 'pull.registry'],
    ['localhost:5000/x', 'pull.registry'],
    ['10.0.0.1/x', 'pull.registry'],
    ['169.254.169.254/latest', 'pull.registry'],
    ['ghcr.io/owner/app', 'pull.registry'],
    ['docker.io:443/x', 'pull.registry'],
  ])('pull %s', async (ref, rule) => {
    expect(await verdict(() => checkRegistry(operator, DEFAULT_POLICY, ref, 'pull'))).toBe(rule);
    checkRegistry(admin, DEFAULT_POLICY, ref, 'pull');
    // Pushes reach the same registries only, under a rule of their own.
    expect(await verdict(() => checkRegistry(operator, DEFAULT_POLICY, ref, 'push'))).toBe(
      rule.replace('pull.', 'push.'),
    );
  });

  it('pulls from registries WHARF_REGISTRY_ALLOW lists, exactly as listed', async () => {
    const listed = { ...DEFAULT_POLICY, registryAllow: ['127.0.0.1:5000', 'ghcr.io'] };
    const pull = (ref: string) => () => checkRegistry(operator, listed, ref, 'pull');
    expect(await verdict(pull('127.0.0.1:5000/x'))).toBe('allowed');
    expect(await verdict(pull('GHCR.io/owner/app'))).toBe('allowed');
    expect(await verdict(pull('127.0.0.1:5001/x'))).toBe('pull.registry');
    // Docker Hub is not implied once the list is set.
    expect(await verdict(pull('alpine'))).toBe('pull.registry');
  });
});

describe('ForbiddenError', () => {
  it('is FORBIDDEN with the rule in the message and extensions', async () => {
    const error = await rejection(create(body({ Privileged: true }))());
    expect(error).toMatchObject({
      message: 'privileged is reserved to admin (rule create.privileged)',
      extensions: { code: 'FORBIDDEN', rule: 'create.privileged' },
    });
    expect(thrown(() => checkExecUser(operator, 'root'))).toBeInstanceOf(ForbiddenError);
  });
});
