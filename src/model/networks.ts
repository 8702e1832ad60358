import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import { connectContainer, type EndpointConfig, inspectContainer } from '../engine/containers.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';
import {
  createNetwork,
  disconnectNetwork,
  inspectNetwork,
  listNetworks,
  type NetworkCreateConfig,
  pruneNetworks,
  removeNetwork,
} from '../engine/networks.ts';
import { type Engine, type EngineArg, engineFor, reachableBy } from '../engine/registry.ts';
import type { NetworkResource } from '../engine/types.ts';
import { attachmentsOf, containerFromSummary, type NetworkAttachmentNode } from './containers.ts';
import {
  type EngineList,
  type EnginesArg,
  type ListOrder,
  listAcross,
  type SortKeys,
  secondsOf,
} from './engine-lists.ts';
import { checkedRef, refOn, routeRef } from './engine-refs.ts';
import { rememberLabels } from './event-labels.ts';
import { nodesFor } from './loaders/batch.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import { loadNetworks } from './loaders/networks.ts';
import { checkNetworkConnect } from './policy/create-policy.ts';
import {
  checkWritable,
  isTenant,
  stampLabels,
  tenantFilters,
  visibleItems,
  visibleResults,
} from './tenancy.ts';
import { write, writeTo } from './writes.ts';

export type { NetworkCreateConfig };

export interface NetworkNode {
  key: EngineKey;
  network: NetworkResource;
}

function networkNode(engine: string, network: NetworkResource): NetworkNode {
  return { key: toKey(engine, network.Id), network };
}

/** The Network node's loader: one list call per engine for any number of ids. */
export function networkNodes(ctx: Context, keys: string[]) {
  return nodesFor(
    keys,
    loadNetworks(reachableBy(ctx.engines, ctx.principal), keys).then(
      visibleResults(ctx.principal, (network: NetworkResource) => network.Labels),
    ),
    (key, network): NetworkNode => ({ key, network }),
  );
}

/** A network by id, id prefix or name, through the per-request loader; null when none. */
async function networkByRef(
  ctx: Context,
  engine: string,
  ref: string,
): Promise<NetworkNode | null> {
  const network = await ctx.loaders.networkDetails.load(toKey(engine, ref));
  return network ? networkNode(engine, network) : null;
}

/** `network(ref:)`: a network of the engine the arguments name. */
export async function networkAt(ctx: Context, args: EngineArg & { ref: string }) {
  const found = (engine: string, ref: string) => networkByRef(ctx, engine, ref);
  const { engine, ref } = await routeRef(ctx, 'network', args, async (engine, ref) =>
    Boolean(await found(engine, ref)),
  );
  return found(engine, ref);
}

const networkSortKeys: SortKeys<NetworkNode> = {
  created: ({ network }) => secondsOf(network.Created),
  name: ({ network }) => network.Name,
};

/**
 * Networks of the engines asked (all the principal may use by default), in `order`; without one,
 * each in its engine's order.
 */
export function networkList(
  ctx: Context,
  args: EnginesArg & { filters: EngineFilters | undefined; order?: ListOrder | null },
): Promise<EngineList<NetworkNode>> {
  return listAcross(
    ctx,
    args.engines,
    async (name) => {
      const engine = engineFor(ctx, { engine: name });
      const list = await listNetworks(engine.api, { filters: args.filters });
      return visibleItems(ctx.principal, list, (network) => network.Labels).map((network) =>
        networkNode(engine.name, network),
      );
    },
    { keys: networkSortKeys, order: args.order },
  );
}

/** Containers attached to the network, running or not: one list call for every network asked. */
export async function networkAttachments(
  ctx: Context,
  { key, network }: NetworkNode,
): Promise<NetworkAttachmentNode[]> {
  const { engine } = parseKey(key);
  // A created (never started) container's endpoint names its network but has no id yet.
  const containers = await ctx.loaders.containersByNetwork.load(toKey(engine, network.Name));
  return containers.flatMap((summary) =>
    attachmentsOf(containerFromSummary(ctx, engine, summary), summary).filter(
      (attachment) => attachment.networkName === network.Name,
    ),
  );
}

/**
 * The network an attachment names; null only when it is gone (a created container keeps naming a
 * network removed since). Attachments know the name always, the id only once started.
 */
