/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ConsoleSizeInput = {
  cols: number;
  rows: number;
};

export type ContainerAction =
  | 'EXEC'
  | 'KILL'
  | 'PAUSE'
  | 'REMOVE'
  | 'RESTART'
  | 'START'
  | 'STOP'
  | 'UNPAUSE';

/** Every state the engine reports; none is folded into another. */
export type ContainerState =
  | 'CREATED'
  | 'DEAD'
  | 'EXITED'
  | 'PAUSED'
  | 'REMOVING'
  | 'RESTARTING'
  | 'RUNNING';

export type EventGapReason =
  /** The engine could not be reached for a while (restarted, or the socket was gone). */
  | 'ENGINE_UNAVAILABLE'
  /** The engine could not replay from the last event (it restarted, or its 256-event buffer overran). */
  | 'REPLAY_INCOMPLETE';

export type EventStreamState =
  /** The engine's `/events` stream is open. */
  | 'CONNECTED'
  /** Wanted but not open: connecting, or lost and retrying with backoff. Events missed meanwhile are replayed or reported as an `EventGap` once it is back. */
  | 'DISCONNECTED'
  /** Nobody listens, so no stream is open: nothing is known. */
  | 'IDLE';

export type EventType =
  | 'BUILDER'
  | 'CONFIG'
  | 'CONTAINER'
  | 'DAEMON'
  | 'IMAGE'
  | 'NETWORK'
  | 'NODE'
  | 'PLUGIN'
  | 'SECRET'
  | 'SERVICE'
  | 'VOLUME';

export type ExecInput = {
  cmd: Array<string>;
  /** Initial TTY size (engines ≥ 1.42). */
  consoleSize?: ConsoleSizeInput | null | undefined;
  /** Global id, full id, unique id prefix or name. */
  container: string;
  /** The engine to look the container name or prefix up on (see `container(engine:)`). */
  engine?: string | null | undefined;
  /** `KEY=value` entries. */
  env?: Array<string> | null | undefined;
  /** Keep stdin open for `execInput`. */
  stdin?: boolean | null | undefined;
  tty?: boolean | null | undefined;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string | null | undefined;
  workingDir?: string | null | undefined;
};

export type HealthStatus =
  | 'HEALTHY'
  | 'NONE'
  | 'STARTING'
  | 'UNHEALTHY';

export type LogEndReason =
  /** The engine went away mid-stream. */
  | 'ENGINE_GONE'
  /** The container stopped; `exitCode` says how. */
  | 'EXITED'
  /** follow: false, and the history is all sent; `exitCode` is the last finished run’s (null while it runs). */
  | 'HISTORY_END'
  /** The container was removed. */
  | 'REMOVED';

export type MountType =
  | 'BIND'
  | 'CLUSTER'
  | 'NPIPE'
  | 'TMPFS'
  | 'VOLUME';

/** Where a process wrote. With a TTY the engine merges both into one raw stream, reported as STDOUT: stderr cannot be told apart there. */
export type OutputStream =
  | 'STDERR'
  | 'STDOUT';

/** What a token may do; each role includes the one before it (README, Roles). */
export type Role =
  | 'admin'
  | 'operator'
  | 'viewer';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { name: string, role: Role, labels: Array<string>, engines: Array<string> } };

export type StartMutationVariables = Exact<{
  ref: string;
}>;


export type StartMutation = { containerStart: { changed: boolean } };

export type StopMutationVariables = Exact<{
  ref: string;
}>;


export type StopMutation = { containerStop: { changed: boolean } };

export type RestartMutationVariables = Exact<{
  ref: string;
}>;


export type RestartMutation = { containerRestart: { changed: boolean } };

export type RemoveMutationVariables = Exact<{
  ref: string;
}>;


export type RemoveMutation = { containerRemove: { id: string } };

export type ContainerLinkFragment = { id: string, name: string, state: ContainerState };

export type ContainerQueryVariables = Exact<{
  id: string;
}>;


