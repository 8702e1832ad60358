/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A new container. Strings are at most 64 KiB; control characters are refused except in cmd, entrypoint, env, label values and healthcheck test, which refuse only NUL. */
export type ContainerCreateInput = {
  /** The engine removes the container when it exits. */
  autoRemove?: boolean | null | undefined;
  capAdd?: Array<string> | null | undefined;
  capDrop?: Array<string> | null | undefined;
  cmd?: Array<string> | null | undefined;
  /** CFS scheduler period in µs (1000 to 1000000); not with `nanoCpus`. */
  cpuPeriod?: number | null | undefined;
  /** CPU time in µs per `cpuPeriod` (at least 1000; -1 unlimited); not with `nanoCpus`. */
  cpuQuota?: number | null | undefined;
  /** Relative CPU weight. */
  cpuShares?: number | null | undefined;
  /** CPUs the container may use, e.g. `0-2,4`. */
  cpusetCpus?: string | null | undefined;
  /** Memory nodes the container may use, e.g. `0`. */
  cpusetMems?: string | null | undefined;
  deviceRequests?: Array<DeviceRequestInput> | null | undefined;
  devices?: Array<ContainerDeviceInput> | null | undefined;
  /** DNS server addresses. */
  dns?: Array<string> | null | undefined;
  /** resolv.conf options, e.g. `ndots:2`. */
  dnsOptions?: Array<string> | null | undefined;
  /** DNS search domains. */
  dnsSearch?: Array<string> | null | undefined;
  domainname?: string | null | undefined;
  entrypoint?: Array<string> | null | undefined;
  /** `KEY=value` entries. */
  env?: Array<string> | null | undefined;
  /** `host:ip` lines for /etc/hosts (ip may be `host-gateway`). */
  extraHosts?: Array<string> | null | undefined;
  /** Extra groups (names or gids) for the process. */
  groupAdd?: Array<string> | null | undefined;
  healthcheck?: HealthcheckInput | null | undefined;
  hostname?: string | null | undefined;
  /** Image id, `repo:tag` or `repo@digest`. */
  image: string;
  /** Run an init as PID 1 that reaps zombies and forwards signals. */
  init?: boolean | null | undefined;
  ipcMode?: string | null | undefined;
  /** Keys must be unique. */
  labels?: Array<LabelInput> | null | undefined;
  logConfig?: LogConfigInput | null | undefined;
  /** Memory limit in bytes. */
  memory?: number | null | undefined;
  /** Soft memory limit in bytes. */
  memoryReservation?: number | null | undefined;
  /** Memory plus swap in bytes, at least `memory`; -1 means unlimited swap. */
  memorySwap?: number | null | undefined;
  mounts?: Array<ContainerMountInput> | null | undefined;
  /** Unique; the engine makes one up when absent. */
  name?: string | null | undefined;
  /** CPU quota in billionths of a CPU. */
  nanoCpus?: number | null | undefined;
  /** `bridge`, `host`, `none`, `container:<ref>` or a network. */
  networkMode?: string | null | undefined;
  /** The first is joined at create (and is the network mode unless `networkMode` says otherwise), the others right after. */
  networks?: Array<ContainerNetworkInput> | null | undefined;
  /** Admin only. */
  oomKillDisable?: boolean | null | undefined;
  openStdin?: boolean | null | undefined;
  pidMode?: string | null | undefined;
  /** Maximum number of processes. */
  pidsLimit?: number | null | undefined;
  ports?: Array<ContainerPortInput> | null | undefined;
  privileged?: boolean | null | undefined;
  /** Mount the root file system read-only. */
  readonlyRootfs?: boolean | null | undefined;
  restartPolicy?: RestartPolicyInput | null | undefined;
  securityOpt?: Array<string> | null | undefined;
  /** Size of /dev/shm in bytes. */
  shmSize?: number | null | undefined;
  /** Signal `containerStop` sends first, e.g. SIGINT. */
  stopSignal?: string | null | undefined;
  /** Seconds `containerStop` waits before SIGKILL. */
  stopTimeout?: number | null | undefined;
  /** Namespaced kernel parameters; below admin only `net.*`. */
  sysctls?: Array<LabelInput> | null | undefined;
  tmpfs?: Array<TmpfsInput> | null | undefined;
  tty?: boolean | null | undefined;
  ulimits?: Array<UlimitInput> | null | undefined;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string | null | undefined;
  workingDir?: string | null | undefined;
};

export type ContainerDeviceInput = {
  /** Some of r, w and m. */
  cgroupPermissions?: string | null | undefined;
  /** Defaults to `pathOnHost`. */
  pathInContainer?: string | null | undefined;
  pathOnHost: string;
};