export async function attachmentNetwork(
  ctx: Context,
  { container, networkName }: NetworkAttachmentNode,
): Promise<NetworkNode | null> {
  const { engine } = parseKey(container.key);
  const network = await ctx.loaders.networksByName.load(toKey(engine, networkName));
  return network ? networkNode(engine, network) : null;
}

/** The network read back after a write (which let go of everything read before it). */
async function reread(ctx: Context, engine: string, id: string): Promise<NetworkNode> {
  const network = await networkByRef(ctx, engine, id);
  if (!network) throw new EngineNotFoundError(`network ${id} no longer exists`);
  return network;
}

const NETWORK = {
  kind: 'network' as const,
  inspect: inspectNetwork,
  labels: (network: NetworkResource) => network.Labels,
};

/**
 * A container ref, resolved once to the full id the engine acts on and the audit line names (a
 * second target beside the network); a tenant's must be a container it may change.
 */
async function writableContainer(ctx: Context, engine: Engine, ref: string): Promise<string> {
  const container = await inspectContainer(engine.api, refOn('container', engine.name, ref));
  if (isTenant(ctx.principal)) {
    checkWritable(ctx.principal, container.Config.Labels, { kind: 'container', ref });
  }
  auditTarget(engine.name, container.Id);
  return container.Id;
}

export async function networkCreate(
  ctx: Context,
  args: EngineArg & { config: NetworkCreateConfig },
): Promise<NetworkNode> {
  const created = await write(ctx, args, async (engine) => {
    const labels = stampLabels(ctx.principal, args.config.Labels) ?? {};
    const id = await createNetwork(engine.api, { ...args.config, Labels: labels });
    auditTarget(engine.name, id);
    rememberLabels(ctx.engines, engine.name, { kind: 'network', id, labels });
    return { engine: engine.name, id };
  });
  return reread(ctx, created.engine, created.id);
}

export async function networkConnect(
  ctx: Context,
  args: EngineArg & { ref: string; container: string; endpoint: EndpointConfig },
): Promise<NetworkNode> {
  checkedRef('network', args.ref);
  checkedRef('container', args.container);
  checkNetworkConnect(ctx.principal, { Name: args.ref });
  // Again once resolved: an id or id prefix can name the host network too.
  const resolved = async (api: EngineApi, ref: string) => {
    const network = await inspectNetwork(api, ref);
    checkNetworkConnect(ctx.principal, network);
    return network;
  };
  const { engine, id } = await writeTo(
    ctx,
    args,
    { ...NETWORK, inspect: resolved },
    async (engine, id) =>
      connectContainer(
        engine.api,
        id,
        await writableContainer(ctx, engine, args.container),
        args.endpoint,
      ),
  );
  return reread(ctx, engine, id);
}

export async function networkDisconnect(
  ctx: Context,
  args: EngineArg & { ref: string; container: string; force: boolean },
): Promise<NetworkNode> {
  checkedRef('network', args.ref);
  checkedRef('container', args.container);
  const { engine, id } = await writeTo(ctx, args, NETWORK, async (engine, id) =>
    disconnectNetwork(
      engine.api,
      id,
      await writableContainer(ctx, engine, args.container),
      args.force,
    ),
  );
  return reread(ctx, engine, id);
}

export async function networkRemove(ctx: Context, args: EngineArg & { ref: string }) {
  // Its labels are remembered first: its destroy event reaches its tenant by them.
  const remembered = async (api: EngineApi, ref: string) => {
    const network = await inspectNetwork(api, ref);
    rememberLabels(ctx.engines, api.engine, {
      kind: 'network',
      id: network.Id,
      labels: network.Labels,
    });
    return network;
  };
  const { engine, id } = await writeTo(
    ctx,
    args,
    { ...NETWORK, inspect: remembered },
    ({ api }, id) => removeNetwork(api, id),
  );
  return { key: toKey(engine, id), dockerId: id };
}

export function networksPrune(
  ctx: Context,
  args: EngineArg & { filters: EngineFilters | undefined },
) {
  return write(ctx, args, async ({ name, api }) => {
    const deleted = await pruneNetworks(api, tenantFilters(ctx.principal, args.filters));
    // The engine names what it pruned by network name.
    for (const network of deleted) auditTarget(name, network);
    return { deleted };
  });
}
