import { visibleEnv } from '../auth/redact.ts';
import type { SwarmObjectKind } from '../engine/swarm.ts';
import type { ServicePortConfig } from '../engine/swarm-types.ts';
import { summaryOf } from '../model/containers.ts';
import { swarmTarget } from '../model/engine-refs.ts';
import { parseKey } from '../model/loaders/keys.ts';
import {
  containerSwarmKey,
  type ServiceNode,
  type SwarmObjectNode,
  type SwarmView,
  serviceAt,
  serviceList,
  serviceNetworkKeys,
  serviceObjectKeys,
  serviceStatus,
  serviceTasks,
  swarmMembers,
  swarmNodeAt,
  swarmNodeList,
  swarmNodeTasks,
  swarmObjectList,
  swarmOf,
  swarmUnlockKeyOf,
  taskContainerKey,
  taskList,
  taskServiceKey,
  taskSwarmNodeKey,
} from '../model/swarm.ts';
import { builder, type Types } from './builder.ts';
import { labelFields } from './common.ts';
import { listConnection } from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { Container, Network } from './nodes.ts';
import {
  Config,
  Secret,
  Service,
  ServiceMode,
  SwarmNode,
  SwarmNodeAvailability,
  SwarmNodeRole,
  Task,
} from './swarm-nodes.ts';

const OUTSIDE = 'An engine outside a swarm, or a worker (which cannot read cluster state),';

export const TaskState = builder.enumType('TaskState', {
  description: "The engine's task states, in lifecycle order; none is folded into another.",
  values: {
    NEW: { value: 'new' },
    ALLOCATED: { value: 'allocated' },
    PENDING: { value: 'pending' },
    ASSIGNED: { value: 'assigned' },
    ACCEPTED: { value: 'accepted' },
    PREPARING: { value: 'preparing' },
    READY: { value: 'ready' },
    STARTING: { value: 'starting' },
    RUNNING: { value: 'running' },
    COMPLETE: { value: 'complete' },
    SHUTDOWN: { value: 'shutdown' },
    FAILED: { value: 'failed' },
    REJECTED: { value: 'rejected' },
    REMOVE: { value: 'remove' },
    ORPHANED: { value: 'orphaned' },
  } as const,
});

const SwarmNodeState = builder.enumType('SwarmNodeState', {
  values: {
    UNKNOWN: { value: 'unknown' },
    DOWN: { value: 'down' },
    READY: { value: 'ready' },
    DISCONNECTED: { value: 'disconnected' },
  } as const,
});

const ENGINE_ARG = {
  description: 'The engine to ask, a manager of the swarm; the default engine when omitted.',
};

const idFields = <P extends { key: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, P>,
) => ({
  dockerId: t.string({ description: 'Its id in the swarm.', resolve: (p) => parseKey(p.key).id }),
  engine: t.string({
    description: 'The engine (a manager) this was read from.',
    resolve: (p) => parseKey(p.key).engine,
  }),
});

const SwarmJoinTokens = builder
  .objectRef<SwarmView['swarm']['JoinTokens']>('SwarmJoinTokens')
  .implement({
    description: 'What a node presents to join the swarm: anyone holding one can join it.',
    fields: (t) => ({
      worker: t.exposeString('Worker'),
      manager: t.exposeString('Manager'),
    }),
  });

const Swarm = builder.objectRef<SwarmView>('Swarm').implement({
  description: 'The swarm an engine manages.',
  fields: (t) => ({
    engine: t.string({ description: 'The manager this was read from.', resolve: (v) => v.engine }),
    clusterId: t.string({ resolve: ({ swarm }) => swarm.ID }),
    createdAt: t.field({ type: 'DateTime', resolve: ({ swarm }) => swarm.CreatedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: ({ swarm }) => swarm.UpdatedAt }),
    ...labelFields(t, ({ swarm }) => swarm.Spec.Labels),
    nodeCount: t.int({
      description: 'Nodes, managers and workers. One engine call (shared with `managers`).',
      resolve: async (view, _args, ctx) => (await swarmMembers(ctx, view)).length,
    }),
    managers: t.field({
      type: [SwarmNode],
      resolve: async (view, _args, ctx) =>
        (await swarmMembers(ctx, view)).filter(({ node }) => node.Spec.Role === 'manager'),
    }),
    joinTokens: t.field({
      type: SwarmJoinTokens,
      nullable: true,
      authScopes: { admin: true },
      description: 'Admin only: a join token lets a machine into the cluster.',
      resolve: ({ swarm }) => swarm.JoinTokens,
    }),
    unlockKey: t.string({
      nullable: true,
      authScopes: { admin: true },
      description: "Admin only: unlocks an autolocked manager's data; null when autolock is off.",
      resolve: (view, _args, ctx) => swarmUnlockKeyOf(ctx, view),
    }),
  }),
});