/** The engine's container filters. Values in one list match any; different fields must all match. */
export type ContainerFilter = {
  /** Image (id, repo:tag or digest) the container was created from, or a descendant of it. */
  ancestor?: Array<string> | null | undefined;
  /** Created before this container (id or name). */
  before?: string | null | undefined;
  /** Exit code (only matches exited containers). */
  exited?: Array<number> | null | undefined;
  /** Exposed port, e.g. `80/tcp`. */
  expose?: Array<string> | null | undefined;
  health?: Array<HealthStatus> | null | undefined;
  /** Full id or id prefix. */
  id?: Array<string> | null | undefined;
  /** Only (or no) swarm task containers. */
  isTask?: boolean | null | undefined;
  /** `key` (label is set) or `key=value`. */
  label?: Array<string> | null | undefined;
  /** Name or part of a name (the engine matches substrings). */
  name?: Array<string> | null | undefined;
  /** Network id or name. */
  network?: Array<string> | null | undefined;
  /** Published port, e.g. `8080` or `8080/tcp`. */
  publish?: Array<string> | null | undefined;
  /** Created after this container (id or name). */
  since?: string | null | undefined;
  status?: Array<ContainerState> | null | undefined;
  /** Volume name or mount destination. */
  volume?: Array<string> | null | undefined;
};

/** A container's mount; a service's task's mounts are made on its node. */
export type ContainerMountInput = {
  readOnly?: boolean | null | undefined;
  /** Volume name (absent: a new anonymous volume), host path for BIND; none for TMPFS. */
  source?: string | null | undefined;
  /** Absolute path in the container. */
  target: string;
  type: ContainerMountType;
};

/** The kinds of mount a container (or a service's task, on its node) can have. */
export type ContainerMountType =
  /** A host path; it must exist. */
  | 'BIND'
  /** Memory-backed, gone when the container stops. */
  | 'TMPFS'
  /** A named volume, or a new anonymous one. */
  | 'VOLUME';

export type ContainerNetworkInput = {
  /** DNS names for the container on this network. */
  aliases?: Array<string> | null | undefined;
  /** A static address; the network needs a subnet. */
  ipv4Address?: string | null | undefined;
  /** Network name or id. */
  network: string;
};

/** A published port (like `docker run -p`): exposed, and bound on the host; without `hostPort` the engine picks a free one. */
export type ContainerPortInput = {
  containerPort: number;
  /** The host address to bind; all addresses when absent. */
  hostIp?: string | null | undefined;
  hostPort?: number | null | undefined;
  protocol?: PortProtocol | null | undefined;
};

/** Every state the engine reports; none is folded into another. */
export type ContainerState =
  | 'CREATED'
  | 'DEAD'
  | 'EXITED'
  | 'PAUSED'
  | 'REMOVING'
  | 'RESTARTING'
  | 'RUNNING';

/** Limits and restart policy of an existing container; absent fields stay as they are. */
export type ContainerUpdateInput = {
  cpuShares?: number | null | undefined;
  /** Memory limit in bytes. The engine refuses one above the current swap limit (CONFLICT) unless `memorySwap` comes with it. */
  memory?: number | null | undefined;
  /** Memory plus swap in bytes, at least `memory`; -1 means unlimited swap. */
  memorySwap?: number | null | undefined;
  /** CPU quota in billionths of a CPU. */
  nanoCpus?: number | null | undefined;
  pidsLimit?: number | null | undefined;
  restartPolicy?: RestartPolicyInput | null | undefined;
};

/** Devices through a driver (`docker run --gpus`). Admin only. */
export type DeviceRequestInput = {
  /** All of these, e.g. `["gpu"]`. */
  capabilities?: Array<string> | null | undefined;
  /** How many; -1 means all. Not with `deviceIds`. */
  count?: number | null | undefined;
  /** Devices by id or index. Not with `count`. */
  deviceIds?: Array<string> | null | undefined;
  /** e.g. `nvidia`; the engine picks by capability when absent. */
  driver?: string | null | undefined;
};

export type HealthStatus =
  | 'HEALTHY'
  | 'NONE'
  | 'STARTING'
  | 'UNHEALTHY';

export type HealthcheckInput = {
  intervalMs?: number | null | undefined;
  retries?: number | null | undefined;
  startPeriodMs?: number | null | undefined;
  /** `["CMD", prog, args…]`, `["CMD-SHELL", script]` or `["NONE"]`. */
  test: Array<string>;
  timeoutMs?: number | null | undefined;
};

/** A key and its value: a label, or a driver option. */
export type LabelInput = {
  key: string;
  value: string;
};

/** The container's log driver and its options (`docker run --log-driver --log-opt`). Below admin only the drivers in WHARF_LOG_DRIVER_ALLOW (json-file, local and none by default). */
export type LogConfigInput = {
  driver: string;
  /** e.g. `max-size: 10m`. */
  options?: Array<LabelInput> | null | undefined;
};

