import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import type { EngineClient } from '../engine/client.ts';
import {
  type ContainerCreateBody,
  type ContainerUpdateBody,
  connectContainer,
  createContainer,
  type EndpointConfig,
  inspectContainer,
  killContainer,
  listContainers,
  pauseContainer,
  pruneContainers,
  removeContainer,
  renameContainer,
  restartContainer,
  startContainer,
  stopContainer,
  topContainer,
  unpauseContainer,
  updateContainer,
  type WaitCondition,
  waitContainer,
} from '../engine/containers.ts';
import {
  EngineConflictError,
  EngineError,
  EngineNotFoundError,
  OrphanedContainerError,
  WharfError,
} from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';
import { inspectNetwork } from '../engine/networks.ts';
import {
  type Engine,
  type EngineArg,
  engineClientFor,
  engineFor,
  reachableBy,
} from '../engine/registry.ts';
import type {
  ContainerInspect,
  ContainerSummary,
  ContainerTop,
  EndpointSettings,
  MountPoint,
} from '../engine/types.ts';
import {
  type EngineList,
  type EnginesArg,
  type ListOrder,
  listAcross,
  NEWEST_FIRST,
  type SortKeys,
} from './engine-lists.ts';
import { routeRef } from './engine-refs.ts';
import { inspectByRef, nodesFor } from './loaders/batch.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import { checkContainerCreate } from './policy/create-policy.ts';
import { carriedLabels, stampLabels, tenantFilters, visibleItems, visibleTo } from './tenancy.ts';
import { tenantMounts } from './tenant-mounts.ts';
import { write, writeTo } from './writes.ts';

export type {
  ContainerCreateBody,
  ContainerRestartPolicy,
  ContainerUpdateBody,
  EndpointConfig,
  WaitCondition,
} from '../engine/containers.ts';

/**
 * A container as Wharf holds it while resolving: whatever the engine already told us. Fields the
 * list call answers read `summary`; fields only inspect knows read `details`; either is loaded
 * (batched, once per operation) when missing.
 */
export interface ContainerNode {
  key: EngineKey;
  summary?: ContainerSummary;
  details?: ContainerInspect;
}

export interface NetworkAttachmentNode {
  container: ContainerNode;
  networkName: string;
  endpoint: EndpointSettings;
}

function gone(key: EngineKey): never {
  throw new EngineNotFoundError(`container ${parseKey(key).id} no longer exists`);
}

/** The Container node's loader: summaries by full id, one list call per engine. */
export function containerNodes(ctx: Context, keys: string[]) {
  return nodesFor(
    keys,
    ctx.loaders.containerSummaries.loadMany(keys),
    (key, summary): ContainerNode => ({ key, summary }),
  );
}

export async function summaryOf(container: ContainerNode, ctx: Context): Promise<ContainerSummary> {
  if (container.summary) return container.summary;
  const summary = await ctx.loaders.containerSummaries.load(container.key);
  if (summary) return summary;
  // Gone from the list between inspect and now (an event about a removal): answer from inspect.
  return container.details ? summaryFromDetails(container.details) : gone(container.key);
}

const STATUS_WORDS: Record<string, (exitCode: number) => string> = {
  created: () => 'Created',
  running: () => 'Up',
  paused: () => 'Up (Paused)',
  restarting: (code) => `Restarting (${code})`,
  removing: () => 'Removal In Progress',
  exited: (code) => `Exited (${code})`,
  dead: () => 'Dead',
};

/** The list call's view of a container, rebuilt from inspect (without the list's "2 hours ago"). */
function summaryFromDetails(details: ContainerInspect): ContainerSummary {
  const ports = Object.entries(details.NetworkSettings.Ports ?? {}).flatMap(([spec, bindings]) => {
    const [port, protocol = 'tcp'] = spec.split('/');
    const privatePort = Number(port);
    if (!bindings || bindings.length === 0) return [{ PrivatePort: privatePort, Type: protocol }];
    return bindings.map((binding) => ({
      PrivatePort: privatePort,
      Type: protocol,
      ...(binding.HostIp && { IP: binding.HostIp }),
      ...(binding.HostPort && { PublicPort: Number(binding.HostPort) }),
    }));
  });
  const status = details.State.Status;
  return {
    Id: details.Id,
    Names: [details.Name],
    Image: details.Config.Image,
    ImageID: details.Image,
    Command: [details.Path, ...(details.Args ?? [])].join(' '),
    Created: Math.floor(Date.parse(details.Created) / 1000),
    Ports: ports,
    Labels: details.Config.Labels,
    State: status,
    Status: STATUS_WORDS[status]?.(details.State.ExitCode) ?? status,
    HostConfig: { NetworkMode: details.HostConfig.NetworkMode ?? '' },
    NetworkSettings: { Networks: details.NetworkSettings.Networks },
    Mounts: details.Mounts,
  };
}

