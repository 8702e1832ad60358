import type { EngineApi } from './api.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { containerRef } from './refs.ts';
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

export interface ContainerLogsOptions {
  follow?: boolean;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  tail?: number | undefined;
  /** Unix seconds, fractional allowed. */
  since?: number | undefined;
  until?: number | undefined;
}

function logsQuery(options: ContainerLogsOptions) {
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
 * One stats sample per second until the container stops.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerStats
 */
export function streamContainerStats(api: EngineApi, ref: string, signal: AbortSignal) {
  return api.stream('GET', `/containers/${containerRef(ref)}/stats`, {
    query: { stream: 1 },
    signal,
  });
}
