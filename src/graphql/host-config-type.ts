import { visibleOptions } from '../auth/redact.ts';
import type { DeviceRequest } from '../engine/containers.ts';
import type { ContainerInspect } from '../engine/types.ts';
import { builder } from './builder.ts';
import { keyValues, Label } from './common.ts';

/** `Container.hostConfig`: how the container was created, as the engine reports it. */

type HostConfigShape = ContainerInspect['HostConfig'];
type LogConfigShape = NonNullable<HostConfigShape['LogConfig']>;
type UlimitShape = NonNullable<HostConfigShape['Ulimits']>[number];

const RestartPolicy = builder
  .objectRef<{ Name: string; MaximumRetryCount?: number }>('RestartPolicy')
  .implement({
    fields: (t) => ({
      name: t.string({
        description: 'no, always, unless-stopped or on-failure ("" means no).',
        resolve: (p) => p.Name || 'no',
      }),
      maximumRetryCount: t.int({ resolve: (p) => p.MaximumRetryCount ?? 0 }),
    }),
  });

const LogConfig = builder.objectRef<LogConfigShape>('LogConfig').implement({
  fields: (t) => ({
    driver: t.string({
      description: 'Empty when the engine default was taken.',
      resolve: (log) => log.Type,
    }),
    options: t.field({
      type: [Label],
      description: 'Below admin, secret-looking values (`splunk-token`) read `***`.',
      resolve: (log, _args, ctx) => keyValues(visibleOptions(ctx.principal, log.Config)),
    }),
  }),
});

const Ulimit = builder.objectRef<UlimitShape>('Ulimit').implement({
  fields: (t) => ({
    name: t.exposeString('Name'),
    soft: t.field({ type: 'SafeInt', resolve: (u) => u.Soft }),
    hard: t.field({ type: 'SafeInt', resolve: (u) => u.Hard }),
  }),
});

const Tmpfs = builder.objectRef<{ target: string; options: string }>('Tmpfs').implement({
  fields: (t) => ({
    target: t.exposeString('target'),
    options: t.exposeString('options', { description: 'As given, e.g. `size=64m,mode=1777`.' }),
  }),
});

const DeviceRequestType = builder.objectRef<DeviceRequest>('DeviceRequest').implement({
  fields: (t) => ({
    driver: t.exposeString('Driver'),
    count: t.int({ description: '-1 means all.', resolve: (r) => r.Count }),
    deviceIds: t.stringList({ resolve: (r) => r.DeviceIDs ?? [] }),
    capabilities: t.field({
      type: t.listRef(t.listRef('String')),
      description: 'Alternatives, each a set of capabilities that must all be present.',
      resolve: (r) => r.Capabilities ?? [],
    }),
  }),
});

/** The engine writes empty lists as null. */
const strings = (values: readonly string[] | null | undefined) => [...(values ?? [])];

export const HostConfig = builder.objectRef<HostConfigShape>('HostConfig').implement({
  fields: (t) => ({
    restartPolicy: t.field({
      type: RestartPolicy,
      resolve: (h) => h.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 },
    }),
    memory: t.field({
      type: 'SafeInt',
      description: 'Memory limit in bytes; 0 means unlimited.',
      resolve: (h) => h.Memory ?? 0,
    }),
    memoryReservation: t.field({
      type: 'SafeInt',
      description: 'Soft memory limit in bytes; 0 means none.',
      resolve: (h) => h.MemoryReservation ?? 0,
    }),
    memorySwap: t.field({
      type: 'SafeInt',
      description: 'Memory plus swap in bytes; 0 means the default, -1 unlimited swap.',
      resolve: (h) => h.MemorySwap ?? 0,
    }),
    oomKillDisable: t.boolean({ resolve: (h) => h.OomKillDisable ?? false }),
    nanoCpus: t.field({
      type: 'SafeInt',
      description: 'CPU quota in billionths of a CPU; 0 means unlimited.',
      resolve: (h) => h.NanoCpus ?? 0,
    }),
    cpuShares: t.int({ resolve: (h) => h.CpuShares ?? 0 }),
    cpuPeriod: t.field({
      type: 'SafeInt',
      description: 'CFS period in µs; 0 means the default.',
      resolve: (h) => h.CpuPeriod ?? 0,
    }),
    cpuQuota: t.field({
      type: 'SafeInt',
      description: 'CPU µs per period; 0 means unlimited.',
      resolve: (h) => h.CpuQuota ?? 0,
    }),
    cpusetCpus: t.string({ description: 'Empty means any.', resolve: (h) => h.CpusetCpus ?? '' }),
    cpusetMems: t.string({ description: 'Empty means any.', resolve: (h) => h.CpusetMems ?? '' }),
    pidsLimit: t.field({
      type: 'SafeInt',
      nullable: true,
      description: 'Null or 0 means unlimited.',
      resolve: (h) => h.PidsLimit ?? null,
    }),
    ulimits: t.field({ type: [Ulimit], resolve: (h) => h.Ulimits ?? [] }),
    shmSize: t.field({
      type: 'SafeInt',
      description: 'Size of /dev/shm in bytes.',
      resolve: (h) => h.ShmSize ?? 0,
    }),
    privileged: t.boolean({ resolve: (h) => h.Privileged ?? false }),
    capAdd: t.stringList({ resolve: (h) => strings(h.CapAdd) }),
    capDrop: t.stringList({ resolve: (h) => strings(h.CapDrop) }),
    securityOpt: t.stringList({ resolve: (h) => strings(h.SecurityOpt) }),
    groupAdd: t.stringList({ resolve: (h) => strings(h.GroupAdd) }),
    sysctls: t.field({ type: [Label], resolve: (h) => keyValues(h.Sysctls ?? {}) }),
    deviceRequests: t.field({ type: [DeviceRequestType], resolve: (h) => h.DeviceRequests ?? [] }),
    networkMode: t.string({ resolve: (h) => h.NetworkMode ?? '' }),
    pidMode: t.string({ description: 'Empty means private.', resolve: (h) => h.PidMode ?? '' }),
    ipcMode: t.string({ resolve: (h) => h.IpcMode ?? '' }),
    extraHosts: t.stringList({ description: '`host:ip`.', resolve: (h) => strings(h.ExtraHosts) }),
    dns: t.stringList({ resolve: (h) => strings(h.Dns) }),
    dnsSearch: t.stringList({ resolve: (h) => strings(h.DnsSearch) }),
    dnsOptions: t.stringList({ resolve: (h) => strings(h.DnsOptions) }),
    logConfig: t.field({
      type: LogConfig,
      resolve: (h) => h.LogConfig ?? { Type: '', Config: {} },
    }),
    autoRemove: t.boolean({ resolve: (h) => h.AutoRemove ?? false }),
    readonlyRootfs: t.boolean({ resolve: (h) => h.ReadonlyRootfs ?? false }),
    init: t.boolean({
      nullable: true,
      description: "Null means the engine's default (no init unless the daemon says so).",
      resolve: (h) => h.Init ?? null,
    }),
    tmpfs: t.field({
      type: [Tmpfs],
      description: 'By target path.',
      resolve: (h) =>
        Object.entries(h.Tmpfs ?? {})
          .map(([target, options]) => ({ target, options }))
          .sort((a, b) => (a.target < b.target ? -1 : 1)),
    }),
  }),
});