export async function detailsOf(container: ContainerNode, ctx: Context): Promise<ContainerInspect> {
  if (container.details) return container.details;
  return (await ctx.loaders.containerDetails.load(container.key)) ?? gone(container.key);
}

/**
 * A container by full id, unique id prefix or name, through the per-request inspect loader (so a
 * second path to it costs nothing); null when nothing matches.
 */
export async function containerByRef(
  ctx: Context,
  engine: string,
  ref: string,
): Promise<ContainerNode | null> {
  return inspectByRef(ctx.loaders.containerDetails, engine, ref);
}

/**
 * The engine a container ref routes to (src/model/engine-refs.ts), with its client, and the ref
 * to ask it: what logs, stats and execs talk to.
 */
export async function containerEngine(
  ctx: Context,
  args: EngineArg & { ref: string },
): Promise<{ client: EngineClient; ref: string }> {
  const { engine, ref } = await routeRef(ctx, 'container', args, async (engine, ref) =>
    Boolean(await containerByRef(ctx, engine, ref)),
  );
  return { client: engineClientFor(ctx, { engine }), ref };
}

/** `container(ref:)`: a container by global id, or by name or prefix on the engine it routes to. */
export async function containerAt(ctx: Context, args: EngineArg & { ref: string }) {
  const { client, ref } = await containerEngine(ctx, args);
  return containerByRef(ctx, client.name, ref);
}

/**
 * A container from a list answer. Its summary answers later loads by key too (a relation or a
 * global id reaching the same container costs nothing more).
 */
export function containerFromSummary(
  ctx: Context,
  engine: string,
  summary: ContainerSummary,
): ContainerNode {
  const key = toKey(engine, summary.Id);
  ctx.loaders.containerSummaries.prime(key, summary);
  return { key, summary };
}

