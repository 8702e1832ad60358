import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import {
  BadUserInputError,
  EngineConflictError,
  EngineError,
  EngineNotFoundError,
} from '../engine/errors.ts';
import type { EngineArg } from '../engine/registry.ts';
import type { RegistryAuth } from '../engine/registry-auth.ts';
import {
  createService,
  createSwarmObject,
  inspectNode,
  inspectService,
  inspectSwarmObject,
  registryDigest,
  removeService,
  removeSwarmObject,
  type SwarmObjectKind,
  updateNode,
  updateService,
} from '../engine/swarm.ts';
import type {
  Service,
  ServiceDeployConfig,
  ServiceMount,
  ServiceSpec,
  SwarmNode,
} from '../engine/swarm-types.ts';
import { rememberLabels } from './event-labels.ts';
import { type EngineKey, toKey } from './loaders/keys.ts';
import { checkContainerCreate, checkRegistry } from './policy/create-policy.ts';
import { type ClientRegistryAuth, registryAuthFor } from './registry-auth.ts';
import {
  type ServiceNode,
  type SwarmNodeNode,
  type SwarmObjectNode,
  serviceNodes,
  swarmNodeNodes,
  swarmObjectNodes,
} from './swarm.ts';
import { stampLabels } from './tenancy.ts';
import { tenantMounts } from './tenant-mounts.ts';
import { write, writeTo } from './writes.ts';

/** What a removal reports: the removed object's key (for its global id) and engine id. */
export interface Removed {
  key: EngineKey;
  dockerId: string;
}

/** Swarm objects carry `ID`; writeTo resolves refs to an `Id`. */
function withId<T extends { ID: string }>(object: T): T & { Id: string } {
  return { ...object, Id: object.ID };
}

async function reread<N>(load: Promise<(N | Error)[]>, what: string): Promise<N> {
  const [node] = await load;
  if (!node || node instanceof Error)
    throw node ?? new EngineNotFoundError(`${what} no longer exists`);
  return node;
}

const rereadService = (ctx: Context, engine: string, id: string) =>
  reread<ServiceNode>(serviceNodes(ctx, [`${engine}/${id}`]), `service ${id}`);

// --- secrets and configs

export async function swarmObjectCreate(
  ctx: Context,
  kind: SwarmObjectKind,
  args: EngineArg & { name: string; data: Buffer; labels: Record<string, string> | undefined },
): Promise<SwarmObjectNode> {
  const { engine, id } = await write(ctx, args, async ({ name, api }) => {
    const Labels = stampLabels(ctx.principal, args.labels) ?? {};
    const id = await createSwarmObject(api, kind, { Name: args.name, Labels, Data: args.data });
    auditTarget(name, id);
    // For its events' readers, should it be gone before they look it up.
    rememberLabels(ctx.engines, name, { kind, id, labels: Labels });
    return { engine: name, id };
  });
  return reread(swarmObjectNodes(ctx, kind, [`${engine}/${id}`]), `${kind} ${id}`);
}

export async function swarmObjectRemove(
  ctx: Context,
  kind: SwarmObjectKind,
  args: EngineArg & { ref: string },
): Promise<Removed> {
  const target = {
    kind,
    inspect: async (api: EngineApi, ref: string) =>
      withId(await inspectSwarmObject(api, kind, ref)),
    labels: (object: { Spec: { Labels: Record<string, string> | null } }) => object.Spec.Labels,
  };
  const { engine, id } = await writeTo(ctx, args, target, ({ api }, id) =>
    removeSwarmObject(api, kind, id),
  );
  return { key: toKey(engine, id), dockerId: id };
}

// --- services

/**
 * The create policy of containers applies to the task's container as the service describes it:
 * any bind mount (made on whichever node runs the task), added capabilities, a root user under
 * WHARF_DENY_ROOT_USER and the host network are admin's.
 */
function checkServiceCreate(ctx: Context, spec: ServiceSpec, capAdd: readonly string[]) {
  const container = spec.TaskTemplate.ContainerSpec;
  // Every node pulls the image from its registry: the pull policy applies too.
  checkRegistry(ctx.principal, ctx.policy, container.Image, 'pull');
  return checkContainerCreate(
    ctx.principal,
    ctx.policy,
    {
      body: {
        Image: container.Image,
        Cmd: container.Command,
        Env: container.Env,
        Labels: container.Labels,
        User: container.User,
        HostConfig: {
          Mounts: container.Mounts,
          ...(capAdd.length > 0 && { CapAdd: [...capAdd] }),
        },
      },
      networks: (spec.TaskTemplate.Networks ?? []).map((network) => network.Target),
    },
    'swarm-nodes',
  );
}

/** An image id or a ref with a digest already names one image everywhere. */
const PINNED = /@sha256:|^(sha256:)?[0-9a-f]{12,64}$/;

/**
 * The image pinned to the digest its registry has now, so every node runs the same image (as the
 * docker CLI does). An image no registry answers for is left as it is, with the CLI's warning.
 */
