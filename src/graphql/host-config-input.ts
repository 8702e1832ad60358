import { isIP } from 'node:net';
import type { ContainerCreateBody, DeviceRequest } from '../engine/containers.ts';
import { BadUserInputError } from '../engine/errors.ts';
import { builder, type Types } from './builder.ts';
import { driverName, keyValueMap, LabelInput, list, singleLine } from './input-checks.ts';

/*
 * The `docker run` options of containerCreate beyond the basics: DNS, logging, limits, tmpfs,
 * devices by driver, sysctls. Each is checked here for shape (BAD_USER_INPUT); whether the caller
 * may have it is the create policy's (FORBIDDEN), decided on the body this builds.
 */

type HostConfig = ContainerCreateBody['HostConfig'];

/** RFC 1123 host names (and the `docker run --add-host` names). */
const HOST_NAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62}))*$/;
/** resolv.conf `options`: `ndots:2`, `rotate`, `timeout:1`. */
const DNS_OPTION = /^[a-z][a-z0-9_-]{0,31}(:\d{1,4})?$/;
/** `0-3,5`: the kernel's cpuset list syntax. */
const CPU_SET = /^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/;
/** A group name or gid, as `--group-add` takes it. */
const GROUP = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,63}$/;
const SYSCTL = /^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$/;
/** The names `docker run --ulimit` knows (the engine refuses others). */
const ULIMITS = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);
/** tmpfs mount options the engine passes to the kernel: sizes, modes, ids and the flags. */
const TMPFS_OPTION =
  /^(size=\d{1,19}[kmg%]?|nr_inodes=\d{1,19}[kmg]?|mode=[0-7]{3,4}|uid=\d{1,10}|gid=\d{1,10}|ro|rw|exec|noexec|suid|nosuid|dev|nodev|atime|noatime|diratime|nodiratime|relatime|norelatime|strictatime|sync|async|dirsync)$/i;
/** A GPU capability word (`gpu`, `compute`, `utility`). */
const CAPABILITY = /^[a-z0-9_.-]{1,64}$/;

export const LogConfigInput = builder.inputType('LogConfigInput', {
  description: `The container's log driver and its options (\`docker run --log-driver --log-opt\`). Below admin only the drivers in WHARF_LOG_DRIVER_ALLOW (json-file, local and none by default).`,
  fields: (t) => ({
    driver: t.string({ required: true }),
    options: t.field({ type: [LabelInput], description: 'e.g. `max-size: 10m`.' }),
  }),
});

export const UlimitInput = builder.inputType('UlimitInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '`nofile`, `nproc`, `memlock`, …' }),
    soft: t.field({ type: 'SafeInt', required: true, description: '-1 means unlimited.' }),
    hard: t.field({ type: 'SafeInt', required: true, description: '-1 means unlimited.' }),
  }),
});

export const TmpfsInput = builder.inputType('TmpfsInput', {
  description: 'A tmpfs at a path (`docker run --tmpfs target:options`).',
  fields: (t) => ({
    target: t.string({ required: true, description: 'Absolute path in the container.' }),
    options: t.string({ description: 'Comma-separated, e.g. `size=64m,mode=1777,noexec`.' }),
  }),
});

export const DeviceRequestInput = builder.inputType('DeviceRequestInput', {
  description: 'Devices through a driver (`docker run --gpus`). Admin only.',
  fields: (t) => ({
    driver: t.string({ description: 'e.g. `nvidia`; the engine picks by capability when absent.' }),
    count: t.int({ description: 'How many; -1 means all. Not with `deviceIds`.' }),
    deviceIds: t.stringList({ description: 'Devices by id or index. Not with `count`.' }),
    capabilities: t.stringList({ description: 'All of these, e.g. `["gpu"]`.' }),
  }),
});