const PublishedPort = builder.objectRef<ServicePortConfig>('PublishedPort').implement({
  fields: (t) => ({
    protocol: t.string({ resolve: (p) => p.Protocol }),
    targetPort: t.int({ resolve: (p) => p.TargetPort }),
    publishedPort: t.int({ nullable: true, resolve: (p) => p.PublishedPort ?? null }),
    publishMode: t.string({
      description: 'ingress (the routing mesh) or host.',
      resolve: (p) => p.PublishMode ?? 'ingress',
    }),
  }),
});

const spec = (service: ServiceNode) => service.service.Spec;
const containerSpec = (service: ServiceNode) => spec(service).TaskTemplate.ContainerSpec;

Service.implement({
  description: 'A swarm service: the desired state its tasks converge to.',
  fields: (t) => ({
    ...idFields(t),
    name: t.string({ resolve: (s) => spec(s).Name }),
    ...labelFields(t, (s) => spec(s).Labels ?? null),
    image: t.string({ resolve: (s) => containerSpec(s).Image }),
    mode: t.field({
      type: ServiceMode,
      resolve: (s) => (spec(s).Mode.Global ? 'global' : 'replicated'),
    }),
    replicas: t.int({
      nullable: true,
      description: 'Desired replicas; null for a global service.',
      resolve: (s) => spec(s).Mode.Replicated?.Replicas ?? null,
    }),
    command: t.stringList({ resolve: (s) => containerSpec(s).Command ?? [] }),
    args: t.stringList({ resolve: (s) => containerSpec(s).Args ?? [] }),
    env: t.stringList({
      description: 'Below admin, values read `***`.',
      resolve: (s, _args, ctx) => visibleEnv(ctx.principal, containerSpec(s).Env ?? []),
    }),
    ports: t.field({
      type: [PublishedPort],
      resolve: (s) => s.service.Endpoint?.Ports ?? spec(s).EndpointSpec?.Ports ?? [],
    }),
    runningTasks: t.int({
      resolve: async (s, _args, ctx) => (await serviceStatus(ctx, s)).RunningTasks,
    }),
    desiredTasks: t.int({
      resolve: async (s, _args, ctx) => (await serviceStatus(ctx, s)).DesiredTasks,
    }),
    updateState: t.string({
      nullable: true,
      description:
        'The last update or rollback: updating, paused, completed, rollback_…; null if none.',
      resolve: (s) => s.service.UpdateStatus?.State || null,
    }),
    updateMessage: t.string({
      nullable: true,
      description: 'Why the last update paused or rolled back, as the engine says.',
      resolve: (s) => s.service.UpdateStatus?.Message || null,
    }),
    version: t.field({
      type: 'SafeInt',
      description: 'The swarm’s version of the service; serviceUpdate may name it.',
      resolve: (s) => s.service.Version.Index,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.service.CreatedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.service.UpdatedAt }),
    tasks: t.field({
      type: [Task],
      description:
        "The service's tasks, current and past. One engine call for every service asked.",
      resolve: (s, _args, ctx) => serviceTasks(ctx, s),
    }),
    networks: t.field({
      type: [Network],
      nullable: { list: false, items: true },
      description: 'The networks its tasks join; null for one removed since.',
      resolve: (s) => serviceNetworkKeys(s),
    }),
    secrets: t.field({
      type: [Secret],
      nullable: { list: false, items: true },
      description: 'Secrets handed to its tasks (metadata only).',
      resolve: (s) => serviceObjectKeys('secret', s),
    }),
    configs: t.field({
      type: [Config],
      nullable: { list: false, items: true },
      resolve: (s) => serviceObjectKeys('config', s),
    }),
  }),
});

Task.implement({
  description: "One slot of a service's desired state, on one node.",
  fields: (t) => ({
    ...idFields(t),
    state: t.field({ type: TaskState, resolve: ({ task }) => task.Status.State }),
    desiredState: t.field({ type: TaskState, resolve: ({ task }) => task.DesiredState }),
    slot: t.int({
      nullable: true,
      description: 'Its replica slot; null for a task of a global service.',
      resolve: ({ task }) => task.Slot ?? null,
    }),
    message: t.string({ nullable: true, resolve: ({ task }) => task.Status.Message || null }),
    error: t.string({
      nullable: true,
      description: 'Why it failed or was rejected; null otherwise.',
      resolve: ({ task }) => task.Status.Err || null,
    }),
    exitCode: t.int({
      nullable: true,
      resolve: ({ task }) => task.Status.ContainerStatus?.ExitCode ?? null,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: ({ task }) => task.CreatedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: ({ task }) => task.UpdatedAt }),
    service: t.field({
      type: Service,
      nullable: true,
      description: 'Null once the service is removed.',
      resolve: (task) => taskServiceKey(task),
    }),
    swarmNode: t.field({
      type: SwarmNode,
      nullable: true,
      description: 'Null until the scheduler assigns it.',
      resolve: (task) => taskSwarmNodeKey(task),
    }),
    containerId: t.string({
      nullable: true,
      resolve: ({ task }) => task.Status.ContainerStatus?.ContainerID || null,
    }),
    container: t.field({
      type: Container,
      nullable: true,
      description:
        'Its container, when its node is an engine Wharf knows; null before it has one or once removed.',
      resolve: (task, _args, ctx) => taskContainerKey(ctx, task),
    }),
  }),
});

