import type DataLoader from 'dataloader';
import type { Context } from '../context.ts';
import type { EngineFilters } from '../engine/filters.ts';
import { type EngineArg, engineFor, enginesFor } from '../engine/registry.ts';
import {
  listNodes,
  listServices,
  listSwarmObjects,
  listTasks,
  type SwarmObjectKind,
  swarmUnlockKey,
} from '../engine/swarm.ts';
import type { Service, SwarmInspect, SwarmNode, SwarmObject, Task } from '../engine/swarm-types.ts';
import { nodesFor } from './loaders/batch.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import {
  emptyOutsideSwarm,
  type LocalSwarm,
  nullOutsideSwarm,
  swarmLoaders,
} from './loaders/swarm.ts';
import { visibleItems } from './tenancy.ts';

/*
 * Swarm reads ask one engine, a manager of the swarm: the default engine, or the one `engine`
 * names. Every manager answers for the whole cluster, so asking several would list it twice.
 * An engine outside a swarm (or a worker, which cannot read cluster state) answers null and empty
 * lists, not an error.
 */

export interface SwarmView {
  engine: string;
  swarm: SwarmInspect;
}

export interface ServiceNode {
  key: EngineKey;
  service: Service;
}

export interface TaskNode {
  key: EngineKey;
  task: Task;
}

export interface SwarmNodeNode {
  key: EngineKey;
  node: SwarmNode;
}

/** A secret or a config: metadata only. */
export interface SwarmObjectNode {
  key: EngineKey;
  object: SwarmObject;
}

type ListArgs = EngineArg & { filters: EngineFilters | undefined };

const serviceNode = (key: EngineKey, service: Service): ServiceNode => ({ key, service });
const taskNode = (key: EngineKey, task: Task): TaskNode => ({ key, task });
const swarmNodeNode = (key: EngineKey, node: SwarmNode): SwarmNodeNode => ({ key, node });
const objectNode = (key: EngineKey, object: SwarmObject): SwarmObjectNode => ({ key, object });
const keyOf = (engine: string, object: { ID: string }) => toKey(engine, object.ID);

/**
 * Objects read in a list, wrapped as nodes and primed in their by-key loader: a second path to one
 * (a container's task, a task's service) costs nothing.
 */
function primed<T extends { ID: string }, N>(
  loader: DataLoader<EngineKey, T | null>,
  engine: string,
  items: readonly T[],
  make: (key: EngineKey, item: T) => N,
): N[] {
  return items.map((item) => {
    const key = keyOf(engine, item);
    loader.prime(key, item);
    return make(key, item);
  });
}

/** `swarm`: the cluster the engine manages; null outside one. */
export async function swarmOf(ctx: Context, args: EngineArg): Promise<SwarmView | null> {
  const engine = engineFor(ctx, args).name;
  const swarm = await swarmLoaders(ctx).swarm.load(engine);
  return swarm ? { engine, swarm } : null;
}

/** The swarm's nodes, for its node count and managers (one list call). */
export async function swarmMembers(ctx: Context, view: SwarmView): Promise<SwarmNodeNode[]> {
  const loaders = swarmLoaders(ctx);
  const nodes = await loaders.nodeLists.load(view.engine);
  return primed(loaders.nodes, view.engine, nodes, swarmNodeNode);
}

export function swarmUnlockKeyOf(ctx: Context, view: SwarmView): Promise<string | null> {
  const { api } = engineFor(ctx, { engine: view.engine });
  return swarmUnlockKey(api).then((key) => key || null, nullOutsideSwarm);
}

// --- nodes by key (the Relay node refs' loaders)

export function serviceNodes(ctx: Context, keys: string[]) {
  return nodesFor(keys, swarmLoaders(ctx).services.loadMany(keys), serviceNode);
}

export function taskNodes(ctx: Context, keys: string[]) {
  return nodesFor(keys, swarmLoaders(ctx).tasks.loadMany(keys), taskNode);
}

