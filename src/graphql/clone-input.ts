import type { ContainerInspect } from '../engine/types.ts';
import type { CreateInput } from './container-mutations.ts';

/*
 * containerClone's input: a container's inspect read back as a containerCreate input (what
 * Portainer's "duplicate/edit" does), with the overrides on top. It then goes through the very
 * checks and policy of a create, so the policy judges the spec that results.
 */

/** The create input with every field optional (and nullable, as GraphQL gives it). */
type Overrides = { [K in keyof CreateInput]?: CreateInput[K] | null };
type Mount = NonNullable<CreateInput['mounts']>[number];
type Network = NonNullable<CreateInput['networks']>[number];
type Protocol = NonNullable<NonNullable<CreateInput['ports']>[number]['protocol']>;

const MS = 1_000_000;

/** Absent for the engine's "unset" values (0, "", null, empty lists), so the clone asks nothing. */
function set<T>(value: T | null | undefined): T | undefined {
  if (value === null || value === undefined || value === 0 || value === '' || value === false) {
    return undefined;
  }
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value;
}

const pairs = (map: Record<string, string> | null | undefined) =>
  set(Object.entries(map ?? {}).map(([key, value]) => ({ key, value })));

/** `-v source:target[:options]`: a host path when the source is absolute, else a volume name. */
function bindMount(spec: string, warnings: string[]): Mount | undefined {
  const [source = '', target = '', options = ''] = spec.split(':');
  if (target === '') {
    warnings.push(`bind "${spec}" is not source:target and was left out`);
    return undefined;
  }
  const words = options.split(',').filter((word) => word !== '');
  const dropped = words.filter((word) => word !== 'ro' && word !== 'rw');
  if (dropped.length > 0) warnings.push(`options ${dropped.join(',')} of ${target} were left out`);
  return {
    type: source.startsWith('/') ? 'bind' : 'volume',
    source,
    target,
    readOnly: words.includes('ro'),
  };
}

function mountsOf(source: ContainerInspect, warnings: string[]): Mount[] | undefined {
  const host = source.HostConfig;
  const mounts: Mount[] = (host.Mounts ?? []).map((mount) => {
    if (mount.Type === 'volume' && mount.Source === undefined) {
      warnings.push(`the anonymous volume at ${mount.Target} is a new, empty one in the clone`);
    }
    return {
      type: mount.Type,
      ...(mount.Source !== undefined && mount.Source !== '' && { source: mount.Source }),
      target: mount.Target,
      readOnly: mount.ReadOnly ?? false,
    };
  });
  for (const spec of host.Binds ?? []) {
    const mount = bindMount(spec, warnings);
    if (mount) mounts.push(mount);
  }
  return set(mounts);
}

function portsOf(source: ContainerInspect): CreateInput['ports'] {
  return set(
    Object.entries(source.HostConfig.PortBindings ?? {}).flatMap(([spec, bindings]) => {
      const [port = '', protocol = 'tcp'] = spec.split('/');
      return (bindings ?? []).map((binding) => ({
        containerPort: Number(port),
        protocol: protocol as Protocol,
        hostIp: set(binding.HostIp),
        hostPort: set(Number(binding.HostPort)),
      }));
    }),
  );
}

/** A mode that is no network of its own (host, none, another container's): no networks to join. */
function joinsNetworks(mode: string): boolean {
  return mode !== 'host' && mode !== 'none' && !mode.startsWith('container:');
}

/** The networks with their aliases, the network mode's first (it is the one joined at create). */
function networksOf(source: ContainerInspect): Network[] | undefined {
  const mode = source.HostConfig.NetworkMode ?? '';
  if (!joinsNetworks(mode)) return undefined;
  const first = mode === 'default' ? 'bridge' : mode;
  // The engine adds the short id as an alias on user networks: the clone gets its own.
  const own = source.Id.slice(0, 12);
  const entries = Object.entries(source.NetworkSettings.Networks ?? {}).sort(
    ([a], [b]) => Number(b === first) - Number(a === first),
  );
  return set(
    entries.map(([network, endpoint]) => ({
      network,
      aliases: set((endpoint.Aliases ?? []).filter((alias) => alias !== own)),
      ipv4Address: set(endpoint.IPAMConfig?.IPv4Address),
    })),
  );
}

function healthcheckOf(source: ContainerInspect): CreateInput['healthcheck'] {
  const check = source.Config.Healthcheck;
  if (!check || check.Test.length === 0) return undefined;
  const ms = (nanos: number | undefined) => set(nanos === undefined ? 0 : Math.round(nanos / MS));
  return {
    test: check.Test,
    intervalMs: ms(check.Interval),
    timeoutMs: ms(check.Timeout),
    retries: set(check.Retries),
    startPeriodMs: ms(check.StartPeriod),
  };
}