SwarmNode.implement({
  description: 'A machine in the swarm: shared by every token, like the default networks.',
  fields: (t) => ({
    ...idFields(t),
    hostname: t.string({ resolve: ({ node }) => node.Description.Hostname }),
    name: t.string({ nullable: true, resolve: ({ node }) => node.Spec.Name || null }),
    ...labelFields(t, ({ node }) => node.Spec.Labels),
    role: t.field({ type: SwarmNodeRole, resolve: ({ node }) => node.Spec.Role }),
    availability: t.field({
      type: SwarmNodeAvailability,
      resolve: ({ node }) => node.Spec.Availability,
    }),
    state: t.field({ type: SwarmNodeState, resolve: ({ node }) => node.Status.State }),
    address: t.string({ nullable: true, resolve: ({ node }) => node.Status.Addr || null }),
    leader: t.boolean({ resolve: ({ node }) => node.ManagerStatus?.Leader === true }),
    engineVersion: t.string({ resolve: ({ node }) => node.Description.Engine.EngineVersion }),
    os: t.string({ resolve: ({ node }) => node.Description.Platform.OS }),
    architecture: t.string({ resolve: ({ node }) => node.Description.Platform.Architecture }),
    nanoCpus: t.field({
      type: 'SafeInt',
      resolve: ({ node }) => node.Description.Resources.NanoCPUs,
    }),
    memoryBytes: t.field({
      type: 'SafeInt',
      resolve: ({ node }) => node.Description.Resources.MemoryBytes,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: ({ node }) => node.CreatedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: ({ node }) => node.UpdatedAt }),
    tasks: t.field({
      type: [Task],
      description: 'Tasks on this node. One engine call for every node asked.',
      resolve: (node, _args, ctx) => swarmNodeTasks(ctx, node),
    }),
  }),
});

function implementSwarmObject(ref: typeof Secret, description: string) {
  ref.implement({
    description,
    fields: (t) => ({
      ...idFields(t),
      name: t.string({ resolve: ({ object }: SwarmObjectNode) => object.Spec.Name }),
      ...labelFields(t, ({ object }: SwarmObjectNode) => object.Spec.Labels),
      createdAt: t.field({ type: 'DateTime', resolve: ({ object }) => object.CreatedAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: ({ object }) => object.UpdatedAt }),
    }),
  });
}

implementSwarmObject(Secret, "A swarm secret's metadata: its data is never readable.");
implementSwarmObject(Config, "A swarm config's metadata.");

const ServiceFilter = builder.inputType('ServiceFilter', {
  fields: (t) => ({
    id: t.stringList({ description: 'Id or id prefix.' }),
    name: t.stringList({ description: 'Name or name prefix.' }),
    label: t.stringList({ description: '`key` or `key=value`.' }),
    mode: t.field({ type: [ServiceMode] }),
  }),
});

const TaskFilter = builder.inputType('TaskFilter', {
  fields: (t) => ({
    id: t.stringList(),
    name: t.stringList(),
    service: t.stringList({ description: 'Service id or name.' }),
    node: t.stringList({ description: 'Node id or name.' }),
    label: t.stringList(),
    desiredState: t.field({
      type: [TaskState],
      description: 'The engine accepts running, shutdown and accepted.',
    }),
  }),
});

const SwarmNodeFilter = builder.inputType('SwarmNodeFilter', {
  fields: (t) => ({
    id: t.stringList(),
    name: t.stringList(),
    label: t.stringList({ description: "The engine's labels (`node.label` is the node's)." }),
    role: t.field({ type: [SwarmNodeRole] }),
  }),
});

const SwarmObjectFilter = builder.inputType('SwarmObjectFilter', {
  description: 'Filters of secrets and configs.',
  fields: (t) => ({
    id: t.stringList(),
    name: t.stringList(),
    label: t.stringList(),
  }),
});

