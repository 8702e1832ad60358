/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Me { me { name role labels engines } }": typeof types.MeDocument,
    "mutation Start($ref: String!) { containerStart(ref: $ref) { changed } }": typeof types.StartDocument,
    "mutation Stop($ref: String!) { containerStop(ref: $ref) { changed } }": typeof types.StopDocument,
    "mutation Restart($ref: String!) { containerRestart(ref: $ref) { changed } }": typeof types.RestartDocument,
    "mutation Remove($ref: String!) { containerRemove(ref: $ref, force: true) { id } }": typeof types.RemoveDocument,
    "fragment ContainerLink on Container { id name state }": typeof types.ContainerLinkFragmentDoc,
    "query Container($id: String!) @live {\n  container(ref: $id) {\n    ...ContainerRow\n    dockerId command env restartCount\n    networks { ipv4Address }\n    mounts { type source destination rw }\n    hostConfig { restartPolicy { name maximumRetryCount } }\n  }\n}": typeof types.ContainerDocument,
    "fragment ContainerRow on Container {\n  id engine name state status createdAt startedAt imageRef\n  health { status }\n  image { tags }\n  ports { ip privatePort publicPort protocol }\n  networks { networkName }\n  labels { key value }\n  allowedActions\n}": typeof types.ContainerRowFragmentDoc,
    "query Containers($after: String) @live {\n  containers(all: true, first: 100, after: $after) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { ...ContainerRow } }\n  }\n}": typeof types.ContainersDocument,
    "fragment Figures on DiskUsageFigures { count active size reclaimable }": typeof types.FiguresFragmentDoc,
    "query DiskUsage($engine: String) {\n  diskUsage(engine: $engine) {\n    engine\n    images { ...Figures }\n    containers { ...Figures }\n    volumes { ...Figures }\n    buildCache { ...Figures }\n  }\n  engines { name }\n}": typeof types.DiskUsageDocument,
    "fragment EngineChip on Engine {\n  name version apiVersion\n  health { ready error events { state gaps lastEventAt } }\n}": typeof types.EngineChipFragmentDoc,
    "query Engines @live { engines { ...EngineChip } }": typeof types.EnginesDocument,
    "query EnginesRefresh { engines { ...EngineChip } }": typeof types.EnginesRefreshDocument,
    "subscription Events($after: String) {\n  events(after: $after) {\n    __typename\n    ... on EngineEvent { type action actorId actorName engine time timeNano exitCode cursor }\n    ... on EventGap { from to reason engine }\n  }\n}": typeof types.EventsDocument,
    "query Images @live {\n  images(first: 100) {\n    totalCount\n    edges { node { id engine shortId tags size createdAt containers { ...ContainerLink } } }\n  }\n}": typeof types.ImagesDocument,
    "subscription Logs($id: String!) {\n  containerLogs(ref: $id, tail: 200, follow: true) {\n    __typename\n    ... on LogLines { lines { stream text cursor } }\n    ... on LogEnd { reason exitCode }\n  }\n}": typeof types.LogsDocument,
    "query Networks @live {\n  networks(first: 100) {\n    totalCount\n    edges { node {\n      id engine name driver scope internal\n      containers { container { ...ContainerLink } }\n    } }\n  }\n}": typeof types.NetworksDocument,
    "subscription Stats($id: String!) {\n  containerStats(ref: $id) {\n    read cpuPercent memoryUsage networkRxBytes networkTxBytes blockReadBytes blockWriteBytes\n  }\n}": typeof types.StatsDocument,
    "mutation ExecCreate($input: ExecInput!) {\n  execCreate(input: $input) { execId engine }\n}": typeof types.ExecCreateDocument,
    "subscription ExecAttach($execId: String!, $engine: String) {\n  execAttach(execId: $execId, engine: $engine) {\n    __typename\n    ... on ExecOutput { text }\n    ... on ExecExit { exitCode }\n  }\n}": typeof types.ExecAttachDocument,
    "mutation ExecInput($execId: String!, $engine: String, $data: String!) {\n  execInput(execId: $execId, engine: $engine, data: $data)\n}": typeof types.ExecInputDocument,
    "mutation ExecResize($execId: String!, $engine: String, $rows: Int!, $cols: Int!) {\n  execResize(execId: $execId, engine: $engine, rows: $rows, cols: $cols)\n}": typeof types.ExecResizeDocument,
    "query Volumes @live {\n  volumes(first: 100) {\n    totalCount\n    edges { node { id engine name driver usedBy { ...ContainerLink } } }\n  }\n}": typeof types.VolumesDocument,
    "query VolumeSizes {\n  volumes(first: 100) { edges { node { id size } } }\n}": typeof types.VolumeSizesDocument,
};
const documents: Documents = {
    "query Me { me { name role labels engines } }": types.MeDocument,
    "mutation Start($ref: String!) { containerStart(ref: $ref) { changed } }": types.StartDocument,
    "mutation Stop($ref: String!) { containerStop(ref: $ref) { changed } }": types.StopDocument,
    "mutation Restart($ref: String!) { containerRestart(ref: $ref) { changed } }": types.RestartDocument,
    "mutation Remove($ref: String!) { containerRemove(ref: $ref, force: true) { id } }": types.RemoveDocument,
    "fragment ContainerLink on Container { id name state }": types.ContainerLinkFragmentDoc,
    "query Container($id: String!) @live {\n  container(ref: $id) {\n    ...ContainerRow\n    dockerId command env restartCount\n    networks { ipv4Address }\n    mounts { type source destination rw }\n    hostConfig { restartPolicy { name maximumRetryCount } }\n  }\n}": types.ContainerDocument,
    "fragment ContainerRow on Container {\n  id engine name state status createdAt startedAt imageRef\n  health { status }\n  image { tags }\n  ports { ip privatePort publicPort protocol }\n  networks { networkName }\n  labels { key value }\n  allowedActions\n}": types.ContainerRowFragmentDoc,
    "query Containers($after: String) @live {\n  containers(all: true, first: 100, after: $after) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { ...ContainerRow } }\n  }\n}": types.ContainersDocument,
    "fragment Figures on DiskUsageFigures { count active size reclaimable }": types.FiguresFragmentDoc,
    "query DiskUsage($engine: String) {\n  diskUsage(engine: $engine) {\n    engine\n    images { ...Figures }\n    containers { ...Figures }\n    volumes { ...Figures }\n    buildCache { ...Figures }\n  }\n  engines { name }\n}": types.DiskUsageDocument,
    "fragment EngineChip on Engine {\n  name version apiVersion\n  health { ready error events { state gaps lastEventAt } }\n}": types.EngineChipFragmentDoc,
    "query Engines @live { engines { ...EngineChip } }": types.EnginesDocument,
    "query EnginesRefresh { engines { ...EngineChip } }": types.EnginesRefreshDocument,
    "subscription Events($after: String) {\n  events(after: $after) {\n    __typename\n    ... on EngineEvent { type action actorId actorName engine time timeNano exitCode cursor }\n    ... on EventGap { from to reason engine }\n  }\n}": types.EventsDocument,
    "query Images @live {\n  images(first: 100) {\n    totalCount\n    edges { node { id engine shortId tags size createdAt containers { ...ContainerLink } } }\n  }\n}": types.ImagesDocument,
    "subscription Logs($id: String!) {\n  containerLogs(ref: $id, tail: 200, follow: true) {\n    __typename\n    ... on LogLines { lines { stream text cursor } }\n    ... on LogEnd { reason exitCode }\n  }\n}": types.LogsDocument,
    "query Networks @live {\n  networks(first: 100) {\n    totalCount\n    edges { node {\n      id engine name driver scope internal\n      containers { container { ...ContainerLink } }\n    } }\n  }\n}": types.NetworksDocument,
    "subscription Stats($id: String!) {\n  containerStats(ref: $id) {\n    read cpuPercent memoryUsage networkRxBytes networkTxBytes blockReadBytes blockWriteBytes\n  }\n}": types.StatsDocument,
    "mutation ExecCreate($input: ExecInput!) {\n  execCreate(input: $input) { execId engine }\n}": types.ExecCreateDocument,
    "subscription ExecAttach($execId: String!, $engine: String) {\n  execAttach(execId: $execId, engine: $engine) {\n    __typename\n    ... on ExecOutput { text }\n    ... on ExecExit { exitCode }\n  }\n}": types.ExecAttachDocument,
    "mutation ExecInput($execId: String!, $engine: String, $data: String!) {\n  execInput(execId: $execId, engine: $engine, data: $data)\n}": types.ExecInputDocument,
    "mutation ExecResize($execId: String!, $engine: String, $rows: Int!, $cols: Int!) {\n  execResize(execId: $execId, engine: $engine, rows: $rows, cols: $cols)\n}": types.ExecResizeDocument,
    "query Volumes @live {\n  volumes(first: 100) {\n    totalCount\n    edges { node { id engine name driver usedBy { ...ContainerLink } } }\n  }\n}": types.VolumesDocument,
    "query VolumeSizes {\n  volumes(first: 100) { edges { node { id size } } }\n}": types.VolumeSizesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me { me { name role labels engines } }"): typeof import('./graphql.ts').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Start($ref: String!) { containerStart(ref: $ref) { changed } }"): typeof import('./graphql.ts').StartDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Stop($ref: String!) { containerStop(ref: $ref) { changed } }"): typeof import('./graphql.ts').StopDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Restart($ref: String!) { containerRestart(ref: $ref) { changed } }"): typeof import('./graphql.ts').RestartDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Remove($ref: String!) { containerRemove(ref: $ref, force: true) { id } }"): typeof import('./graphql.ts').RemoveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ContainerLink on Container { id name state }"): typeof import('./graphql.ts').ContainerLinkFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Container($id: String!) @live {\n  container(ref: $id) {\n    ...ContainerRow\n    dockerId command env restartCount\n    networks { ipv4Address }\n    mounts { type source destination rw }\n    hostConfig { restartPolicy { name maximumRetryCount } }\n  }\n}"): typeof import('./graphql.ts').ContainerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ContainerRow on Container {\n  id engine name state status createdAt startedAt imageRef\n  health { status }\n  image { tags }\n  ports { ip privatePort publicPort protocol }\n  networks { networkName }\n  labels { key value }\n  allowedActions\n}"): typeof import('./graphql.ts').ContainerRowFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Containers($after: String) @live {\n  containers(all: true, first: 100, after: $after) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n    edges { node { ...ContainerRow } }\n  }\n}"): typeof import('./graphql.ts').ContainersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment Figures on DiskUsageFigures { count active size reclaimable }"): typeof import('./graphql.ts').FiguresFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DiskUsage($engine: String) {\n  diskUsage(engine: $engine) {\n    engine\n    images { ...Figures }\n    containers { ...Figures }\n    volumes { ...Figures }\n    buildCache { ...Figures }\n  }\n  engines { name }\n}"): typeof import('./graphql.ts').DiskUsageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment EngineChip on Engine {\n  name version apiVersion\n  health { ready error events { state gaps lastEventAt } }\n}"): typeof import('./graphql.ts').EngineChipFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Engines @live { engines { ...EngineChip } }"): typeof import('./graphql.ts').EnginesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query EnginesRefresh { engines { ...EngineChip } }"): typeof import('./graphql.ts').EnginesRefreshDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Events($after: String) {\n  events(after: $after) {\n    __typename\n    ... on EngineEvent { type action actorId actorName engine time timeNano exitCode cursor }\n    ... on EventGap { from to reason engine }\n  }\n}"): typeof import('./graphql.ts').EventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Images @live {\n  images(first: 100) {\n    totalCount\n    edges { node { id engine shortId tags size createdAt containers { ...ContainerLink } } }\n  }\n}"): typeof import('./graphql.ts').ImagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Logs($id: String!) {\n  containerLogs(ref: $id, tail: 200, follow: true) {\n    __typename\n    ... on LogLines { lines { stream text cursor } }\n    ... on LogEnd { reason exitCode }\n  }\n}"): typeof import('./graphql.ts').LogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Networks @live {\n  networks(first: 100) {\n    totalCount\n    edges { node {\n      id engine name driver scope internal\n      containers { container { ...ContainerLink } }\n    } }\n  }\n}"): typeof import('./graphql.ts').NetworksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Stats($id: String!) {\n  containerStats(ref: $id) {\n    read cpuPercent memoryUsage networkRxBytes networkTxBytes blockReadBytes blockWriteBytes\n  }\n}"): typeof import('./graphql.ts').StatsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ExecCreate($input: ExecInput!) {\n  execCreate(input: $input) { execId engine }\n}"): typeof import('./graphql.ts').ExecCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ExecAttach($execId: String!, $engine: String) {\n  execAttach(execId: $execId, engine: $engine) {\n    __typename\n    ... on ExecOutput { text }\n    ... on ExecExit { exitCode }\n  }\n}"): typeof import('./graphql.ts').ExecAttachDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ExecInput($execId: String!, $engine: String, $data: String!) {\n  execInput(execId: $execId, engine: $engine, data: $data)\n}"): typeof import('./graphql.ts').ExecInputDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ExecResize($execId: String!, $engine: String, $rows: Int!, $cols: Int!) {\n  execResize(execId: $execId, engine: $engine, rows: $rows, cols: $cols)\n}"): typeof import('./graphql.ts').ExecResizeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Volumes @live {\n  volumes(first: 100) {\n    totalCount\n    edges { node { id engine name driver usedBy { ...ContainerLink } } }\n  }\n}"): typeof import('./graphql.ts').VolumesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query VolumeSizes {\n  volumes(first: 100) { edges { node { id size } } }\n}"): typeof import('./graphql.ts').VolumeSizesDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