/** What a create cannot ask for, so the clone goes without it: each is a warning. */
function notCarried(source: ContainerInspect): string[] {
  const host = source.HostConfig;
  const dropped: [string, unknown][] = [
    ['links', set(host.Links)],
    ['volumesFrom', set(host.VolumesFrom)],
    ['cgroupParent', set(host.CgroupParent)],
    ['utsMode', set(host.UTSMode)],
    ['usernsMode', set(host.UsernsMode)],
    ['runtime', host.Runtime === 'runc' ? undefined : set(host.Runtime)],
    ['blkioWeight', set(host.BlkioWeight)],
    ['blkioWeightDevice', set(host.BlkioWeightDevice)],
    ['blkioDeviceReadBps', set(host.BlkioDeviceReadBps)],
    ['blkioDeviceWriteBps', set(host.BlkioDeviceWriteBps)],
    ['blkioDeviceReadIOps', set(host.BlkioDeviceReadIOps)],
    ['blkioDeviceWriteIOps', set(host.BlkioDeviceWriteIOps)],
    ['cpuRealtimePeriod', set(host.CpuRealtimePeriod)],
    ['cpuRealtimeRuntime', set(host.CpuRealtimeRuntime)],
  ];
  const warnings = dropped
    .filter(([, value]) => value !== undefined)
    .map(([name]) => `${name} was left out`);
  // The input takes one set of capabilities per request (what `--gpus` makes).
  if ((host.DeviceRequests ?? []).some((request) => (request.Capabilities?.length ?? 0) > 1)) {
    warnings.push('device request capabilities past the first set were left out');
  }
  return warnings;
}

/** The source as a create input (no name), the overrides on top, and what did not carry over. */
export function cloneInput(
  source: ContainerInspect,
  overrides: Overrides,
): { input: CreateInput; warnings: string[] } {
  const config = source.Config;
  const host = source.HostConfig;
  const warnings = notCarried(source);
  const mode = host.NetworkMode ?? '';
  // The default hostname is the short id, and another namespace's name is not the container's.
  const ownHostname = joinsNetworks(mode) && config.Hostname !== source.Id.slice(0, 12);
  const base: CreateInput = {
    image: config.Image,
    cmd: set(config.Cmd),
    entrypoint: set(config.Entrypoint),
    env: set(config.Env),
    labels: pairs(config.Labels),
    workingDir: set(config.WorkingDir),
    user: set(config.User),
    hostname: ownHostname ? set(config.Hostname) : undefined,
    domainname: ownHostname ? set(config.Domainname) : undefined,
    tty: set(config.Tty),
    openStdin: set(config.OpenStdin),
    ports: portsOf(source),
    mounts: mountsOf(source, warnings),
    networks: networksOf(source),
    networkMode: mode === 'default' ? undefined : set(mode),
    restartPolicy: set(host.RestartPolicy?.Name)
      ? {
          name: host.RestartPolicy?.Name as 'no',
          maximumRetryCount: set(host.RestartPolicy?.MaximumRetryCount),
        }
      : undefined,
    memory: set(host.Memory),
    memoryReservation: set(host.MemoryReservation),
    memorySwap: set(host.MemorySwap),
    oomKillDisable: set(host.OomKillDisable),
    nanoCpus: set(host.NanoCpus),
    cpuShares: set(host.CpuShares),
    cpusetCpus: set(host.CpusetCpus),
    cpusetMems: set(host.CpusetMems),
    cpuPeriod: set(host.CpuPeriod),
    cpuQuota: set(host.CpuQuota),
    pidsLimit: set(host.PidsLimit),
    autoRemove: set(host.AutoRemove),
    healthcheck: healthcheckOf(source),
    stopSignal: set(config.StopSignal),
    stopTimeout: set(config.StopTimeout),
    capAdd: set(host.CapAdd),
    capDrop: set(host.CapDrop),
    privileged: set(host.Privileged),
    securityOpt: set(host.SecurityOpt),
    devices: set(
      (host.Devices ?? []).map((device) => ({
        pathOnHost: device.PathOnHost,
        pathInContainer: device.PathInContainer,
        cgroupPermissions: device.CgroupPermissions,
      })),
    ),
    pidMode: set(host.PidMode),
    ipcMode: set(host.IpcMode),
    readonlyRootfs: set(host.ReadonlyRootfs),
    extraHosts: set(host.ExtraHosts),
    dns: set(host.Dns),
    dnsSearch: set(host.DnsSearch),
    dnsOptions: set(host.DnsOptions),
    logConfig: set(host.LogConfig?.Type)
      ? { driver: host.LogConfig?.Type as string, options: pairs(host.LogConfig?.Config) }
      : undefined,
    ulimits: set(
      (host.Ulimits ?? []).map(({ Name, Soft, Hard }) => ({ name: Name, soft: Soft, hard: Hard })),
    ),
    shmSize: set(host.ShmSize),
    init: host.Init ?? undefined,
    tmpfs: set(Object.entries(host.Tmpfs ?? {}).map(([target, options]) => ({ target, options }))),
    deviceRequests: set(
      (host.DeviceRequests ?? []).map((request) => ({
        driver: set(request.Driver),
        count: request.DeviceIDs?.length ? undefined : request.Count,
        deviceIds: set(request.DeviceIDs),
        capabilities: set(request.Capabilities?.[0]),
      })),
    ),
    groupAdd: set(host.GroupAdd),
    sysctls: pairs(host.Sysctls),
  };
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<CreateInput>;
  // New networks replace the old, and with them the mode the first of the old ones set.
  const networkMode = given.networks && !given.networkMode ? undefined : base.networkMode;
  return { input: { ...base, networkMode, ...given }, warnings };
}
