/** Swarm wire types, PascalCase as the engine sends them, limited to what Wharf reads. */
import type { Labels } from './types.ts';

/** Every object the swarm stores carries a version: updates name it, so a stale one is refused. */
export interface ObjectVersion {
  Index: number;
}

/** `GET /swarm` (a manager only). */
export interface SwarmInspect {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels: Labels };
  JoinTokens: { Worker: string; Manager: string };
}

export interface ServiceMount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions?: { Labels: Record<string, string> };
}

export interface ServicePortConfig {
  Protocol: 'tcp' | 'udp' | 'sctp';
  TargetPort: number;
  PublishedPort?: number;
  PublishMode?: 'ingress' | 'host';
}

/** `{ SecretID, SecretName, File }` or `{ ConfigID, ConfigName, File }`. */
type ServiceFileRef<K extends string> = Record<K, string> & {
  File?: { Name: string; UID: string; GID: string; Mode: number };
};

/** How the engine replaces tasks on an update (UpdateConfig) or a rollback (RollbackConfig). */
export interface ServiceDeployConfig {
  Parallelism?: number;
  /** Nanoseconds between batches. */
  Delay?: number;
  /** Nanoseconds each replaced task is watched for a failure. */
  Monitor?: number;
  /** `rollback` only in UpdateConfig. */
  FailureAction?: 'pause' | 'continue' | 'rollback';
  Order?: 'stop-first' | 'start-first';
}

export interface ServiceSpec {
  Name: string;
  Labels?: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Labels?: Record<string, string>;
      Command?: string[];
      Args?: string[];
      Env?: string[];
      User?: string;
      /** A TTY's output is raw: logs are one stream. */
      TTY?: boolean;
      /** API 1.41. */
      CapabilityAdd?: string[];
      Mounts?: ServiceMount[];
      /** Secrets and configs handed to the task's container as files. */
      Secrets?: ServiceFileRef<'SecretID' | 'SecretName'>[];
      Configs?: ServiceFileRef<'ConfigID' | 'ConfigName'>[];
    };
    Resources?: {
      Limits?: { NanoCPUs?: number; MemoryBytes?: number };
      Reservations?: { NanoCPUs?: number; MemoryBytes?: number };
    };
    Networks?: { Target: string; Aliases?: string[] }[];
    ForceUpdate?: number;
  };
  Mode: { Replicated?: { Replicas: number }; Global?: Record<string, never> };
  EndpointSpec?: { Ports?: ServicePortConfig[] };
  UpdateConfig?: ServiceDeployConfig;
  RollbackConfig?: ServiceDeployConfig;
}

/** `GET /services` (with `status=true`) and `GET /services/{id}`. */
export interface Service {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: ServiceSpec;
  /** The spec before the last update: what a rollback restores. */
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Ports?: ServicePortConfig[]; VirtualIPs?: { NetworkID: string; Addr: string }[] };
  UpdateStatus?: { State: string; Message?: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number };
}

/** The engine's task states (api/types/swarm/task.go), in lifecycle order. */
export type TaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

/** `GET /tasks` */
export interface Task {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
  Labels: Labels;
  ServiceID: string;
  /** Global services have none. */
  Slot?: number;
  /** Empty until the scheduler assigns the task. */
  NodeID?: string;
  Status: {
    Timestamp: string;
    State: TaskState;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode?: number };
  };
  DesiredState: TaskState;
}

/** `GET /nodes` */
export interface SwarmNode {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name?: string;
    Labels: Labels;
    Role: 'worker' | 'manager';
    Availability: 'active' | 'pause' | 'drain';
  };
  Description: {
    Hostname: string;
    Platform: { Architecture: string; OS: string };
    Resources: { NanoCPUs: number; MemoryBytes: number };
    Engine: { EngineVersion: string };
  };
  Status: { State: 'unknown' | 'down' | 'ready' | 'disconnected'; Addr?: string; Message?: string };
  ManagerStatus?: { Leader?: boolean; Reachability: string; Addr: string };
}

/** `GET /secrets` and `GET /configs`: the spec's Data is never sent for a secret. */
export interface SwarmObject {
  ID: string;
  Version: ObjectVersion;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Name: string; Labels: Labels };
}
