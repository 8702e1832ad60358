/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "query ContainerList($all: Boolean!, $filter: ContainerFilter, $first: Int, $after: String) {\n  containers(all: $all, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        dockerId\n        shortId\n        name\n        names\n        imageRef\n        command\n        createdAt\n        state\n        status\n        ports {\n          privatePort\n          publicPort\n          protocol\n          ip\n        }\n        labels {\n          key\n          value\n        }\n        mounts {\n          type\n          name\n          source\n          destination\n          mode\n          rw\n          propagation\n        }\n        networks {\n          networkName\n          ipv4Address\n          macAddress\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery ContainerDetails($ref: String!) {\n  container(ref: $ref) {\n    id\n    dockerId\n    name\n    state\n    exitCode\n    startedAt\n    finishedAt\n    restartCount\n    oomKilled\n    health {\n      status\n      failingStreak\n      lastOutput\n    }\n    config {\n      hostname\n      user\n      workingDir\n      entrypoint\n      cmd\n      tty\n    }\n    hostConfig {\n      restartPolicy {\n        name\n        maximumRetryCount\n      }\n      memory\n      nanoCpus\n      pidsLimit\n      privileged\n      networkMode\n      autoRemove\n    }\n    env\n    image {\n      dockerId\n      tags\n    }\n  }\n}": typeof types.ContainerListDocument,
};
const documents: Documents = {
    "query ContainerList($all: Boolean!, $filter: ContainerFilter, $first: Int, $after: String) {\n  containers(all: $all, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        dockerId\n        shortId\n        name\n        names\n        imageRef\n        command\n        createdAt\n        state\n        status\n        ports {\n          privatePort\n          publicPort\n          protocol\n          ip\n        }\n        labels {\n          key\n          value\n        }\n        mounts {\n          type\n          name\n          source\n          destination\n          mode\n          rw\n          propagation\n        }\n        networks {\n          networkName\n          ipv4Address\n          macAddress\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery ContainerDetails($ref: String!) {\n  container(ref: $ref) {\n    id\n    dockerId\n    name\n    state\n    exitCode\n    startedAt\n    finishedAt\n    restartCount\n    oomKilled\n    health {\n      status\n      failingStreak\n      lastOutput\n    }\n    config {\n      hostname\n      user\n      workingDir\n      entrypoint\n      cmd\n      tty\n    }\n    hostConfig {\n      restartPolicy {\n        name\n        maximumRetryCount\n      }\n      memory\n      nanoCpus\n      pidsLimit\n      privileged\n      networkMode\n      autoRemove\n    }\n    env\n    image {\n      dockerId\n      tags\n    }\n  }\n}": types.ContainerListDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ContainerList($all: Boolean!, $filter: ContainerFilter, $first: Int, $after: String) {\n  containers(all: $all, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        dockerId\n        shortId\n        name\n        names\n        imageRef\n        command\n        createdAt\n        state\n        status\n        ports {\n          privatePort\n          publicPort\n          protocol\n          ip\n        }\n        labels {\n          key\n          value\n        }\n        mounts {\n          type\n          name\n          source\n          destination\n          mode\n          rw\n          propagation\n        }\n        networks {\n          networkName\n          ipv4Address\n          macAddress\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery ContainerDetails($ref: String!) {\n  container(ref: $ref) {\n    id\n    dockerId\n    name\n    state\n    exitCode\n    startedAt\n    finishedAt\n    restartCount\n    oomKilled\n    health {\n      status\n      failingStreak\n      lastOutput\n    }\n    config {\n      hostname\n      user\n      workingDir\n      entrypoint\n      cmd\n      tty\n    }\n    hostConfig {\n      restartPolicy {\n        name\n        maximumRetryCount\n      }\n      memory\n      nanoCpus\n      pidsLimit\n      privileged\n      networkMode\n      autoRemove\n    }\n    env\n    image {\n      dockerId\n      tags\n    }\n  }\n}"): (typeof documents)["query ContainerList($all: Boolean!, $filter: ContainerFilter, $first: Int, $after: String) {\n  containers(all: $all, filter: $filter, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        dockerId\n        shortId\n        name\n        names\n        imageRef\n        command\n        createdAt\n        state\n        status\n        ports {\n          privatePort\n          publicPort\n          protocol\n          ip\n        }\n        labels {\n          key\n          value\n        }\n        mounts {\n          type\n          name\n          source\n          destination\n          mode\n          rw\n          propagation\n        }\n        networks {\n          networkName\n          ipv4Address\n          macAddress\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}\n\nquery ContainerDetails($ref: String!) {\n  container(ref: $ref) {\n    id\n    dockerId\n    name\n    state\n    exitCode\n    startedAt\n    finishedAt\n    restartCount\n    oomKilled\n    health {\n      status\n      failingStreak\n      lastOutput\n    }\n    config {\n      hostname\n      user\n      workingDir\n      entrypoint\n      cmd\n      tty\n    }\n    hostConfig {\n      restartPolicy {\n        name\n        maximumRetryCount\n      }\n      memory\n      nanoCpus\n      pidsLimit\n      privileged\n      networkMode\n      autoRemove\n    }\n    env\n    image {\n      dockerId\n      tags\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;