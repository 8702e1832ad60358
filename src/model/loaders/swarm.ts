import DataLoader from 'dataloader';
import type { Principal } from '../../auth/principal.ts';
import type { EngineApi } from '../../engine/api.ts';
import type { EngineFilters } from '../../engine/filters.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import {
  inspectNode,
  inspectService,
  inspectSwarm,
  listNodes,
  listServices,
  listSwarmObjects,
  listTasks,
  outsideSwarm,
  type SwarmObjectKind,
} from '../../engine/swarm.ts';
import type {
  Service,
  SwarmInspect,
  SwarmNode,
  SwarmObject,
  Task,
} from '../../engine/swarm-types.ts';
import { engineInfo } from '../../engine/system.ts';
import { isTenant, visibleResults } from '../tenancy.ts';
import { batchByEngine, batchByList, batchEachRef } from './batch.ts';
import { type EngineKey, parseKey, toKey } from './keys.ts';
import type { Loaders } from './request-loaders.ts';

/** An engine that cannot read cluster state (not in a swarm, a worker) has none: empty, not an error. */
export function emptyOutsideSwarm<T>(error: unknown): T[] {
  if (outsideSwarm(error)) return [];
  throw error;
}

export function nullOutsideSwarm(error: unknown): null {
  if (outsideSwarm(error)) return null;
  throw error;
}

/** Per engine, keyed by any ref, for objects the swarm lists with an `id` filter. */
function byId<T extends { ID: string }>(
  engines: EngineRegistry,
  list: (api: EngineApi, filters: EngineFilters) => Promise<T[]>,
) {
  return (keys: readonly EngineKey[]) =>
    batchByList(
      engines,
      keys,
      (api, ids) => list(api, { id: ids }).catch(emptyOutsideSwarm<T>),
      (item) => item.ID,
    );
}

/** Tasks grouped by the field a filter names (`service` → ServiceID, `node` → NodeID). */
function tasksBy(engines: EngineRegistry, filter: 'service' | 'node') {
  const field = filter === 'service' ? 'ServiceID' : 'NodeID';
  return (keys: readonly EngineKey[]) =>
    batchByEngine<Task[]>(keys, async (engine, ids) => {
      const api = engines.api(engine);
      const tasks = api
        ? await listTasks(api, { [filter]: ids }).catch(emptyOutsideSwarm<Task>)
        : [];
      return (id) => tasks.filter((task) => task[field] === id);
    });
}

/** An engine's place in a swarm, from its `/info`. */
export interface LocalSwarm {
  /** The swarm node this engine is; '' outside a swarm. */
  nodeId: string;
  /** True when it can read cluster state. */
  manager: boolean;
  /** The node ids of the swarm's managers this engine knows (a worker knows them too). */
  managers: string[];
}

export interface SwarmLoaders {
  /** The tasks of these the principal may see: a tenant's are those of a service it sees. */
  ownTasks(engine: string, tasks: Task[]): Promise<Task[]>;
  /** Per engine name: its swarm, null outside one. */
  swarm: DataLoader<string, SwarmInspect | null>;
  /** Per engine name: every node of its swarm. */
  nodeLists: DataLoader<string, SwarmNode[]>;
  /** Per engine name: which swarm node this engine is, and whether it manages. */
  localSwarm: DataLoader<string, LocalSwarm>;
  services: DataLoader<EngineKey, Service | null>;
  serviceDetails: DataLoader<EngineKey, Service | null>;
  tasks: DataLoader<EngineKey, Task | null>;
  tasksByService: DataLoader<EngineKey, Task[]>;
  tasksByNode: DataLoader<EngineKey, Task[]>;
  nodes: DataLoader<EngineKey, SwarmNode | null>;
  nodeDetails: DataLoader<EngineKey, SwarmNode | null>;
  secrets: DataLoader<EngineKey, SwarmObject | null>;
  configs: DataLoader<EngineKey, SwarmObject | null>;
}

const serviceLabels = (service: Service) => service.Spec.Labels;
const objectLabels = (object: SwarmObject) => object.Spec.Labels;

function perEngine<T>(engines: EngineRegistry, call: (api: EngineApi) => Promise<T>) {
  return (names: readonly string[]) =>
    Promise.all(
      names.map(async (name) => {
        const api = engines.api(name);
        if (!api) return new Error(`no engine named ${name}`);
        return call(api).catch((error: unknown) => error as Error);
      }),
    );
}