export type ContainerQuery = { container: { dockerId: string, command: string, env: Array<string>, restartCount: number, id: string, engine: string, name: string, state: ContainerState, status: string, createdAt: string, startedAt: string | null, imageRef: string, allowedActions: Array<ContainerAction>, networks: Array<{ ipv4Address: string | null, networkName: string }>, mounts: Array<{ type: MountType, source: string, destination: string, rw: boolean }>, hostConfig: { restartPolicy: { name: string, maximumRetryCount: number } }, health: { status: HealthStatus } | null, image: { tags: Array<string> } | null, ports: Array<{ ip: string | null, privatePort: number, publicPort: number | null, protocol: string }>, labels: Array<{ key: string, value: string }> } | null };

export type ContainerRowFragment = { id: string, engine: string, name: string, state: ContainerState, status: string, createdAt: string, startedAt: string | null, imageRef: string, allowedActions: Array<ContainerAction>, health: { status: HealthStatus } | null, image: { tags: Array<string> } | null, ports: Array<{ ip: string | null, privatePort: number, publicPort: number | null, protocol: string }>, networks: Array<{ networkName: string }>, labels: Array<{ key: string, value: string }> };

export type ContainersQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ContainersQuery = { containers: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, engine: string, name: string, state: ContainerState, status: string, createdAt: string, startedAt: string | null, imageRef: string, allowedActions: Array<ContainerAction>, health: { status: HealthStatus } | null, image: { tags: Array<string> } | null, ports: Array<{ ip: string | null, privatePort: number, publicPort: number | null, protocol: string }>, networks: Array<{ networkName: string }>, labels: Array<{ key: string, value: string }> } }> } };

type Figures_BuildCacheDiskUsage_Fragment = { count: number, active: number, size: number, reclaimable: number };

type Figures_ContainerDiskUsage_Fragment = { count: number, active: number, size: number, reclaimable: number };

type Figures_ImageDiskUsage_Fragment = { count: number, active: number, size: number, reclaimable: number };

type Figures_VolumeDiskUsage_Fragment = { count: number, active: number, size: number, reclaimable: number };

export type FiguresFragment =
  | Figures_BuildCacheDiskUsage_Fragment
  | Figures_ContainerDiskUsage_Fragment
  | Figures_ImageDiskUsage_Fragment
  | Figures_VolumeDiskUsage_Fragment
;

export type DiskUsageQueryVariables = Exact<{
  engine?: string | null | undefined;
}>;


export type DiskUsageQuery = { diskUsage: { engine: string, images: { count: number, active: number, size: number, reclaimable: number }, containers: { count: number, active: number, size: number, reclaimable: number }, volumes: { count: number, active: number, size: number, reclaimable: number }, buildCache: { count: number, active: number, size: number, reclaimable: number } }, engines: Array<{ name: string }> };

export type EngineChipFragment = { name: string, version: string | null, apiVersion: string | null, health: { ready: boolean, error: string | null, events: { state: EventStreamState, gaps: number, lastEventAt: string | null } } };

export type EnginesQueryVariables = Exact<{ [key: string]: never; }>;


export type EnginesQuery = { engines: Array<{ name: string, version: string | null, apiVersion: string | null, health: { ready: boolean, error: string | null, events: { state: EventStreamState, gaps: number, lastEventAt: string | null } } }> };

export type EnginesRefreshQueryVariables = Exact<{ [key: string]: never; }>;


export type EnginesRefreshQuery = { engines: Array<{ name: string, version: string | null, apiVersion: string | null, health: { ready: boolean, error: string | null, events: { state: EventStreamState, gaps: number, lastEventAt: string | null } } }> };

export type EventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type EventsSubscription = { events:
    | { __typename: 'EngineEvent', type: EventType, action: string, actorId: string, actorName: string | null, engine: string, time: string, timeNano: string, exitCode: number | null, cursor: string }
    | { __typename: 'EventGap', from: string | null, to: string, reason: EventGapReason, engine: string }
   };

export type ImagesQueryVariables = Exact<{ [key: string]: never; }>;