export type MountType =
  | 'BIND'
  | 'CLUSTER'
  | 'NPIPE'
  | 'TMPFS'
  | 'VOLUME';

export type PortProtocol =
  | 'SCTP'
  | 'TCP'
  | 'UDP';

/** Which unused objects a prune may remove. */
export type PruneFilter = {
  /** `key` or `key=value`; all must match. */
  label?: Array<string> | null | undefined;
  /** Created before: a timestamp or a duration like `10m`. */
  until?: string | null | undefined;
};

export type RestartPolicyInput = {
  /** Only with ON_FAILURE; 0 retries forever. */
  maximumRetryCount?: number | null | undefined;
  name: RestartPolicyName;
};

export type RestartPolicyName =
  | 'ALWAYS'
  | 'NO'
  | 'ON_FAILURE'
  | 'UNLESS_STOPPED';

/** A tmpfs at a path (`docker run --tmpfs target:options`). */
export type TmpfsInput = {
  /** Comma-separated, e.g. `size=64m,mode=1777,noexec`. */
  options?: string | null | undefined;
  /** Absolute path in the container. */
  target: string;
};

export type UlimitInput = {
  /** -1 means unlimited. */
  hard: number;
  /** `nofile`, `nproc`, `memlock`, … */
  name: string;
  /** -1 means unlimited. */
  soft: number;
};

export type WaitCondition =
  /** The next time it exits, even if stopped now. */
  | 'NEXT_EXIT'
  /** Answers at once if it is not running. */
  | 'NOT_RUNNING'
  /** When it has been removed. */
  | 'REMOVED';

export type MutatedContainerFragment = { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } };

export type ContainerCreateMutationVariables = Exact<{
  input: ContainerCreateInput;
  start?: boolean | null | undefined;
}>;


export type ContainerCreateMutation = { containerCreate: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } };

export type ContainerStartMutationVariables = Exact<{
  ref: string;
}>;


