import type { EngineClient } from '../engine/client.ts';
import type { EventItem } from '../engine/event-hub.ts';
import { type EngineRegistry, outsideCallScopes } from '../engine/registry.ts';
import { inspectService, inspectSwarmObject } from '../engine/swarm.ts';
import type { Labels } from '../engine/types.ts';
import { toKey } from './loaders/keys.ts';
import { loadNetworkDetails } from './loaders/networks.ts';
import { loadVolumes } from './loaders/volumes.ts';

/*
 * Network, volume, service, secret and config events carry no labels (the engine puts only a
 * name, type or driver in their attributes), so whether one is a tenant's is found by looking its
 * object up (a swarm object on the manager that sent the event). A destroyed object
 * cannot be looked up: its labels are remembered from when it was last seen (a lookup, or a write
 * through Wharf). One destroyed outside Wharf and never seen since this process started reaches
 * no tenant; a volume name freed and taken again outside Wharf while nobody listened answers with
 * the labels of its last volume seen.
 */

export type LabelledKind = 'network' | 'volume' | 'service' | 'secret' | 'config';

/** Objects whose labels are kept per engine: the oldest seen are let go first. */
const REMEMBERED = 4096;

const memories = new WeakMap<EngineClient, Map<string, Labels>>();

function memoryOf(engines: EngineRegistry, engine: string): Map<string, Labels> | undefined {
  const client = engines.client(engine);
  if (!client) return undefined;
  let memory = memories.get(client);
  if (!memory) {
    memory = new Map();
    memories.set(client, memory);
  }
  return memory;
}

/** A network or swarm object (by id) or a volume (by name) and its labels, as seen now. */
export function rememberLabels(
  engines: EngineRegistry,
  engine: string,
  object: { kind: LabelledKind; id: string; labels: Labels },
): void {
  const memory = memoryOf(engines, engine);
  if (!memory) return;
  const key = `${object.kind}/${object.id}`;
  memory.delete(key);
  memory.set(key, object.labels ?? {});
  if (memory.size > REMEMBERED) memory.delete(memory.keys().next().value as string);
}

/** The object's labels as it is now; null when it cannot be read (gone, or the engine failed). */
async function currentLabels(
  engines: EngineRegistry,
  engine: string,
  kind: LabelledKind,
  id: string,
): Promise<Labels | null> {
  // Shared work: charged to no subscriber, answered once for all of them (see lookups below).
  const shared = outsideCallScopes(engines);
  if (kind === 'network' || kind === 'volume') {
    const keys = [toKey(engine, id)];
    const [found] =
      kind === 'network' ? await loadNetworkDetails(shared, keys) : await loadVolumes(shared, keys);
    return found && !(found instanceof Error) ? (found.Labels ?? {}) : null;
  }
  const api = shared.api(engine);
  if (!api) return null;
  const found = await (kind === 'service'
    ? inspectService(api, id)
    : inspectSwarmObject(api, kind, id)
  ).catch(() => null);
  return found ? (found.Spec.Labels ?? {}) : null;
}

/** The object as it is now (remembered for its destroy event); if it is gone, as last seen. */
async function lookUp(
  engines: EngineRegistry,
  engine: string,
  kind: LabelledKind,
  id: string,
): Promise<Labels | undefined> {
  const labels = await currentLabels(engines, engine, kind, id);
  if (labels) {
    rememberLabels(engines, engine, { kind, id, labels });
    return labels;
  }
  return memoryOf(engines, engine)?.get(`${kind}/${id}`);
}

/** The action of an object's last event: swarm objects are removed, networks and volumes destroyed. */
const GONE: Record<LabelledKind, string> = {
  network: 'destroy',
  volume: 'destroy',
  service: 'remove',
  secret: 'remove',
  config: 'remove',
};

/** Per event, one answer for every subscriber (the hub hands them all the same item). */
const lookups = new WeakMap<EventItem, Promise<Labels | undefined>>();

/**
 * The labels of the object a network, volume, service, secret or config event concerns; undefined
 * when they cannot be known (an object never seen, or an event about no one object, like a prune).
 */
export function eventObjectLabels(
  engines: EngineRegistry,
  engine: string,
  item: Extract<EventItem, { kind: 'event' }>,
  kind: LabelledKind,
): Promise<Labels | undefined> {
  let labels = lookups.get(item);
  if (!labels) {
    const id = item.event.Actor.ID;
    labels = !id
      ? Promise.resolve(undefined)
      : item.event.Action === GONE[kind]
        ? Promise.resolve(forget(engines, engine, `${kind}/${id}`))
        : lookUp(engines, engine, kind, id).catch(() => undefined);
    lookups.set(item, labels);
  }
  return labels;
}

/** The labels of a destroyed object, let go: its name (a volume's identity) is free again. */
function forget(engines: EngineRegistry, engine: string, key: string): Labels | undefined {
  const memory = memoryOf(engines, engine);
  const labels = memory?.get(key);
  memory?.delete(key);
  return labels;
}