/** `desiredState` is `desired-state` on the wire. */
function taskFilters(input: Parameters<typeof engineFilters>[0]) {
  const filters = engineFilters(input);
  if (!filters || !('desiredState' in filters)) return filters;
  const { desiredState, ...rest } = filters;
  return { ...rest, 'desired-state': desiredState };
}

function swarmObjectsField(
  t: PothosSchemaTypes.QueryFieldBuilder<Types, object>,
  ref: typeof Secret,
  kind: SwarmObjectKind,
) {
  return t.connection({
    authScopes: { viewer: true },
    type: ref,
    description: `${kind === 'secret' ? 'Secrets (metadata only)' : 'Configs (metadata only)'}. One engine call. ${OUTSIDE} has none.`,
    args: { filter: t.arg({ type: SwarmObjectFilter }), engine: t.arg.string(ENGINE_ARG) },
    resolve: async (_root, args, ctx, info) =>
      listConnection(
        args,
        await swarmObjectList(ctx, kind, {
          engine: args.engine,
          filters: engineFilters(args.filter),
        }),
        ctx,
        info,
      ),
  });
}

builder.queryFields((t) => ({
  swarm: t.field({
    authScopes: { viewer: true },
    type: Swarm,
    nullable: true,
    description: `The swarm the engine manages. ${OUTSIDE} answers null, not an error.`,
    args: { engine: t.arg.string(ENGINE_ARG) },
    resolve: (_root, args, ctx) => swarmOf(ctx, args),
  }),
  services: t.connection({
    authScopes: { viewer: true },
    type: Service,
    description: `Swarm services. One engine call. ${OUTSIDE} has none.`,
    args: { filter: t.arg({ type: ServiceFilter }), engine: t.arg.string(ENGINE_ARG) },
    resolve: async (_root, args, ctx, info) =>
      listConnection(
        args,
        await serviceList(ctx, { engine: args.engine, filters: engineFilters(args.filter) }),
        ctx,
        info,
      ),
  }),
  service: t.field({
    authScopes: { viewer: true },
    type: Service,
    nullable: true,
    description: `A service by id, unique id prefix or name; null when none matches. ${OUTSIDE} has none.`,
    args: { ref: t.arg.string({ required: true }), engine: t.arg.string(ENGINE_ARG) },
    resolve: (_root, args, ctx) => serviceAt(ctx, swarmTarget('service', args)),
  }),
  tasks: t.connection({
    authScopes: { viewer: true },
    type: Task,
    description: `Swarm tasks. One engine call. ${OUTSIDE} has none.`,
    args: { filter: t.arg({ type: TaskFilter }), engine: t.arg.string(ENGINE_ARG) },
    resolve: async (_root, args, ctx, info) =>
      listConnection(
        args,
        await taskList(ctx, { engine: args.engine, filters: taskFilters(args.filter) }),
        ctx,
        info,
      ),
  }),
  swarmNodes: t.connection({
    authScopes: { viewer: true },
    type: SwarmNode,
    description: `The swarm's nodes (named apart from Relay's node(id:)). One engine call. ${OUTSIDE} has none.`,
    args: { filter: t.arg({ type: SwarmNodeFilter }), engine: t.arg.string(ENGINE_ARG) },
    resolve: async (_root, args, ctx, info) =>
      listConnection(
        args,
        await swarmNodeList(ctx, { engine: args.engine, filters: engineFilters(args.filter) }),
        ctx,
        info,
      ),
  }),
  swarmNode: t.field({
    authScopes: { viewer: true },
    type: SwarmNode,
    nullable: true,
    description: `A swarm node by id, unique id prefix or hostname; null when none matches. ${OUTSIDE} has none.`,
    args: { ref: t.arg.string({ required: true }), engine: t.arg.string(ENGINE_ARG) },
    resolve: (_root, args, ctx) => swarmNodeAt(ctx, swarmTarget('node', args)),
  }),
  secrets: swarmObjectsField(t, Secret, 'secret'),
  configs: swarmObjectsField(t, Config, 'config'),
}));

builder.objectFields(Container, (t) => ({
  task: t.field({
    type: Task,
    nullable: true,
    description:
      "The swarm task this container runs, from the engine's labels, read from a manager of its swarm (on a worker: one of the configured engines); null for a container that is no task, or on a worker whose managers Wharf does not reach.",
    resolve: async (c, _args, ctx) =>
      containerSwarmKey(ctx, 'task', c.key, (await summaryOf(c, ctx)).Labels),
  }),
  service: t.field({
    type: Service,
    nullable: true,
    description: 'The swarm service whose task this container runs; null as for `task`.',
    resolve: async (c, _args, ctx) =>
      containerSwarmKey(ctx, 'service', c.key, (await summaryOf(c, ctx)).Labels),
  }),
}));