async function pinnedImage(
  api: EngineApi,
  image: string,
  auth: RegistryAuth | undefined,
): Promise<{ image: string; warnings: string[] }> {
  if (PINNED.test(image)) return { image, warnings: [] };
  try {
    return { image: `${image}@${await registryDigest(api, image, auth)}`, warnings: [] };
  } catch (error) {
    // The engine answered (the registry is unknown or unreachable); a dead engine fails the create.
    if (!(error instanceof EngineError)) throw error;
    return {
      image,
      warnings: [
        `image ${image} could not be accessed on a registry to record its digest. Each node will access ${image} independently, possibly leading to different nodes running different versions of the image.`,
      ],
    };
  }
}

/**
 * Creates a service; answers it and the engine's warnings (an image no registry can resolve is
 * one: its tasks run where the image is present).
 */
export async function serviceCreate(
  ctx: Context,
  args: EngineArg & {
    spec: ServiceSpec;
    capAdd: readonly string[];
    auth?: ClientRegistryAuth | null;
  },
): Promise<{ service: ServiceNode; warnings: string[] }> {
  await checkServiceCreate(ctx, args.spec, args.capAdd);
  const container = args.spec.TaskTemplate.ContainerSpec;
  const labels = stampLabels(ctx.principal, args.spec.Labels) ?? {};
  // The tasks' containers are the tenant's too.
  const containerLabels = stampLabels(ctx.principal, container.Labels) ?? {};
  // Wharf's credentials for the image's registry: the swarm keeps them for the nodes' pulls.
  const auth = await registryAuthFor(ctx, container.Image, args.auth);
  const created = await write(ctx, args, async (engine) => {
    // A tenant's named volumes must be its own; the volumes the engine makes carry its labels.
    const mounted = await tenantMounts(ctx, engine, {
      Image: container.Image,
      HostConfig: { ...(container.Mounts && { Mounts: container.Mounts }) },
    });
    const pinned = await pinnedImage(engine.api, container.Image, auth);
    const spec: ServiceSpec = {
      ...args.spec,
      Labels: labels,
      TaskTemplate: {
        ...args.spec.TaskTemplate,
        ContainerSpec: {
          ...container,
          Image: pinned.image,
          Labels: containerLabels,
          ...(args.capAdd.length > 0 && { CapabilityAdd: [...args.capAdd] }),
          ...(mounted.body.HostConfig.Mounts && {
            Mounts: mounted.body.HostConfig.Mounts as ServiceMount[],
          }),
        },
      },
    };
    const result = await createService(engine.api, spec, auth).catch(async (error: unknown) => {
      await mounted.undo();
      throw error;
    });
    auditTarget(engine.name, result.id);
    rememberLabels(ctx.engines, engine.name, { kind: 'service', id: result.id, labels });
    return {
      engine: engine.name,
      id: result.id,
      warnings: [...pinned.warnings, ...result.warnings],
    };
  });
  return {
    service: await rereadService(ctx, created.engine, created.id),
    warnings: created.warnings,
  };
}

const SERVICE_TARGET = {
  kind: 'service' as const,
  inspect: async (api: EngineApi, ref: string) => withId(await inspectService(api, ref)),
  labels: (service: Service) => service.Spec.Labels,
};

/**
 * What an update changes; an absent field keeps the service's value. `version` is the one the
 * client read (a stale one is CONFLICT); the one read here when absent.
 */
export interface ServiceChange {
  image?: string;
  command?: string[];
  env?: string[];
  labels?: Record<string, string>;
  replicas?: number;
  limits?: { NanoCPUs?: number; MemoryBytes?: number };
  updateConfig?: ServiceDeployConfig;
  rollbackConfig?: ServiceDeployConfig;
  version?: number;
}

/** A change to what the task's container runs, or may do, is checked like a create. */
const CONTAINER_CHANGE = ['image', 'command', 'env'] as const;