function swarmObjects(engines: EngineRegistry, principal: Principal, kind: SwarmObjectKind) {
  const load = byId(engines, (api, filters) => listSwarmObjects(api, kind, filters));
  const visible = visibleResults(principal, objectLabels);
  return new DataLoader(async (keys: readonly EngineKey[]) => visible(await load(keys)));
}

/**
 * The swarm's per-request loaders. A tenant sees the services, secrets and configs that carry its
 * labels (or none of its keys), and the tasks of the services it sees; nodes are the cluster's,
 * shared and read-only like the default networks.
 */
function createSwarmLoaders(engines: EngineRegistry, principal: Principal): SwarmLoaders {
  const visibleServices = visibleResults(principal, serviceLabels);
  const services = new DataLoader(async (keys: readonly EngineKey[]) =>
    visibleServices(await byId(engines, listServices)(keys)),
  );
  /** A tenant's tasks: those of a service it sees (one service list per engine). */
  const ownTasks = async (engine: string, tasks: Task[]) => {
    if (!isTenant(principal)) return tasks;
    const owners = await services.loadMany(tasks.map((task) => toKey(engine, task.ServiceID)));
    return tasks.filter((_task, index) => {
      const owner = owners[index];
      return owner !== null && !(owner instanceof Error);
    });
  };
  const groupedTasks = (filter: 'service' | 'node') => {
    const load = tasksBy(engines, filter);
    return new DataLoader(async (keys: readonly EngineKey[]) => {
      const groups = await load(keys);
      return Promise.all(
        groups.map((group, index) =>
          group instanceof Error ? group : ownTasks(parseKey(keys[index] ?? '').engine, group),
        ),
      );
    });
  };
  return {
    ownTasks,
    swarm: new DataLoader(perEngine(engines, (api) => inspectSwarm(api).catch(nullOutsideSwarm))),
    nodeLists: new DataLoader(
      perEngine(engines, (api) => listNodes(api).catch(emptyOutsideSwarm<SwarmNode>)),
    ),
    localSwarm: new DataLoader(
      perEngine(engines, async (api) => {
        const swarm = (await engineInfo(api)).Swarm;
        return {
          nodeId: swarm?.NodeID ?? '',
          manager: swarm?.ControlAvailable === true,
          managers: (swarm?.RemoteManagers ?? []).map((manager) => manager.NodeID),
        };
      }),
    ),
    services,
    serviceDetails: new DataLoader(async (keys: readonly EngineKey[]) =>
      visibleServices(
        await batchEachRef(engines, keys, (api, ref) =>
          inspectService(api, ref).catch(nullOutsideSwarm),
        ),
      ),
    ),
    tasks: new DataLoader(async (keys: readonly EngineKey[]) => {
      const tasks = await byId(engines, listTasks)(keys);
      return Promise.all(
        tasks.map(async (task, index) => {
          if (task === null || task instanceof Error) return task;
          const [visible] = await ownTasks(parseKey(keys[index] ?? '').engine, [task]);
          return visible ?? null;
        }),
      );
    }),
    tasksByService: groupedTasks('service'),
    tasksByNode: groupedTasks('node'),
    nodes: new DataLoader(byId(engines, listNodes)),
    nodeDetails: new DataLoader((keys: readonly EngineKey[]) =>
      batchEachRef(engines, keys, (api, ref) => inspectNode(api, ref).catch(nullOutsideSwarm)),
    ),
    secrets: swarmObjects(engines, principal, 'secret'),
    configs: swarmObjects(engines, principal, 'config'),
  };
}

/**
 * Held beside the request's other loaders and renewed with them: a write replaces `ctx.loaders`
 * (refreshLoaders), and with it everything the swarm loaders had read.
 */
const held = new WeakMap<Loaders, SwarmLoaders>();

export function swarmLoaders(ctx: {
  engines: EngineRegistry;
  principal: Principal;
  loaders: Loaders;
}): SwarmLoaders {
  let loaders = held.get(ctx.loaders);
  if (!loaders) {
    loaders = createSwarmLoaders(ctx.engines, ctx.principal);
    held.set(ctx.loaders, loaders);
  }
  return loaders;
}
