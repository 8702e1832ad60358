import type { EngineApi } from './api.ts';
import { EngineError } from './errors.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { forbiddenAsConflict } from './networks.ts';
import { prune } from './prune.ts';
import { containerRef, networkRef } from './refs.ts';
import type { ContainerInspect, ContainerSummary, ContainerTop } from './types.ts';

export interface ListContainersOptions {
  all?: boolean;
  /** Asks the engine for SizeRw/SizeRootFs, which costs it a disk walk per container. */
  size?: boolean;
  filters?: EngineFilters;
  signal?: AbortSignal;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerList */
export function listContainers(api: EngineApi, options: ListContainersOptions = {}) {
  return api.json<ContainerSummary[]>('GET', '/containers/json', {
    query: {
      all: options.all ? 1 : undefined,
      size: options.size ? 1 : undefined,
      filters: encodeFilters(options.filters),
    },
    ...(options.signal && { signal: options.signal }),
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerInspect */
export function inspectContainer(api: EngineApi, ref: string, options: { size?: boolean } = {}) {
  return api.json<ContainerInspect>('GET', `/containers/${containerRef(ref)}/json`, {
    query: { size: options.size ? 1 : undefined },
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerTop */
export function topContainer(api: EngineApi, ref: string, psArgs?: string) {
  return api.json<ContainerTop>('GET', `/containers/${containerRef(ref)}/top`, {
    query: { ps_args: psArgs },
  });
}

/** The query of a log read; service logs take the same. */
export interface ContainerLogsOptions {
  follow?: boolean;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  tail?: number | undefined;
  /** Unix seconds, fractional allowed (a string keeps all nine digits of nanoseconds). */
  since?: number | string | undefined;
  until?: number | string | undefined;
}

export function logsQuery(options: ContainerLogsOptions) {
  return {
    follow: options.follow ? 1 : undefined,
    stdout: options.stdout ? 1 : 0,
    stderr: options.stderr ? 1 : 0,
    timestamps: options.timestamps ? 1 : 0,
    tail: options.tail === undefined ? 'all' : options.tail,
    since: options.since,
    until: options.until,
  };
}

/**
 * Log history (no follow). The body is multiplexed frames, or raw bytes when the container has a TTY.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerLogs
 */
export function containerLogs(api: EngineApi, ref: string, options: ContainerLogsOptions) {
  return api.call('GET', `/containers/${containerRef(ref)}/logs`, {
    query: logsQuery({ ...options, follow: false }),
  });
}

/** Logs as a stream (with `follow`, until the container stops); no deadline on the body. */
export function streamContainerLogs(
  api: EngineApi,
  ref: string,
  options: ContainerLogsOptions & { signal: AbortSignal },
) {
  return api.stream('GET', `/containers/${containerRef(ref)}/logs`, {
    query: logsQuery(options),
    signal: options.signal,
  });
}

/**
 * Attaches to a container's main process from now on (no log replay): stdin in, output out,
 * multiplexed unless it has a TTY. Closing the connection detaches; the process keeps running.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerAttach
 */
export function attachContainer(api: EngineApi, ref: string, signal?: AbortSignal) {
  return api.hijack(`/containers/${containerRef(ref)}/attach`, {
    query: { stream: 1, stdin: 1, stdout: 1, stderr: 1 },
    ...(signal && { signal }),
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerResize */
export async function resizeContainer(api: EngineApi, ref: string, rows: number, cols: number) {
  await api.call('POST', `/containers/${containerRef(ref)}/resize`, {
    query: { h: rows, w: cols },
  });
}

/**
 * One stats sample per second until the container stops.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerStats
 */
export function streamContainerStats(api: EngineApi, ref: string, signal: AbortSignal) {
  return api.stream('GET', `/containers/${containerRef(ref)}/stats`, {
    query: { stream: 1 },
    signal,
  });
}

/** `POST /containers/create` body: the container config with HostConfig and NetworkingConfig. */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Domainname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Healthcheck?: {
    Test: string[];
    /** Durations in nanoseconds; 0 inherits the image's. */
    Interval?: number;
    Timeout?: number;
    Retries?: number;
    StartPeriod?: number;
  };
  StopSignal?: string;
  StopTimeout?: number;
  HostConfig: {
    PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>;
    Mounts?: {
      Type: 'volume' | 'bind' | 'tmpfs';
      Source?: string;
      Target: string;
      ReadOnly: boolean;
      /** Labels of the volume the engine creates for this mount (when it is not there). */
      VolumeOptions?: { Labels: Record<string, string> };
    }[];
    RestartPolicy?: ContainerRestartPolicy;
    Memory?: number;
    NanoCpus?: number;
    CpuShares?: number;
    PidsLimit?: number;
    AutoRemove?: boolean;
    CapAdd?: string[];
    CapDrop?: string[];
    Privileged?: boolean;
    SecurityOpt?: string[];
    Devices?: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }[];
    NetworkMode?: string;
    PidMode?: string;
    IpcMode?: string;
    ReadonlyRootfs?: boolean;
    /** `host:ip` lines for /etc/hosts. */
    ExtraHosts?: string[];
    Dns?: string[];
    DnsSearch?: string[];
    DnsOptions?: string[];
    LogConfig?: { Type: string; Config: Record<string, string> };
    Ulimits?: { Name: string; Soft: number; Hard: number }[];
    ShmSize?: number;
    Init?: boolean;
    /** Target path to mount options (`size=64m,mode=1777`). */
    Tmpfs?: Record<string, string>;
    DeviceRequests?: DeviceRequest[];
    CpusetCpus?: string;
    CpusetMems?: string;
    /** CFS scheduler period and quota in µs (`--cpu-period`, `--cpu-quota`). */
    CpuPeriod?: number;
    CpuQuota?: number;
    MemoryReservation?: number;
    /** Memory plus swap; -1 is unlimited swap. */
    MemorySwap?: number;
    OomKillDisable?: boolean;
    GroupAdd?: string[];
    Sysctls?: Record<string, string>;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointConfig> };
}

/** A request for devices through a driver (GPUs: `--gpus`); Count -1 means all. */
export interface DeviceRequest {
  Driver: string;
  Count: number;
  DeviceIDs: string[];
  Capabilities: string[][];
  Options: Record<string, string>;
}

export interface ContainerRestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** What a container asks of one network: aliases and a static address. */
export interface EndpointConfig {
  Aliases?: string[];
  IPAMConfig?: { IPv4Address: string };
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerCreate */
export function createContainer(api: EngineApi, body: ContainerCreateBody, name?: string) {
  return api.json<{ Id: string; Warnings: string[] | null }>('POST', '/containers/create', {
    query: { name },
    body,
  });
}

/**
 * True when the engine acted, false on 304 (it was already so).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerStart
 */
export async function startContainer(api: EngineApi, id: string): Promise<boolean> {
  const response = await api.call('POST', `/containers/${containerRef(id)}/start`);
  return response.statusCode !== 304;
}

/**
 * True when the engine acted, false on 304 (already stopped). `timeout` in seconds before SIGKILL.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerStop
 */
export async function stopContainer(api: EngineApi, id: string, timeout?: number) {
  const response = await api.call('POST', `/containers/${containerRef(id)}/stop`, {
    query: { t: timeout },
  });
  return response.statusCode !== 304;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerRestart */
export async function restartContainer(api: EngineApi, id: string, timeout?: number) {
  await api.call('POST', `/containers/${containerRef(id)}/restart`, { query: { t: timeout } });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerKill */
export async function killContainer(api: EngineApi, id: string, signal?: string) {
  await api.call('POST', `/containers/${containerRef(id)}/kill`, { query: { signal } });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerPause */
export async function pauseContainer(api: EngineApi, id: string) {
  await api.call('POST', `/containers/${containerRef(id)}/pause`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerUnpause */
export async function unpauseContainer(api: EngineApi, id: string) {
  await api.call('POST', `/containers/${containerRef(id)}/unpause`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerRename */
export async function renameContainer(api: EngineApi, id: string, name: string) {
  await api.call('POST', `/containers/${containerRef(id)}/rename`, { query: { name } });
}

/** Resource limits and restart policy that can change on a live container. */
export interface ContainerUpdateBody {
  Memory?: number;
  /** Memory plus swap; -1 is unlimited. */
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  PidsLimit?: number;
  RestartPolicy?: ContainerRestartPolicy;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerUpdate */
export function updateContainer(api: EngineApi, id: string, body: ContainerUpdateBody) {
  return api.json<{ Warnings: string[] | null }>('POST', `/containers/${containerRef(id)}/update`, {
    body,
  });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerDelete */
export async function removeContainer(
  api: EngineApi,
  id: string,
  options: { force?: boolean; volumes?: boolean } = {},
) {
  await api.call('DELETE', `/containers/${containerRef(id)}`, {
    query: { force: options.force ? 1 : undefined, v: options.volumes ? 1 : undefined },
  });
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** `POST /containers/{id}/wait` */
export interface ContainerWaitResponse {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/**
 * Blocks until the condition holds: the engine flushes the headers at once and sends the body only
 * then, so this streams (no deadline) and reads the one JSON body.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerWait
 */
export async function waitContainer(
  api: EngineApi,
  id: string,
  condition: WaitCondition,
  signal?: AbortSignal,
): Promise<ContainerWaitResponse> {
  const response = await api.stream('POST', `/containers/${containerRef(id)}/wait`, {
    query: { condition },
    ...(signal && { signal }),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    // The answer is a few dozen bytes; anything much larger is not the engine.
    if (size > 64 * 1024) {
      response.body.destroy();
      throw new EngineError('ENGINE_ERROR', response.statusCode, 'the wait answer is too large');
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ContainerWaitResponse;
  } catch {
    throw new EngineError(
      'ENGINE_ERROR',
      response.statusCode,
      'the engine sent invalid JSON for the wait',
    );
  }
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerPrune */
export function pruneContainers(api: EngineApi, filters?: EngineFilters) {
  return prune<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>(
    api,
    'containers',
    filters,
  );
}

/**
 * Attaches a container to one more network. Here (not in networks.ts) because container create
 * needs it: API 1.41 takes only one network at create.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NetworkConnect
 */
export async function connectContainer(
  api: EngineApi,
  network: string,
  container: string,
  endpoint: EndpointConfig,
) {
  await api
    .call('POST', `/networks/${networkRef(network)}/connect`, {
      body: { Container: containerRef(container), EndpointConfig: endpoint },
    })
    .catch(forbiddenAsConflict);
}
