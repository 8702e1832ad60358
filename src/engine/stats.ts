import type { EngineApi } from './api.ts';
import { outsideCallScope } from './call-scope.ts';
import { streamContainerStats } from './containers.ts';
import { jsonLines } from './decode/json-lines.ts';
import { Fanout } from './fanout.ts';

/** `GET /containers/{id}/stats`, the parts the numbers come from. */
export interface StatsSample {
  read: string;
  pids_stats?: { current?: number };
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ContainerStats {
  read: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

/** As `docker stats` computes it (cli/command/container/stats_helpers.go), in numbers. */
export function computeStats(sample: StatsSample): ContainerStats {
  const cpu = sample.cpu_stats;
  const pre = sample.precpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 0;
  const cpuPercent =
    systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  const memory = sample.memory_stats;
  const usage = memory?.usage ?? 0;
  // Page cache is reclaimable: cgroup v1 reports it as total_inactive_file, v2 as inactive_file.
  const inactive = memory?.stats?.total_inactive_file ?? memory?.stats?.inactive_file;
  const memoryUsage = inactive !== undefined && inactive < usage ? usage - inactive : usage;
  const memoryLimit = memory?.limit ?? 0;

  let blockReadBytes = 0;
  let blockWriteBytes = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') blockReadBytes += entry.value;
    else if (op === 'write') blockWriteBytes += entry.value;
  }
  const networks = Object.values(sample.networks ?? {});
  return {
    read: sample.read,
    cpuPercent,
    memoryUsage,
    memoryLimit,
    memoryPercent: memoryLimit > 0 ? (memoryUsage / memoryLimit) * 100 : 0,
    networkRxBytes: networks.reduce((sum, n) => sum + n.rx_bytes, 0),
    networkTxBytes: networks.reduce((sum, n) => sum + n.tx_bytes, 0),
    blockReadBytes,
    blockWriteBytes,
    pids: sample.pids_stats?.current ?? 0,
  };
}

/**
 * One upstream stats stream per container, shared by its subscribers and closed with the last.
 * Only the newest sample matters, so a slow subscriber skips samples instead of being closed.
 */
export class StatsHub {
  private readonly api: EngineApi;
  private readonly streams = new Map<
    string,
    { fanout: Fanout<ContainerStats>; abort: AbortController }
  >();

  constructor(api: EngineApi) {
    this.api = api;
  }

  /** Open upstream streams (for tests and metrics). */
  get size(): number {
    return this.streams.size;
  }

  /** `containerId` must be the full id, so every ref to one container shares one stream. */
  subscribe(containerId: string): AsyncIterableIterator<ContainerStats> {
    let stream = this.streams.get(containerId);
    if (!stream) {
      const started = {
        fanout: new Fanout<ContainerStats>({ limit: 2, overflow: 'latest' }),
        abort: new AbortController(),
      };
      this.streams.set(containerId, started);
      stream = started;
      // Shared by every subscriber of the container: outside the first one's operation.
      outsideCallScope(() => this.pump(containerId, started)).catch(() => {});
    }
    const { fanout, abort } = stream;
    return fanout.subscribe(() => {
      if (fanout.size === 0 && this.streams.get(containerId)?.fanout === fanout) {
        this.streams.delete(containerId);
        abort.abort();
      }
    }).items;
  }

  private async pump(
    containerId: string,
    { fanout, abort }: { fanout: Fanout<ContainerStats>; abort: AbortController },
  ): Promise<void> {
    try {
      const response = await streamContainerStats(this.api, containerId, abort.signal);
      try {
        for await (const sample of jsonLines<StatsSample>(response.body)) {
          fanout.publish(computeStats(sample));
        }
      } finally {
        response.body.destroy();
      }
      fanout.close();
    } catch (error) {
      fanout.close(abort.signal.aborted ? undefined : error);
    } finally {
      if (this.streams.get(containerId)?.fanout === fanout) this.streams.delete(containerId);
    }
  }
}