export function swarmNodeNodes(ctx: Context, keys: string[]) {
  return nodesFor(keys, swarmLoaders(ctx).nodes.loadMany(keys), swarmNodeNode);
}

export function swarmObjectNodes(ctx: Context, kind: SwarmObjectKind, keys: string[]) {
  const loader = kind === 'secret' ? swarmLoaders(ctx).secrets : swarmLoaders(ctx).configs;
  return nodesFor(keys, loader.loadMany(keys), objectNode);
}

// --- root lists and refs

export async function serviceList(ctx: Context, args: ListArgs): Promise<ServiceNode[]> {
  const engine = engineFor(ctx, args);
  const services = await listServices(engine.api, args.filters).catch(emptyOutsideSwarm<Service>);
  const visible = visibleItems(ctx.principal, services, (service) => service.Spec.Labels);
  return primed(swarmLoaders(ctx).services, engine.name, visible, serviceNode);
}

/** A service by id, unique id prefix or name; null when none (or outside a swarm). */
export async function serviceAt(
  ctx: Context,
  args: EngineArg & { ref: string },
): Promise<ServiceNode | null> {
  const engine = engineFor(ctx, args).name;
  const service = await swarmLoaders(ctx).serviceDetails.load(toKey(engine, args.ref));
  return service ? serviceNode(keyOf(engine, service), service) : null;
}

export async function taskList(ctx: Context, args: ListArgs): Promise<TaskNode[]> {
  const engine = engineFor(ctx, args);
  const loaders = swarmLoaders(ctx);
  const tasks = await listTasks(engine.api, args.filters).catch(emptyOutsideSwarm<Task>);
  return primed(loaders.tasks, engine.name, await loaders.ownTasks(engine.name, tasks), taskNode);
}

export async function swarmNodeList(ctx: Context, args: ListArgs): Promise<SwarmNodeNode[]> {
  const engine = engineFor(ctx, args);
  const nodes = await listNodes(engine.api, args.filters).catch(emptyOutsideSwarm<SwarmNode>);
  return primed(swarmLoaders(ctx).nodes, engine.name, nodes, swarmNodeNode);
}

export async function swarmNodeAt(
  ctx: Context,
  args: EngineArg & { ref: string },
): Promise<SwarmNodeNode | null> {
  const engine = engineFor(ctx, args).name;
  const node = await swarmLoaders(ctx).nodeDetails.load(toKey(engine, args.ref));
  return node ? swarmNodeNode(keyOf(engine, node), node) : null;
}

export async function swarmObjectList(
  ctx: Context,
  kind: SwarmObjectKind,
  args: ListArgs,
): Promise<SwarmObjectNode[]> {
  const engine = engineFor(ctx, args);
  const objects = await listSwarmObjects(engine.api, kind, args.filters).catch(
    emptyOutsideSwarm<SwarmObject>,
  );
  return visibleItems(ctx.principal, objects, (object) => object.Spec.Labels).map((object) =>
    objectNode(keyOf(engine.name, object), object),
  );
}

// --- relations: each one loader call, batched across every parent of the request

/**
 * Running and desired task counts: the service list carries them, an inspect does not, so a
 * service read by ref asks the list for them (one call for every such service).
 */
export async function serviceStatus(
  ctx: Context,
  { key, service }: ServiceNode,
): Promise<{ RunningTasks: number; DesiredTasks: number }> {
  const status =
    service.ServiceStatus ?? (await swarmLoaders(ctx).services.load(key))?.ServiceStatus;
  return status ?? { RunningTasks: 0, DesiredTasks: 0 };
}

export async function serviceTasks(ctx: Context, { key }: ServiceNode): Promise<TaskNode[]> {
  const { engine } = parseKey(key);
  const loaders = swarmLoaders(ctx);
  return primed(loaders.tasks, engine, await loaders.tasksByService.load(key), taskNode);
}