async function changedSpec(
  ctx: Context,
  api: EngineApi,
  service: Service,
  change: ServiceChange,
  given: ClientRegistryAuth | null | undefined,
): Promise<{ spec: ServiceSpec; warnings: string[]; auth?: RegistryAuth | undefined }> {
  const old = service.Spec;
  const container = old.TaskTemplate.ContainerSpec;
  if (change.replicas !== undefined && !old.Mode.Replicated) {
    throw new BadUserInputError(`service ${old.Name} is global: it has no replica count`);
  }
  // A new image may come from another registry: its credentials go with the update; a client's
  // own go with any update.
  const auth =
    change.image === undefined && !given
      ? undefined
      : await registryAuthFor(ctx, change.image ?? container.Image, given);
  const pinned =
    change.image === undefined
      ? { image: container.Image, warnings: [] }
      : await pinnedImage(api, change.image, auth);
  const spec: ServiceSpec = {
    ...old,
    ...(change.labels && { Labels: stampLabels(ctx.principal, change.labels) ?? {} }),
    TaskTemplate: {
      ...old.TaskTemplate,
      ContainerSpec: {
        ...container,
        Image: pinned.image,
        ...(change.command && { Command: change.command }),
        ...(change.env && { Env: change.env }),
      },
      ...(change.limits && {
        Resources: {
          ...old.TaskTemplate.Resources,
          Limits: { ...old.TaskTemplate.Resources?.Limits, ...change.limits },
        },
      }),
    },
    ...(change.replicas !== undefined && { Mode: { Replicated: { Replicas: change.replicas } } }),
    ...(change.updateConfig && { UpdateConfig: { ...old.UpdateConfig, ...change.updateConfig } }),
    ...(change.rollbackConfig && {
      RollbackConfig: { ...old.RollbackConfig, ...change.rollbackConfig },
    }),
  };
  if (CONTAINER_CHANGE.some((field) => change[field] !== undefined)) {
    await checkServiceCreate(ctx, spec, container.CapabilityAdd ?? []);
  }
  return { spec, warnings: pinned.warnings, auth };
}

/**
 * Reads the service where its ref resolves, then sends the spec `next` makes of it under the
 * version read (or the client's): a concurrent update in between is CONFLICT.
 */
async function updateWith(
  ctx: Context,
  args: EngineArg & { ref: string; version?: number },
  next: (
    api: EngineApi,
    service: Service,
  ) => Promise<{
    spec: ServiceSpec;
    rollback?: boolean;
    warnings?: string[];
    auth?: RegistryAuth | undefined;
  }>,
): Promise<{ service: ServiceNode; warnings: string[] }> {
  // The spec and version read when the ref was resolved: the update names that version.
  let read: Service | undefined;
  const target = {
    ...SERVICE_TARGET,
    inspect: async (api: EngineApi, ref: string) => {
      read = await inspectService(api, ref);
      return withId(read);
    },
  };
  const { engine, id, result } = await writeTo(ctx, args, target, async ({ api }, id) => {
    const service = read as Service;
    const made = await next(api, service);
    await updateService(api, id, args.version ?? service.Version.Index, made.spec, made);
    return made.warnings ?? [];
  });
  return { service: await rereadService(ctx, engine, id), warnings: result };
}

/** Changes a service's spec; its tasks are replaced as its update config says. */
export function serviceUpdate(
  ctx: Context,
  args: EngineArg & { ref: string; change: ServiceChange; auth?: ClientRegistryAuth | null },
): Promise<{ service: ServiceNode; warnings: string[] }> {
  return updateWith(ctx, { ...args, version: args.change.version }, (api, service) =>
    changedSpec(ctx, api, service, args.change, args.auth),
  );
}

/** Sets a replicated service's replica count; the engine converges to it. */
export async function serviceScale(
  ctx: Context,
  args: EngineArg & { ref: string; replicas: number },
): Promise<ServiceNode> {
  const updated = await serviceUpdate(ctx, { ...args, change: { replicas: args.replicas } });
  return updated.service;
}

/** Restores the spec before the last update; CONFLICT when there was none. */
export async function serviceRollback(
  ctx: Context,
  args: EngineArg & { ref: string },
): Promise<ServiceNode> {
  const rolled = await updateWith(ctx, args, async (_api, service) => {
    if (!service.PreviousSpec) {
      throw new EngineConflictError(`service ${args.ref} has no previous spec to roll back to`);
    }
    return { spec: service.Spec, rollback: true };
  });
  return rolled.service;
}

// --- nodes

/** What a node update changes; an absent field keeps the node's value. */
export interface SwarmNodeChange {
  availability?: SwarmNode['Spec']['Availability'];
  role?: SwarmNode['Spec']['Role'];
  labels?: Record<string, string>;
}

/**
 * Changes a node's availability (DRAIN moves its tasks away), role or labels. Nodes belong to no
 * tenant: admin's only, so no tenancy check.
 */
export async function swarmNodeUpdate(
  ctx: Context,
  args: EngineArg & { ref: string; change: SwarmNodeChange },
): Promise<SwarmNodeNode> {
  const { engine, id } = await write(ctx, args, async ({ name, api }) => {
    const node = await inspectNode(api, args.ref);
    auditTarget(name, node.ID);
    const { availability, role, labels } = args.change;
    await updateNode(api, node.ID, node.Version.Index, {
      ...node.Spec,
      ...(availability && { Availability: availability }),
      ...(role && { Role: role }),
      ...(labels && { Labels: labels }),
    });
    return { engine: name, id: node.ID };
  });
  return reread(swarmNodeNodes(ctx, [`${engine}/${id}`]), `node ${id}`);
}

export async function serviceRemove(
  ctx: Context,
  args: EngineArg & { ref: string },
): Promise<Removed> {
  const { engine, id } = await writeTo(ctx, args, SERVICE_TARGET, ({ api }, id) =>
    removeService(api, id),
  );
  return { key: toKey(engine, id), dockerId: id };
}
