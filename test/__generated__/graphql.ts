/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
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

/** Every state the engine reports; none is folded into another. */
export type ContainerState =
  | 'CREATED'
  | 'DEAD'
  | 'EXITED'
  | 'PAUSED'
  | 'REMOVING'
  | 'RESTARTING'
  | 'RUNNING';

export type HealthStatus =
  | 'HEALTHY'
  | 'NONE'
  | 'STARTING'
  | 'UNHEALTHY';

export type MountType =
  | 'BIND'
  | 'CLUSTER'
  | 'NPIPE'
  | 'TMPFS'
  | 'VOLUME';

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


export const ContainerListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContainerList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"all"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ContainerFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"containers"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"all"},"value":{"kind":"Variable","name":{"kind":"Name","value":"all"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"shortId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"names"}},{"kind":"Field","name":{"kind":"Name","value":"imageRef"}},{"kind":"Field","name":{"kind":"Name","value":"command"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"ports"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"privatePort"}},{"kind":"Field","name":{"kind":"Name","value":"publicPort"}},{"kind":"Field","name":{"kind":"Name","value":"protocol"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}}]}},{"kind":"Field","name":{"kind":"Name","value":"labels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"destination"}},{"kind":"Field","name":{"kind":"Name","value":"mode"}},{"kind":"Field","name":{"kind":"Name","value":"rw"}},{"kind":"Field","name":{"kind":"Name","value":"propagation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"networks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"networkName"}},{"kind":"Field","name":{"kind":"Name","value":"ipv4Address"}},{"kind":"Field","name":{"kind":"Name","value":"macAddress"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ContainerListQuery, ContainerListQueryVariables>;
export const ContainerDetailsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContainerDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ref"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"container"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ref"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ref"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"exitCode"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"restartCount"}},{"kind":"Field","name":{"kind":"Name","value":"oomKilled"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"failingStreak"}},{"kind":"Field","name":{"kind":"Name","value":"lastOutput"}}]}},{"kind":"Field","name":{"kind":"Name","value":"config"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hostname"}},{"kind":"Field","name":{"kind":"Name","value":"user"}},{"kind":"Field","name":{"kind":"Name","value":"workingDir"}},{"kind":"Field","name":{"kind":"Name","value":"entrypoint"}},{"kind":"Field","name":{"kind":"Name","value":"cmd"}},{"kind":"Field","name":{"kind":"Name","value":"tty"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hostConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restartPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"maximumRetryCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memory"}},{"kind":"Field","name":{"kind":"Name","value":"nanoCpus"}},{"kind":"Field","name":{"kind":"Name","value":"pidsLimit"}},{"kind":"Field","name":{"kind":"Name","value":"privileged"}},{"kind":"Field","name":{"kind":"Name","value":"networkMode"}},{"kind":"Field","name":{"kind":"Name","value":"autoRemove"}}]}},{"kind":"Field","name":{"kind":"Name","value":"env"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dockerId"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]}}]} as unknown as DocumentNode<ContainerDetailsQuery, ContainerDetailsQueryVariables>;