export async function swarmNodeTasks(ctx: Context, { key }: SwarmNodeNode): Promise<TaskNode[]> {
  const { engine } = parseKey(key);
  const loaders = swarmLoaders(ctx);
  return primed(loaders.tasks, engine, await loaders.tasksByNode.load(key), taskNode);
}

/** The keys of a service's secrets or configs, for their node refs. */
export function serviceObjectKeys(kind: SwarmObjectKind, { key, service }: ServiceNode): string[] {
  const { engine } = parseKey(key);
  const spec = service.Spec.TaskTemplate.ContainerSpec;
  const ids =
    kind === 'secret'
      ? (spec.Secrets ?? []).map((secret) => secret.SecretID)
      : (spec.Configs ?? []).map((config) => config.ConfigID);
  return ids.map((id) => toKey(engine, id));
}

/** The keys of the networks the service's tasks join (the engine stores their ids). */
export function serviceNetworkKeys({ key, service }: ServiceNode): string[] {
  const { engine } = parseKey(key);
  return (service.Spec.TaskTemplate.Networks ?? []).map((network) => toKey(engine, network.Target));
}

export function taskServiceKey({ key, task }: TaskNode): string {
  return toKey(parseKey(key).engine, task.ServiceID);
}

/** Null until the scheduler assigns the task to a node. */
export function taskSwarmNodeKey({ key, task }: TaskNode): string | null {
  return task.NodeID ? toKey(parseKey(key).engine, task.NodeID) : null;
}

/**
 * The task's container, when its node is an engine Wharf knows (one `/info` per engine per
 * request finds which engine each node is); null before it has one, or on a node Wharf does not
 * reach.
 */
export async function taskContainerKey(ctx: Context, { task }: TaskNode): Promise<string | null> {
  const container = task.Status.ContainerStatus?.ContainerID;
  if (!container || !task.NodeID) return null;
  // Only the engines this principal may use: a container elsewhere is not its to see.
  const names = enginesFor(ctx);
  const locals = await swarmLoaders(ctx).localSwarm.loadMany(names);
  const engine = names.find((_name, index) => localOf(locals[index])?.nodeId === task.NodeID);
  return engine ? toKey(engine, container) : null;
}

/** The labels the engine puts on a task's container. */
const TASK_LABEL = 'com.docker.swarm.task.id';
const SERVICE_LABEL = 'com.docker.swarm.service.id';

const localOf = (local: LocalSwarm | Error | undefined) =>
  local instanceof Error ? undefined : local;

/**
 * The engine to read a container's task or service from: the container's own engine when it is a
 * manager; for a worker (which cannot read cluster state), an engine this principal may use that
 * is one of the worker's managers; else its own (which answers none).
 */
async function swarmReaderOf(ctx: Context, engine: string): Promise<string> {
  const loaders = swarmLoaders(ctx);
  const own = localOf(await loaders.localSwarm.load(engine).catch((error: Error) => error));
  if (!own?.nodeId || own.manager) return engine;
  const names = enginesFor(ctx).filter((name) => name !== engine);
  const locals = await loaders.localSwarm.loadMany(names);
  const manager = names.find((_name, index) => {
    const local = localOf(locals[index]);
    return local?.manager === true && own.managers.includes(local.nodeId);
  });
  return manager ?? engine;
}

/**
 * A container's task or service, from the labels the engine puts on task containers, read from a
 * manager of its swarm that Wharf knows; null for a container that is no task, or when no such
 * manager is configured (or the principal may not use it).
 */
export async function containerSwarmKey(
  ctx: Context,
  kind: 'task' | 'service',
  containerKey: string,
  labels: Readonly<Record<string, string>> | null | undefined,
): Promise<string | null> {
  const id = labels?.[kind === 'task' ? TASK_LABEL : SERVICE_LABEL];
  if (!id) return null;
  return toKey(await swarmReaderOf(ctx, parseKey(containerKey).engine), id);
}