export type ImagesQuery = { images: { totalCount: number, edges: Array<{ node: { id: string, engine: string, shortId: string, tags: Array<string>, size: number, createdAt: string, containers: Array<{ id: string, name: string, state: ContainerState }> } }> } };

export type LogsSubscriptionVariables = Exact<{
  id: string;
}>;


export type LogsSubscription = { containerLogs:
    | { __typename: 'LogEnd', reason: LogEndReason, exitCode: number | null }
    | { __typename: 'LogLines', lines: Array<{ stream: OutputStream, text: string, cursor: string | null }> }
   };

export type NetworksQueryVariables = Exact<{ [key: string]: never; }>;


export type NetworksQuery = { networks: { totalCount: number, edges: Array<{ node: { id: string, engine: string, name: string, driver: string, scope: string, internal: boolean, containers: Array<{ container: { id: string, name: string, state: ContainerState } }> } }> } };

export type StatsSubscriptionVariables = Exact<{
  id: string;
}>;


export type StatsSubscription = { containerStats: { read: string, cpuPercent: number, memoryUsage: number, networkRxBytes: number, networkTxBytes: number, blockReadBytes: number, blockWriteBytes: number } };

export type ExecCreateMutationVariables = Exact<{
  input: ExecInput;
}>;


export type ExecCreateMutation = { execCreate: { execId: string, engine: string } };

export type ExecAttachSubscriptionVariables = Exact<{
  execId: string;
  engine?: string | null | undefined;
}>;


export type ExecAttachSubscription = { execAttach:
    | { __typename: 'ExecExit', exitCode: number | null }
    | { __typename: 'ExecOutput', text: string }
   };

export type ExecInputMutationVariables = Exact<{
  execId: string;
  engine?: string | null | undefined;
  data: string;
}>;


export type ExecInputMutation = { execInput: boolean };

export type ExecResizeMutationVariables = Exact<{
  execId: string;
  engine?: string | null | undefined;
  rows: number;
  cols: number;
}>;


export type ExecResizeMutation = { execResize: boolean };

export type VolumesQueryVariables = Exact<{ [key: string]: never; }>;


export type VolumesQuery = { volumes: { totalCount: number, edges: Array<{ node: { id: string, engine: string, name: string, driver: string, usedBy: Array<{ id: string, name: string, state: ContainerState }> } }> } };

export type VolumeSizesQueryVariables = Exact<{ [key: string]: never; }>;