/** The name the docker CLI shows: the first, without the leading slash the engine stores. */
export function containerName(summary: ContainerSummary): string {
  return (summary.Names[0] ?? '').replace(/^\//, '');
}

const containerSortKeys: SortKeys<ContainerNode> = {
  created: (container) => container.summary?.Created ?? 0,
  name: (container) => (container.summary ? containerName(container.summary) : ''),
  state: (container) => container.summary?.State ?? '',
  engineNewestFirst: true,
};

/** Containers of the engines asked (all the principal may use by default), newest first by default. */
export function containerList(
  ctx: Context,
  args: EnginesArg & {
    all: boolean;
    filters: EngineFilters | undefined;
    /** Their images will be read: the image list is asked beside the container list, not after. */
    withImages?: boolean;
    order?: ListOrder | null;
  },
): Promise<EngineList<ContainerNode>> {
  return listAcross(
    ctx,
    args.engines,
    async (name) => {
      const engine = engineFor(ctx, { engine: name });
      // Its failure reaches the image fields that load it later, as it would have without this.
      if (args.withImages) ctx.loaders.imageLists.load(engine.name).catch(() => {});
      const list = await listContainers(engine.api, { all: args.all, filters: args.filters });
      return visibleItems(ctx.principal, list, (container) => container.Labels).map((summary) =>
        containerFromSummary(ctx, engine.name, summary),
      );
    },
    { keys: containerSortKeys, order: args.order ?? NEWEST_FIRST },
  );
}

export function attachmentsOf(container: ContainerNode, summary: ContainerSummary) {
  return Object.entries(summary.NetworkSettings?.Networks ?? {}).map(
    ([networkName, endpoint]): NetworkAttachmentNode => ({ container, networkName, endpoint }),
  );
}

export async function containerAttachments(ctx: Context, container: ContainerNode) {
  return attachmentsOf(container, await summaryOf(container, ctx));
}

/** DNS aliases on one network: the list call lacks them, so this costs one batched inspect. */
export async function attachmentAliases(ctx: Context, attachment: NetworkAttachmentNode) {
  const details = await detailsOf(attachment.container, ctx);
  return details.NetworkSettings.Networks?.[attachment.networkName]?.Aliases ?? [];
}

/** The key of the image the container was created from, for the Image loader. */
export async function containerImageKey(ctx: Context, container: ContainerNode) {
  const { ImageID } = await summaryOf(container, ctx);
  return ImageID ? toKey(parseKey(container.key).engine, ImageID) : null;
}

/** The key of the named volume mounted here, for the Volume loader; null for other mounts. */
export function mountVolumeKey(engine: string, mount: MountPoint): EngineKey | null {
  return mount.Type === 'volume' && mount.Name ? toKey(engine, mount.Name) : null;
}

/** Summaries with SizeRw/SizeRootFs, which cost the engine a disk walk: asked only when selected. */
export function containerSizes(ctx: Context, container: ContainerNode) {
  return ctx.loaders.containerSizes.load(container.key);
}

/** `docker top`; null when the container is not running. */
export async function containerProcesses(
  ctx: Context,
  container: ContainerNode,
): Promise<ContainerTop | null> {
  const { engine, id } = parseKey(container.key);
  const api = reachableBy(ctx.engines, ctx.principal).api(engine);
  if (!api) return null;
  try {
    return await topContainer(api, id);
  } catch (error) {
    if (error instanceof EngineConflictError) return null;
    // Stopping while `top` ran, the engine answers 500 ("ttrpc: closed"): stopped means none.
    if (error instanceof EngineError && !(await stillRunning(api, id))) return null;
    throw error;
  }
}

async function stillRunning(api: EngineApi, id: string): Promise<boolean> {
  try {
    return (await inspectContainer(api, id)).State.Running;
  } catch {
    return false;
  }
}

/** The container read back after a write (which let go of everything read before it). */
async function reread(ctx: Context, engine: string, id: string): Promise<ContainerNode> {
  const container = await containerByRef(ctx, engine, id);
  if (!container) throw new EngineNotFoundError(`container ${id} no longer exists`);
  return container;
}

/** A container as a write's target (src/model/writes.ts `writeTo`). */
export const CONTAINER = {
  kind: 'container' as const,
  inspect: (api: EngineApi, ref: string) => inspectContainer(api, ref),
  labels: (container: ContainerInspect) => container.Config.Labels,
};

/** A write to one container, named by id, id prefix or name. */
function writeToContainer<T>(
  ctx: Context,
  args: EngineArg & { ref: string },
  act: (engine: Engine, id: string) => Promise<T>,
) {
  return writeTo(ctx, args, CONTAINER, act);
}

export interface ContainerActionResult {
  container: ContainerNode;
  changed: boolean;
}

/**
 * A lifecycle action, and the container read back. An action that can find the container already
 * so (the engine's 304) says it with `false`.
 */
async function lifecycle(
  ctx: Context,
  args: EngineArg & { ref: string },
  action: (engine: Engine, id: string) => Promise<unknown>,
): Promise<ContainerActionResult> {
  const { engine, id, result } = await writeToContainer(ctx, args, action);
  return { changed: result !== false, container: await reread(ctx, engine, id) };
}

type Ref = EngineArg & { ref: string };

export const containerStart = (ctx: Context, args: Ref) =>
  lifecycle(ctx, args, ({ api }, id) => startContainer(api, id));

export const containerStop = (ctx: Context, args: Ref & { timeout: number | undefined }) =>
  lifecycle(ctx, args, ({ api }, id) => stopContainer(api, id, args.timeout));

export const containerRestart = (ctx: Context, args: Ref & { timeout: number | undefined }) =>
  lifecycle(ctx, args, ({ api }, id) => restartContainer(api, id, args.timeout));

export const containerKill = (ctx: Context, args: Ref & { signal: string | undefined }) =>
  lifecycle(ctx, args, ({ api }, id) => killContainer(api, id, args.signal));

export const containerPause = (ctx: Context, args: Ref) =>
  lifecycle(ctx, args, ({ api }, id) => pauseContainer(api, id));

export const containerUnpause = (ctx: Context, args: Ref) =>
  lifecycle(ctx, args, ({ api }, id) => unpauseContainer(api, id));

export const containerRename = (ctx: Context, args: Ref & { name: string }) =>
  lifecycle(ctx, args, ({ api }, id) => renameContainer(api, id, args.name));

export const containerUpdate = (ctx: Context, args: Ref & { body: ContainerUpdateBody }) =>
  lifecycle(ctx, args, ({ api }, id) => updateContainer(api, id, args.body));

/**
 * What containerClone copies: the container's inspect, if the principal may write to it (a
 * tenant: only its own, less Wharf's reserved labels a tenant cannot set), and the engine it is
 * on (where the clone is made).
 */
export async function containerCloneSource(
  ctx: Context,
  args: Ref,
): Promise<{ engine: string; source: ContainerInspect }> {
  const { engine, result } = await writeToContainer(ctx, args, ({ api }, id) =>
    inspectContainer(api, id),
  );
  const labels = carriedLabels(ctx.principal, result.Config.Labels);
  return { engine, source: { ...result, Config: { ...result.Config, Labels: labels } } };
}

export async function containerRemove(
  ctx: Context,
  args: Ref & { force: boolean; volumes: boolean },
) {
  const { engine, id } = await writeToContainer(ctx, args, ({ api }, id) =>
    removeContainer(api, id, { force: args.force, volumes: args.volumes }),
  );
  return { key: toKey(engine, id), dockerId: id, removed: true };
}

export async function containerWait(ctx: Context, args: Ref & { condition: WaitCondition }) {
  const { result } = await writeToContainer(ctx, args, ({ api }, id) =>
    waitContainer(api, id, args.condition, ctx.signal),
  );
  return { exitCode: result.StatusCode, error: result.Error?.Message || null };
}

export function containersPrune(
  ctx: Context,
  args: EngineArg & { filters: EngineFilters | undefined },
) {
  return write(ctx, args, async ({ name: engine, api }) => {
    const result = await pruneContainers(api, tenantFilters(ctx.principal, args.filters));
    for (const id of result.ContainersDeleted ?? []) auditTarget(engine, id);
    return {
      containersDeleted: result.ContainersDeleted ?? [],
      spaceReclaimed: result.SpaceReclaimed,
    };
  });
}

/**
 * The container was created but would not start. The client must learn its id (it exists, and is
 * theirs to remove), so the id is in the message and in `createdId`.
 */
export class CreatedNotStartedError extends WharfError {
  readonly createdId: string;

  constructor(createdId: string, cause: unknown) {
    const wharf = cause instanceof WharfError ? cause : undefined;
    super(
      wharf?.code ?? 'ENGINE_ERROR',
      `container ${createdId} was created but did not start: ${wharf?.message ?? 'unexpected error'}`,
      { cause, facts: { createdId } },
    );
    this.createdId = createdId;
  }
}

export interface ContainerCreateRequest {
  name: string | undefined;
  body: ContainerCreateBody;
  /** Every network named, the first (joined at create) included. */
  networks: string[];
  /** Networks joined right after create: API 1.41 takes only one at create. */
  later: { network: string; endpoint: EndpointConfig }[];
}

/** Another tenant's network answers a create as a missing one would. */
async function visibleNetwork(ctx: Context, api: EngineApi, ref: string): Promise<void> {
  const network = await inspectNetwork(api, ref);
  if (!visibleTo(ctx.principal, network.Labels)) {
    throw new EngineNotFoundError(`network ${ref} not found`);
  }
}

/** Creates (and with `start`, starts) a container, and reads it back. */
export async function containerCreate(
  ctx: Context,
  args: EngineArg & { request: ContainerCreateRequest; start: boolean },
): Promise<ContainerNode> {
  const { name, networks, later } = args.request;
  const host = ctx.engines.client(engineFor(ctx, args).name)?.sharesHost;
  await checkContainerCreate(
    ctx.principal,
    ctx.policy,
    args.request,
    host ? 'wharf-host' : 'other-host',
  );
  const body = {
    ...args.request.body,
    Labels: stampLabels(ctx.principal, args.request.body.Labels),
  };
  const created = await write(ctx, args, async (target) => {
    const { name: engine, api } = target;
    // A created container takes any network name and fails only at start: check them first.
    await Promise.all(networks.map((network) => visibleNetwork(ctx, api, network)));
    const mounted = await tenantMounts(ctx, target, body);
    const { Id: id } = await createContainer(api, mounted.body, name).catch(async (error) => {
      await mounted.undo();
      throw error;
    });
    auditTarget(engine, id);
    try {
      for (const { network, endpoint } of later) {
        await connectContainer(api, network, id, endpoint);
      }
    } catch (error) {
      // Half-networked is not what was asked for: undo the create.
      await removeContainer(api, id, { force: true, volumes: true }).catch((undo) => {
        throw new OrphanedContainerError(id, error, undo);
      });
      throw error;
    }
    if (args.start) {
      try {
        await startContainer(api, id);
      } catch (error) {
        throw new CreatedNotStartedError(id, error);
      }
    }
    return { engine, id };
  });
  return reread(ctx, created.engine, created.id);
}