/** The fields this module adds to containerCreate's input. */
export function hostConfigFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  return {
    domainname: t.string(),
    readonlyRootfs: t.boolean({ description: 'Mount the root file system read-only.' }),
    extraHosts: t.stringList({
      description: '`host:ip` lines for /etc/hosts (ip may be `host-gateway`).',
    }),
    dns: t.stringList({ description: 'DNS server addresses.' }),
    dnsSearch: t.stringList({ description: 'DNS search domains.' }),
    dnsOptions: t.stringList({ description: 'resolv.conf options, e.g. `ndots:2`.' }),
    logConfig: t.field({ type: LogConfigInput }),
    ulimits: t.field({ type: [UlimitInput] }),
    shmSize: t.field({ type: 'SafeInt', description: 'Size of /dev/shm in bytes.' }),
    init: t.boolean({
      description: 'Run an init as PID 1 that reaps zombies and forwards signals.',
    }),
    tmpfs: t.field({ type: [TmpfsInput] }),
    deviceRequests: t.field({ type: [DeviceRequestInput] }),
    cpusetCpus: t.string({ description: 'CPUs the container may use, e.g. `0-2,4`.' }),
    cpusetMems: t.string({ description: 'Memory nodes the container may use, e.g. `0`.' }),
    cpuPeriod: t.field({
      type: 'SafeInt',
      description: 'CFS scheduler period in µs (1000 to 1000000); not with `nanoCpus`.',
    }),
    cpuQuota: t.field({
      type: 'SafeInt',
      description:
        'CPU time in µs per `cpuPeriod` (at least 1000; -1 unlimited); not with `nanoCpus`.',
    }),
    memoryReservation: t.field({ type: 'SafeInt', description: 'Soft memory limit in bytes.' }),
    memorySwap: t.field({
      type: 'SafeInt',
      description: 'Memory plus swap in bytes, at least `memory`; -1 means unlimited swap.',
    }),
    oomKillDisable: t.boolean({ description: 'Admin only.' }),
    groupAdd: t.stringList({ description: 'Extra groups (names or gids) for the process.' }),
    sysctls: t.field({
      type: [LabelInput],
      description: 'Namespaced kernel parameters; below admin only `net.*`.',
    }),
  };
}

type FieldsInput = {
  [K in keyof ReturnType<typeof hostConfigFields>]?: ReturnType<
    typeof hostConfigFields
  >[K]['$inferInput'];
};

function match(field: string, pattern: RegExp, value: string, what: string): string {
  if (!pattern.test(singleLine(field, value))) {
    throw new BadUserInputError(`${field} "${value.slice(0, 80)}" is not ${what}`);
  }
  return value;
}

function integer(field: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new BadUserInputError(`${field} must be an integer of at least ${min}`);
  }
  return value;
}

function optional<T, R>(value: T | null | undefined, check: (value: T) => R): R | undefined {
  return value === null || value === undefined ? undefined : check(value);
}

function extraHost(entry: string): string {
  const colon = entry.indexOf(':');
  const host = entry.slice(0, Math.max(colon, 0));
  const ip = entry.slice(colon + 1);
  if (colon < 1 || !HOST_NAME.test(host) || (ip !== 'host-gateway' && isIP(ip) === 0)) {
    throw new BadUserInputError(`extraHosts entry "${entry.slice(0, 80)}" is not host:ip`);
  }
  return entry;
}

function dnsServer(address: string): string {
  if (isIP(address) === 0) {
    throw new BadUserInputError(`dns "${address.slice(0, 80)}" is not an IP address`);
  }
  return address;
}

function ulimitsOf(input: FieldsInput): HostConfig['Ulimits'] {
  const seen = new Set<string>();
  return list('ulimits', input.ulimits, ({ name, soft, hard }) => {
    if (!ULIMITS.has(name)) {
      throw new BadUserInputError(`ulimit "${name.slice(0, 40)}" is not one of ${[...ULIMITS]}`);
    }
    if (seen.has(name)) throw new BadUserInputError(`ulimit "${name}" is given twice`);
    seen.add(name);
    integer(`ulimit ${name} soft`, soft, -1);
    integer(`ulimit ${name} hard`, hard, -1);
    if (hard !== -1 && (soft === -1 || soft > hard)) {
      throw new BadUserInputError(`ulimit ${name}: soft ${soft} is above hard ${hard}`);
    }
    return { Name: name, Soft: soft, Hard: hard };
  });
}

function tmpfsOf(input: FieldsInput): HostConfig['Tmpfs'] {
  const entries = list('tmpfs', input.tmpfs, ({ target, options }) => {
    if (!singleLine('tmpfs target', target).startsWith('/')) {
      throw new BadUserInputError(`tmpfs target "${target.slice(0, 80)}" must be an absolute path`);
    }
    const text = options ?? '';
    if (text !== '') {
      for (const option of text.split(',')) {
        match('tmpfs option', TMPFS_OPTION, option, 'a tmpfs option');
      }
    }
    return [target, text] as const;
  });
  if (!entries) return undefined;
  const tmpfs: Record<string, string> = {};
  for (const [target, options] of entries) {
    if (Object.hasOwn(tmpfs, target)) {
      throw new BadUserInputError(`tmpfs target "${target.slice(0, 80)}" is given twice`);
    }
    tmpfs[target] = options;
  }
  return tmpfs;
}