export type ContainerStartMutation = { containerStart: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerStopMutationVariables = Exact<{
  ref: string;
  timeout?: number | null | undefined;
}>;


export type ContainerStopMutation = { containerStop: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerRestartMutationVariables = Exact<{
  ref: string;
  timeout?: number | null | undefined;
}>;


export type ContainerRestartMutation = { containerRestart: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerKillMutationVariables = Exact<{
  ref: string;
  signal?: string | null | undefined;
}>;


export type ContainerKillMutation = { containerKill: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerPauseMutationVariables = Exact<{
  ref: string;
}>;


export type ContainerPauseMutation = { containerPause: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerUnpauseMutationVariables = Exact<{
  ref: string;
}>;


export type ContainerUnpauseMutation = { containerUnpause: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerRenameMutationVariables = Exact<{
  ref: string;
  name: string;
}>;


export type ContainerRenameMutation = { containerRename: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerUpdateMutationVariables = Exact<{
  ref: string;
  input: ContainerUpdateInput;
}>;


export type ContainerUpdateMutation = { containerUpdate: { changed: boolean, container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, labels: Array<{ key: string, value: string }>, config: { cmd: Array<string> | null, hostname: string }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, networkMode: string, restartPolicy: { name: string, maximumRetryCount: number } } } } };

export type ContainerRemoveMutationVariables = Exact<{
  ref: string;
  force?: boolean | null | undefined;
  volumes?: boolean | null | undefined;
}>;


export type ContainerRemoveMutation = { containerRemove: { dockerId: string, removed: boolean } };

export type ContainerWaitMutationVariables = Exact<{
  ref: string;
  condition?: WaitCondition | null | undefined;
}>;


export type ContainerWaitMutation = { containerWait: { exitCode: number, error: string | null } };

export type ContainersPruneMutationVariables = Exact<{
  filter?: PruneFilter | null | undefined;
}>;


export type ContainersPruneMutation = { containersPrune: { containersDeleted: Array<string>, spaceReclaimed: number } };

export type ContainerListQueryVariables = Exact<{
  all: boolean;
  filter?: ContainerFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ContainerListQuery = { containers: { edges: Array<{ cursor: string, node: { id: string, dockerId: string, shortId: string, name: string, names: Array<string>, imageRef: string, command: string, createdAt: string, state: ContainerState, status: string, ports: Array<{ privatePort: number, publicPort: number | null, protocol: string, ip: string | null }>, labels: Array<{ key: string, value: string }>, mounts: Array<{ type: MountType, name: string | null, source: string, destination: string, mode: string, rw: boolean, propagation: string }>, networks: Array<{ networkName: string, ipv4Address: string | null, macAddress: string | null }> } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type ContainerDetailsQueryVariables = Exact<{
  ref: string;
}>;


export type ContainerDetailsQuery = { container: { id: string, dockerId: string, name: string, state: ContainerState, exitCode: number | null, startedAt: string | null, finishedAt: string | null, restartCount: number, oomKilled: boolean, env: Array<string>, health: { status: HealthStatus, failingStreak: number, lastOutput: string | null } | null, config: { hostname: string, user: string, workingDir: string, entrypoint: Array<string> | null, cmd: Array<string> | null, tty: boolean }, hostConfig: { memory: number, nanoCpus: number, pidsLimit: number | null, privileged: boolean, networkMode: string, autoRemove: boolean, restartPolicy: { name: string, maximumRetryCount: number } }, image: { dockerId: string, tags: Array<string> } | null } | null };

export const MutatedContainerFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<MutatedContainerFragment, unknown>;
export const ContainerCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ContainerCreateInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"start"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerCreate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"start"},"value":{"kind":"Variable","name":{"kind":"Name","value":"start"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerCreateMutation, ContainerCreateMutationVariables>;
export const ContainerStartDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerStart"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerStart"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerStartMutation, ContainerStartMutationVariables>;
export const ContainerStopDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerStop"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeout"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerStop"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"timeout"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeout"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerStopMutation, ContainerStopMutationVariables>;
export const ContainerRestartDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerRestart"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeout"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerRestart"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"timeout"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeout"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerRestartMutation, ContainerRestartMutationVariables>;
export const ContainerKillDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerKill"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"signal"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerKill"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"signal"},"value":{"kind":"Variable","name":{"kind":"Name","value":"signal"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerKillMutation, ContainerKillMutationVariables>;
export const ContainerPauseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerPause"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerPause"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerPauseMutation, ContainerPauseMutationVariables>;
export const ContainerUnpauseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerUnpause"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerUnpause"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerUnpauseMutation, ContainerUnpauseMutationVariables>;
export const ContainerRenameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerRename"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerRename"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerRenameMutation, ContainerRenameMutationVariables>;
export const ContainerUpdateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerUpdate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ContainerUpdateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerUpdate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"container"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MutatedContainer"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MutatedContainer"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Container"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"hostname"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}}]}}]}}]} as unknown as DocumentNode<ContainerUpdateMutation, ContainerUpdateMutationVariables>;
export const ContainerRemoveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerRemove"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"force"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"volumes"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerRemove"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"force"},"value":{"kind":"Variable","name":{"kind":"Name","value":"force"}}},{"kind":"Argument","name":{"kind":"Name","value":"volumes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"volumes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}}]}}]}}]} as unknown as DocumentNode<ContainerRemoveMutation, ContainerRemoveMutationVariables>;
export const ContainerWaitDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainerWait"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"condition"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"WaitCondition"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containerWait"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}},{"kind":"Argument","name":{"kind":"Name","value":"condition"},"value":{"kind":"Variable","name":{"kind":"Name","value":"condition"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<ContainerWaitMutation, ContainerWaitMutationVariables>;
export const ContainersPruneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ContainersPrune"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PruneFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containersPrune"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containersDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"spaceReclaimed"}}]}}]}}]} as unknown as DocumentNode<ContainersPruneMutation, ContainersPruneMutationVariables>;
export const ContainerListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContainerList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ContainerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"shortId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"names"}},{"kind":"Field","name":{"kind":"Name","value":"imageRef"}},{"kind":"Field","name":{"kind":"Name","value":"command"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ports"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"privatePort"}},{"kind":"Field","name":{"kind":"Name","value":"publicPort"}},{"kind":"Field","name":{"kind":"Name","value":"protocol"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}}]}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"destination"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"rw"}},{"kind":"Field","name":{"kind":"Name","value":"propagation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"networks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"networkName"}},{"kind":"Field","name":{"kind":"Name","value":"ipv4Address"}},{"kind":"Field","name":{"kind":"Name","value":"macAddress"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ContainerListQuery, ContainerListQueryVariables>;
export const ContainerDetailsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContainerDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"container"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restartCount"}},{"kind":"Field","name":{"kind":"Name","value":"oomKilled"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"failingStreak"}},{"kind":"Field","name":{"kind":"Name","value":"lastOutput"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hostname"}},{"kind":"Field","name":{"kind":"Name","value":"user"}},{"kind":"Field","name":{"kind":"Name","value":"workingDir"}},{"kind":"Field","name":{"kind":"Name","value":"entrypoint"}},{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"tty"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"privileged"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}},{"kind":"Field","name":{"kind":"Name","value":"autoRemove"}}]}},{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]}}]} as unknown as DocumentNode<ContainerDetailsQuery, ContainerDetailsQueryVariables>;