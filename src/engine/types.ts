import type { ContainerCreateBody } from './containers.ts';

/** Every field optional, and null where the engine writes null. */
type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** Engine wire types, PascalCase as the engine sends them, limited to what Wharf reads. */

export type Labels = Record<string, string> | null;

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null;
  Aliases?: string[] | null;
  NetworkID: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  MacAddress?: string;
}

export interface MountPoint {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** `GET /containers/json` */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  Labels: Labels;
  State: string;
  Status: string;
  SizeRw?: number;
  SizeRootFs?: number;
  HostConfig: { NetworkMode?: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> | null } | null;
  Mounts: MountPoint[];
}

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface ContainerStateDetails {
  Status: string;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: { Status: string; FailingStreak: number; Log: HealthLogEntry[] | null };
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** `GET /containers/{id}/json` */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[] | null;
  Image: string;
  RestartCount: number;
  SizeRw?: number;
  SizeRootFs?: number;
  State: ContainerStateDetails;
  Mounts: MountPoint[];
  Config: {
    Hostname: string;
    User: string;
    Tty: boolean;
    OpenStdin: boolean;
    Env: string[] | null;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Image: string;
    WorkingDir: string;
    Labels: Labels;
    ExposedPorts?: Record<string, object> | null;
    StopSignal?: string;
    StopTimeout?: number;
    Domainname?: string;
    Healthcheck?: ContainerCreateBody['Healthcheck'] | null;
  };
  /** As created, with the engine's defaults filled in (empty lists often null). */
  HostConfig: Nullable<ContainerCreateBody['HostConfig']> & {
    /** `-v` style mounts: `source:target[:options]`. */
    Binds?: string[] | null;
    VolumesFrom?: string[] | null;
    Links?: string[] | null;
    Runtime?: string;
    UTSMode?: string;
    UsernsMode?: string;
    CgroupParent?: string;
    BlkioWeight?: number;
    BlkioWeightDevice?: unknown[] | null;
    BlkioDeviceReadBps?: unknown[] | null;
    BlkioDeviceWriteBps?: unknown[] | null;
    BlkioDeviceReadIOps?: unknown[] | null;
    BlkioDeviceWriteIOps?: unknown[] | null;
    CpuRealtimePeriod?: number;
    CpuRealtimeRuntime?: number;
  };
  NetworkSettings: {
    Ports: Record<string, PortBinding[] | null> | null;
    Networks: Record<string, EndpointSettings> | null;
  };
}

/** `GET /containers/{id}/top` */
export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}

/** `GET /images/json` */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Labels;
  Containers: number;
}

/** `GET /images/{name}/json` */
export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: string;
  Size: number;
  Architecture: string;
  Variant?: string;
  Os: string;
  Author: string;
  Comment: string;
  Config: {
    Labels: Labels;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Env: string[] | null;
    /** The image's VOLUME paths: each container gets an anonymous volume there. */
    Volumes?: Record<string, unknown> | null;
  } | null;
}

/** `GET /images/{name}/history` */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
}

/** `GET /networks` and `GET /networks/{id}` */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  IPAM: {
    Driver: string;
    Config: IpamConfig[] | null;
    Options: Record<string, string> | null;
  } | null;
  Options: Record<string, string> | null;
  Labels: Labels;
  Containers?: Record<string, unknown> | null;
}

/** `GET /volumes` entries and `GET /volumes/{name}` */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Labels;
  Scope: string;
  Options: Record<string, string> | null;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeList {
  Volumes: Volume[] | null;
  Warnings: string[] | null;
}

/**
 * `GET /system/df`: images with real `SharedSize` and `Containers` (the list answers -1), containers
 * with `SizeRw`/`SizeRootFs`, volumes with `UsageData`.
 */
export interface SystemDataUsage {
  LayersSize?: number;
  Images: ImageSummary[] | null;
  Containers: ContainerSummary[] | null;
  Volumes: Volume[] | null;
  BuildCache: BuildCacheRecord[] | null;
}

/** A `/system/df` build cache record (BuildKit's). */
export interface BuildCacheRecord {
  ID: string;
  Type: string;
  Description?: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt?: string;
  LastUsedAt?: string | null;
  UsageCount?: number;
}

/** `GET /version` */
export interface SystemVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  GitCommit?: string;
  GoVersion?: string;
}

/** `GET /info` */
export interface SystemInfo {
  ID: string;
  Name: string;
  /** The engine host's clock, RFC 3339 with nanoseconds. */
  SystemTime?: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  NCPU: number;
  MemTotal: number;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  KernelVersion: string;
  ServerVersion: string;
  Swarm: {
    LocalNodeState: string;
    NodeID: string;
    ControlAvailable: boolean;
    /** The managers this node knows (a worker's way to its cluster); null outside a swarm. */
    RemoteManagers?: { NodeID: string; Addr: string }[] | null;
  };
}

/** `GET /events` */
export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> | null };
  scope?: string;
  time: number;
  /** Exact: parsed from the source text (a JSON number this large loses digits as a double). */
  timeNano: bigint;
}