function deviceRequestsOf(input: FieldsInput): DeviceRequest[] | undefined {
  return list('deviceRequests', input.deviceRequests, (request) => {
    const ids = list('deviceIds', request.deviceIds, (id) => singleLine('deviceIds', id)) ?? [];
    const count = optional(request.count, (value) => integer('deviceRequests count', value, -1));
    if (count !== undefined && ids.length > 0) {
      throw new BadUserInputError('a device request takes count or deviceIds, not both');
    }
    const capabilities =
      list('capabilities', request.capabilities, (word) =>
        match('capabilities', CAPABILITY, word, 'a capability'),
      ) ?? [];
    return {
      Driver:
        optional(request.driver, (driver) => driverName('deviceRequests driver', driver)) ?? '',
      // The CLI's default for `--gpus` without a count or ids: every device.
      Count: count ?? (ids.length > 0 ? 0 : -1),
      DeviceIDs: ids,
      Capabilities: capabilities.length > 0 ? [capabilities] : [],
      Options: {},
    };
  });
}

function sysctlsOf(input: FieldsInput): HostConfig['Sysctls'] {
  const sysctls = keyValueMap('sysctls', input.sysctls);
  for (const key of Object.keys(sysctls ?? {})) match('sysctls key', SYSCTL, key, 'a sysctl name');
  for (const value of Object.values(sysctls ?? {})) singleLine('sysctls value', value, true);
  return sysctls;
}

/** The HostConfig part of these fields; throws BAD_USER_INPUT before any engine call. */
export function hostConfigOf(input: FieldsInput): Partial<HostConfig> {
  const lines = (field: string, pattern: RegExp, what: string, values?: readonly string[] | null) =>
    list(field, values, (value) => match(field, pattern, value, what));
  const log = input.logConfig;
  return {
    ReadonlyRootfs: input.readonlyRootfs ?? undefined,
    ExtraHosts: list('extraHosts', input.extraHosts, (entry) =>
      extraHost(singleLine('extraHosts', entry)),
    ),
    Dns: list('dns', input.dns, (address) => dnsServer(singleLine('dns', address))),
    DnsSearch: lines('dnsSearch', HOST_NAME, 'a domain name', input.dnsSearch),
    DnsOptions: lines('dnsOptions', DNS_OPTION, 'a resolv.conf option', input.dnsOptions),
    LogConfig: log
      ? {
          Type: driverName('logConfig driver', log.driver),
          Config: keyValueMap('logConfig options', log.options) ?? {},
        }
      : undefined,
    Ulimits: ulimitsOf(input),
    ShmSize: optional(input.shmSize, (size) => integer('shmSize', size, 1)),
    Init: input.init ?? undefined,
    Tmpfs: tmpfsOf(input),
    DeviceRequests: deviceRequestsOf(input),
    CpusetCpus: optional(input.cpusetCpus, (cpus) =>
      match('cpusetCpus', CPU_SET, cpus, 'a CPU list'),
    ),
    CpusetMems: optional(input.cpusetMems, (mems) =>
      match('cpusetMems', CPU_SET, mems, 'a node list'),
    ),
    CpuPeriod: optional(input.cpuPeriod, (period) => {
      if (period > 1_000_000) throw new BadUserInputError('cpuPeriod must be at most 1000000');
      return integer('cpuPeriod', period, 1000);
    }),
    CpuQuota: optional(input.cpuQuota, (quota) =>
      quota === -1 ? -1 : integer('cpuQuota', quota, 1000),
    ),
    MemoryReservation: optional(input.memoryReservation, (bytes) =>
      integer('memoryReservation', bytes, 0),
    ),
    MemorySwap: optional(input.memorySwap, (bytes) => integer('memorySwap', bytes, -1)),
    OomKillDisable: input.oomKillDisable ?? undefined,
    GroupAdd: lines('groupAdd', GROUP, 'a group name or gid', input.groupAdd),
    Sysctls: sysctlsOf(input),
  };
}

/** `domainname`, checked like a host name. */
export function domainnameOf(input: FieldsInput): string | undefined {
  return optional(input.domainname, (name) =>
    match('domainname', HOST_NAME, name, 'a domain name'),
  );
}