export type VolumeSizesQuery = { volumes: { edges: Array<{ node: { id: string, size: number | null } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ContainerLinkFragmentDoc = new TypedDocumentString(`
    fragment ContainerLink on Container {
  id
  name
  state
}
    `, {"fragmentName":"ContainerLink"}) as unknown as TypedDocumentString<ContainerLinkFragment, unknown>;
export const ContainerRowFragmentDoc = new TypedDocumentString(`
    fragment ContainerRow on Container {
  id
  engine
  name
  state
  status
  createdAt
  startedAt
  imageRef
  health {
    status
  }
  image {
    tags
  }
  ports {
    ip
    privatePort
    publicPort
    protocol
  }
  networks {
    networkName
  }
  labels {
    key
    value
  }
  allowedActions
}
    `, {"fragmentName":"ContainerRow"}) as unknown as TypedDocumentString<ContainerRowFragment, unknown>;
export const FiguresFragmentDoc = new TypedDocumentString(`
    fragment Figures on DiskUsageFigures {
  count
  active
  size
  reclaimable
}
    `, {"fragmentName":"Figures"}) as unknown as TypedDocumentString<FiguresFragment, unknown>;
export const EngineChipFragmentDoc = new TypedDocumentString(`
    fragment EngineChip on Engine {
  name
  version
  apiVersion
  health {
    ready
    error
    events {
      state
      gaps
      lastEventAt
    }
  }
}
    `, {"fragmentName":"EngineChip"}) as unknown as TypedDocumentString<EngineChipFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    name
    role
    labels
    engines
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const StartDocument = new TypedDocumentString(`
    mutation Start($ref: String!) {
  containerStart(ref: $ref) {
    changed
  }
}
    `) as unknown as TypedDocumentString<StartMutation, StartMutationVariables>;
export const StopDocument = new TypedDocumentString(`
    mutation Stop($ref: String!) {
  containerStop(ref: $ref) {
    changed
  }
}
    `) as unknown as TypedDocumentString<StopMutation, StopMutationVariables>;
export const RestartDocument = new TypedDocumentString(`
    mutation Restart($ref: String!) {
  containerRestart(ref: $ref) {
    changed
  }
}
    `) as unknown as TypedDocumentString<RestartMutation, RestartMutationVariables>;
export const RemoveDocument = new TypedDocumentString(`
    mutation Remove($ref: String!) {
  containerRemove(ref: $ref, force: true) {
    id
  }
}
    `) as unknown as TypedDocumentString<RemoveMutation, RemoveMutationVariables>;
export const ContainerDocument = new TypedDocumentString(`
    query Container($id: String!) @live {
  container(ref: $id) {
    ...ContainerRow
    dockerId
    command
    env
    restartCount
    networks {
      ipv4Address
    }
    mounts {
      type
      source
      destination
      rw
    }
    hostConfig {
      restartPolicy {
        name
        maximumRetryCount
      }
    }
  }
}
    fragment ContainerRow on Container {
  id
  engine
  name
  state
  status
  createdAt
  startedAt
  imageRef
  health {
    status
  }
  image {
    tags
  }
  ports {
    ip
    privatePort
    publicPort
    protocol
  }
  networks {
    networkName
  }
  labels {
    key
    value
  }
  allowedActions
}`) as unknown as TypedDocumentString<ContainerQuery, ContainerQueryVariables>;
export const ContainersDocument = new TypedDocumentString(`
    query Containers($after: String) @live {
  containers(all: true, first: 100, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...ContainerRow
      }
    }
  }
}
    fragment ContainerRow on Container {
  id
  engine
  name
  state
  status
  createdAt
  startedAt
  imageRef
  health {
    status
  }
  image {
    tags
  }
  ports {
    ip
    privatePort
    publicPort
    protocol
  }
  networks {
    networkName
  }
  labels {
    key
    value
  }
  allowedActions
}`) as unknown as TypedDocumentString<ContainersQuery, ContainersQueryVariables>;
export const DiskUsageDocument = new TypedDocumentString(`
    query DiskUsage($engine: String) {
  diskUsage(engine: $engine) {
    engine
    images {
      ...Figures
    }
    containers {
      ...Figures
    }
    volumes {
      ...Figures
    }
    buildCache {
      ...Figures
    }
  }
  engines {
    name
  }
}
    fragment Figures on DiskUsageFigures {
  count
  active
  size
  reclaimable
}`) as unknown as TypedDocumentString<DiskUsageQuery, DiskUsageQueryVariables>;
export const EnginesDocument = new TypedDocumentString(`
    query Engines @live {
  engines {
    ...EngineChip
  }
}
    fragment EngineChip on Engine {
  name
  version
  apiVersion
  health {
    ready
    error
    events {
      state
      gaps
      lastEventAt
    }
  }
}`) as unknown as TypedDocumentString<EnginesQuery, EnginesQueryVariables>;
export const EnginesRefreshDocument = new TypedDocumentString(`
    query EnginesRefresh {
  engines {
    ...EngineChip
  }
}
    fragment EngineChip on Engine {
  name
  version
  apiVersion
  health {
    ready
    error
    events {
      state
      gaps
      lastEventAt
    }
  }
}`) as unknown as TypedDocumentString<EnginesRefreshQuery, EnginesRefreshQueryVariables>;
export const EventsDocument = new TypedDocumentString(`
    subscription Events($after: String) {
  events(after: $after) {
    __typename
    ... on EngineEvent {
      type
      action
      actorId
      actorName
      engine
      time
      timeNano
      exitCode
      cursor
    }
    ... on EventGap {
      from
      to
      reason
      engine
    }
  }
}
    `) as unknown as TypedDocumentString<EventsSubscription, EventsSubscriptionVariables>;
export const ImagesDocument = new TypedDocumentString(`
    query Images @live {
  images(first: 100) {
    totalCount
    edges {
      node {
        id
        engine
        shortId
        tags
        size
        createdAt
        containers {
          ...ContainerLink
        }
      }
    }
  }
}
    fragment ContainerLink on Container {
  id
  name
  state
}`) as unknown as TypedDocumentString<ImagesQuery, ImagesQueryVariables>;
export const LogsDocument = new TypedDocumentString(`
    subscription Logs($id: String!) {
  containerLogs(ref: $id, tail: 200, follow: true) {
    __typename
    ... on LogLines {
      lines {
        stream
        text
        cursor
      }
    }
    ... on LogEnd {
      reason
      exitCode
    }
  }
}
    `) as unknown as TypedDocumentString<LogsSubscription, LogsSubscriptionVariables>;
export const NetworksDocument = new TypedDocumentString(`
    query Networks @live {
  networks(first: 100) {
    totalCount
    edges {
      node {
        id
        engine
        name
        driver
        scope
        internal
        containers {
          container {
            ...ContainerLink
          }
        }
      }
    }
  }
}
    fragment ContainerLink on Container {
  id
  name
  state
}`) as unknown as TypedDocumentString<NetworksQuery, NetworksQueryVariables>;
export const StatsDocument = new TypedDocumentString(`
    subscription Stats($id: String!) {
  containerStats(ref: $id) {
    read
    cpuPercent
    memoryUsage
    networkRxBytes
    networkTxBytes
    blockReadBytes
    blockWriteBytes
  }
}
    `) as unknown as TypedDocumentString<StatsSubscription, StatsSubscriptionVariables>;
export const ExecCreateDocument = new TypedDocumentString(`
    mutation ExecCreate($input: ExecInput!) {
  execCreate(input: $input) {
    execId
    engine
  }
}
    `) as unknown as TypedDocumentString<ExecCreateMutation, ExecCreateMutationVariables>;
export const ExecAttachDocument = new TypedDocumentString(`
    subscription ExecAttach($execId: String!, $engine: String) {
  execAttach(execId: $execId, engine: $engine) {
    __typename
    ... on ExecOutput {
      text
    }
    ... on ExecExit {
      exitCode
    }
  }
}
    `) as unknown as TypedDocumentString<ExecAttachSubscription, ExecAttachSubscriptionVariables>;
export const ExecInputDocument = new TypedDocumentString(`
    mutation ExecInput($execId: String!, $engine: String, $data: String!) {
  execInput(execId: $execId, engine: $engine, data: $data)
}
    `) as unknown as TypedDocumentString<ExecInputMutation, ExecInputMutationVariables>;
export const ExecResizeDocument = new TypedDocumentString(`
    mutation ExecResize($execId: String!, $engine: String, $rows: Int!, $cols: Int!) {
  execResize(execId: $execId, engine: $engine, rows: $rows, cols: $cols)
}
    `) as unknown as TypedDocumentString<ExecResizeMutation, ExecResizeMutationVariables>;
export const VolumesDocument = new TypedDocumentString(`
    query Volumes @live {
  volumes(first: 100) {
    totalCount
    edges {
      node {
        id
        engine
        name
        driver
        usedBy {
          ...ContainerLink
        }
      }
    }
  }
}
    fragment ContainerLink on Container {
  id
  name
  state
}`) as unknown as TypedDocumentString<VolumesQuery, VolumesQueryVariables>;
export const VolumeSizesDocument = new TypedDocumentString(`
    query VolumeSizes {
  volumes(first: 100) {
    edges {
      node {
        id
        size
      }
    }
  }
}
    `) as unknown as TypedDocumentString<VolumeSizesQuery, VolumeSizesQueryVariables>;