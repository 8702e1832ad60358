import type { SwarmObjectKind } from '../engine/swarm.ts';
import {
  type ServiceNode,
  type SwarmNodeNode,
  type SwarmObjectNode,
  serviceNodes,
  swarmNodeNodes,
  swarmObjectNodes,
  type TaskNode,
  taskNodes,
} from '../model/swarm.ts';
import { builder } from './builder.ts';

/*
 * The swarm's node types, declared apart from src/graphql/nodes.ts like those: each loads through
 * the model's swarm loaders by key (`<engine>/<swarm id>`), so its global id carries the engine.
 */

export const Service = builder.loadableNodeRef('Service', {
  id: { resolve: (service: ServiceNode) => service.key },
  load: (keys: string[], ctx) => serviceNodes(ctx, keys),
  cacheResolved: (service) => service.key,
});

export const Task = builder.loadableNodeRef('Task', {
  id: { resolve: (task: TaskNode) => task.key },
  load: (keys: string[], ctx) => taskNodes(ctx, keys),
  cacheResolved: (task) => task.key,
});

export const SwarmNode = builder.loadableNodeRef('SwarmNode', {
  id: { resolve: (node: SwarmNodeNode) => node.key },
  load: (keys: string[], ctx) => swarmNodeNodes(ctx, keys),
  cacheResolved: (node) => node.key,
});

function swarmObjectRef(name: 'Secret' | 'Config', kind: SwarmObjectKind) {
  return builder.loadableNodeRef(name, {
    id: { resolve: (object: SwarmObjectNode) => object.key },
    load: (keys: string[], ctx) => swarmObjectNodes(ctx, kind, keys),
    cacheResolved: (object) => object.key,
  });
}

export const Secret = swarmObjectRef('Secret', 'secret');
export const Config = swarmObjectRef('Config', 'config');

/** Shared by the swarm's reads and writes. */
export const ServiceMode = builder.enumType('ServiceMode', {
  values: {
    REPLICATED: { value: 'replicated', description: 'A set number of tasks.' },
    GLOBAL: { value: 'global', description: 'One task on every node that may run it.' },
  } as const,
});

export const SwarmNodeRole = builder.enumType('SwarmNodeRole', {
  values: { WORKER: { value: 'worker' }, MANAGER: { value: 'manager' } } as const,
});

export const SwarmNodeAvailability = builder.enumType('SwarmNodeAvailability', {
  values: {
    ACTIVE: { value: 'active', description: 'Takes new tasks.' },
    PAUSE: { value: 'pause', description: 'Keeps its tasks, takes no new ones.' },
    DRAIN: { value: 'drain', description: 'Its tasks move to other nodes.' },
  } as const,
});
