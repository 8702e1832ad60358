import { BadUserInputError } from '../engine/errors.ts';
import { imageRef, networkRef, swarmRef } from '../engine/refs.ts';
import type { SwarmObjectKind } from '../engine/swarm.ts';
import type { ServiceDeployConfig, ServiceSpec } from '../engine/swarm-types.ts';
import { swarmTarget } from '../model/engine-refs.ts';
import type { ServiceNode } from '../model/swarm.ts';
import type { Removed } from '../model/swarm-writes.ts';
import {
  type ServiceChange,
  serviceCreate,
  serviceRemove,
  serviceRollback,
  serviceScale,
  serviceUpdate,
  swarmNodeUpdate,
  swarmObjectCreate,
  swarmObjectRemove,
} from '../model/swarm-writes.ts';
import { builder, type Types } from './builder.ts';
import { removedIdField } from './common.ts';
import {
  argument,
  envEntry,
  keyValueMap,
  LabelInput,
  list,
  portNumber,
  singleLine,
} from './input-checks.ts';
import { ContainerMountInput, mountsOf, PortProtocol } from './mount-port-inputs.ts';
import { authArg } from './registry-auth-input.ts';
import {
  Config,
  Secret,
  Service,
  ServiceMode,
  SwarmNode,
  SwarmNodeAvailability,
  SwarmNodeRole,
} from './swarm-nodes.ts';

const ENGINE_ARG = {
  description: 'The engine to act on, a swarm manager; the default when omitted.',
};
/** The engine caps a secret or config at 500 KB. */
const MAX_DATA = 500 * 1024;

const PublishMode = builder.enumType('PublishMode', {
  values: {
    INGRESS: { value: 'ingress', description: 'On every node, through the routing mesh.' },
    HOST: { value: 'host', description: 'Only on the node the task runs on.' },
  } as const,
});

const ServicePortInput = builder.inputType('ServicePortInput', {
  fields: (t) => ({
    targetPort: t.int({ required: true, description: 'The port in the task’s container.' }),
    publishedPort: t.int({ description: 'The port published; the engine picks one when absent.' }),
    protocol: t.field({ type: PortProtocol, defaultValue: 'tcp' }),
    publishMode: t.field({ type: PublishMode, defaultValue: 'ingress' }),
  }),
});

const FailureAction = builder.enumType('ServiceFailureAction', {
  values: {
    PAUSE: { value: 'pause', description: 'Stop replacing tasks; the state reads paused.' },
    CONTINUE: { value: 'continue', description: 'Go on with the next batch.' },
    ROLLBACK: { value: 'rollback', description: 'Restore the previous spec (updates only).' },
  } as const,
});

const DeployOrder = builder.enumType('ServiceDeployOrder', {
  values: {
    STOP_FIRST: {
      value: 'stop-first',
      description: 'The old task stops before its successor starts.',
    },
    START_FIRST: {
      value: 'start-first',
      description: 'The successor starts first; both run a while.',
    },
  } as const,
});

const ServiceDeployConfigInput = builder.inputType('ServiceDeployConfigInput', {
  description:
    'How tasks are replaced on an update or a rollback; an absent field keeps its value.',
  fields: (t) => ({
    parallelism: t.int({ description: 'Tasks replaced at once; 0 is all.' }),
    delaySeconds: t.float({ description: 'Pause between batches.' }),
    monitorSeconds: t.float({
      description:
        'How long each replaced task is watched for a failure before the next batch (the engine’s default is 5 s), as `docker service update --update-monitor`.',
    }),
    failureAction: t.field({ type: FailureAction }),
    order: t.field({ type: DeployOrder }),
  }),
});

type DeployInput = typeof ServiceDeployConfigInput.$inferInput;

function deployConfig(
  field: string,
  input: DeployInput | null | undefined,
): ServiceDeployConfig | undefined {
  if (!input) return undefined;
  if (input.parallelism != null && input.parallelism < 0) {
    throw new BadUserInputError(`${field}.parallelism cannot be negative`);
  }
  const seconds = (name: 'delaySeconds' | 'monitorSeconds') => {
    const value = input[name];
    if (value != null && (!Number.isFinite(value) || value < 0 || value > 86_400)) {
      throw new BadUserInputError(`${field}.${name} must be between 0 and 86400`);
    }
    return value == null ? undefined : Math.round(value * 1e9);
  };
  const delay = seconds('delaySeconds');
  const monitor = seconds('monitorSeconds');
  if (field === 'rollbackConfig' && input.failureAction === 'rollback') {
    throw new BadUserInputError('a rollback cannot roll back: failureAction is PAUSE or CONTINUE');
  }
  return {
    ...(input.parallelism != null && { Parallelism: input.parallelism }),
    ...(delay !== undefined && { Delay: delay }),
    ...(monitor !== undefined && { Monitor: monitor }),
    ...(input.failureAction && { FailureAction: input.failureAction }),
    ...(input.order && { Order: input.order }),
  };
}

const ServiceCreateInput = builder.inputType('ServiceCreateInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    image: t.string({
      required: true,
      description:
        'A tag or id; one no registry resolves is a warning, and its tasks run where it is present.',
    }),
    mode: t.field({ type: ServiceMode, defaultValue: 'replicated' }),
    replicas: t.int({ description: 'For a replicated service; 1 when absent.' }),
    command: t.stringList(),
    args: t.stringList(),
    env: t.stringList({ description: '`KEY=value` entries.' }),
    user: t.string(),
    labels: t.field({ type: [LabelInput], description: "The service's labels." }),
    containerLabels: t.field({ type: [LabelInput], description: "Its tasks' containers' labels." }),
    networks: t.stringList({ description: 'Network names or ids (swarm-scoped networks).' }),
    ports: t.field({ type: [ServicePortInput] }),
    mounts: t.field({ type: [ContainerMountInput], description: 'Under the create policy.' }),
    capAdd: t.stringList({ description: 'Reserved to admin (the create policy).' }),
    nanoCpus: t.field({ type: 'SafeInt', description: 'CPU limit in billionths of a CPU.' }),
    memoryBytes: t.field({ type: 'SafeInt', description: 'Memory limit.' }),
    updateConfig: t.field({ type: ServiceDeployConfigInput }),
    rollbackConfig: t.field({ type: ServiceDeployConfigInput }),
  }),
});

const ServiceUpdateInput = builder.inputType('ServiceUpdateInput', {
  description: 'What to change; an absent field keeps the service’s value.',
  fields: (t) => ({
    image: t.string({
      description: 'Under the create policy, pinned to its digest like a create.',
    }),
    command: t.stringList(),
    env: t.stringList({ description: '`KEY=value` entries; replaces the whole list.' }),
    labels: t.field({ type: [LabelInput], description: "Replaces the service's labels." }),
    replicas: t.int({ description: 'For a replicated service.' }),
    nanoCpus: t.field({ type: 'SafeInt', description: 'CPU limit in billionths of a CPU.' }),
    memoryBytes: t.field({ type: 'SafeInt', description: 'Memory limit.' }),
    updateConfig: t.field({ type: ServiceDeployConfigInput }),
    rollbackConfig: t.field({ type: ServiceDeployConfigInput }),
    version: t.field({
      type: 'SafeInt',
      description:
        'The service’s version as read (Service.version): CONFLICT if it changed since. The current one when absent.',
    }),
  }),
});

/** The update input → the model's change, every value checked before any engine call. */
function serviceChange(input: typeof ServiceUpdateInput.$inferInput): ServiceChange {
  const replicas = input.replicas ?? undefined;
  if (replicas !== undefined && replicas < 0) {
    throw new BadUserInputError('replicas cannot be negative');
  }
  const limits = {
    ...(input.nanoCpus != null && { NanoCPUs: positive('nanoCpus', input.nanoCpus) }),
    ...(input.memoryBytes != null && { MemoryBytes: positive('memoryBytes', input.memoryBytes) }),
  };
  const change: ServiceChange = {
    ...(input.image != null && { image: imageRef(input.image) }),
    command: list('command', input.command, (a) => argument('command', a)),
    env: list('env', input.env, (e) => envEntry('env', e)),
    labels: keyValueMap('labels', input.labels),
    replicas,
    ...(Object.keys(limits).length > 0 && { limits }),
    updateConfig: deployConfig('updateConfig', input.updateConfig),
    rollbackConfig: deployConfig('rollbackConfig', input.rollbackConfig),
    version: input.version ?? undefined,
  };
  if (Object.values(change).every((value) => value === undefined)) {
    throw new BadUserInputError('the update changes nothing');
  }
  return change;
}

type CreateInput = typeof ServiceCreateInput.$inferInput;

function positive(field: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value <= 0) throw new BadUserInputError(`${field} must be positive`);
  return value;
}

/** The typed input → the engine's service spec, every value checked before any engine call. */
function serviceSpec(input: CreateInput): ServiceSpec {
  const replicas = input.replicas ?? undefined;
  if (input.mode === 'global' && replicas !== undefined) {
    throw new BadUserInputError('a global service takes no replicas');
  }
  if (replicas !== undefined && replicas < 0) {
    throw new BadUserInputError('replicas cannot be negative');
  }
  const limits = {
    NanoCPUs: positive('nanoCpus', input.nanoCpus),
    MemoryBytes: positive('memoryBytes', input.memoryBytes),
  };
  const mounts = mountsOf(input.mounts);
  return {
    Name: swarmRef('service', input.name),
    Labels: keyValueMap('labels', input.labels) ?? {},
    TaskTemplate: {
      ContainerSpec: {
        Image: imageRef(input.image),
        Labels: keyValueMap('containerLabels', input.containerLabels) ?? {},
        ...(input.command && {
          Command: list('command', input.command, (a) => argument('command', a)),
        }),
        ...(input.args && { Args: list('args', input.args, (a) => argument('args', a)) }),
        ...(input.env && { Env: list('env', input.env, (e) => envEntry('env', e)) }),
        ...(input.user && { User: singleLine('user', input.user) }),
        ...(mounts && { Mounts: mounts }),
      },
      ...((limits.NanoCPUs || limits.MemoryBytes) && { Resources: { Limits: limits } }),
      Networks: (list('networks', input.networks, networkRef) ?? []).map((Target) => ({ Target })),
    },
    Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: replicas ?? 1 } },
    UpdateConfig: deployConfig('updateConfig', input.updateConfig),
    RollbackConfig: deployConfig('rollbackConfig', input.rollbackConfig),
    EndpointSpec: {
      Ports:
        list('ports', input.ports, (p) => ({
          Protocol: p.protocol ?? 'tcp',
          TargetPort: portNumber('targetPort', p.targetPort),
          ...(p.publishedPort != null && {
            PublishedPort: portNumber('publishedPort', p.publishedPort),
          }),
          PublishMode: p.publishMode ?? 'ingress',
        })) ?? [],
    },
  };
}

const ServiceCreateResult = builder
  .objectRef<{ service: ServiceNode; warnings: string[] }>('ServiceCreateResult')
  .implement({
    description: 'A created or updated service.',
    fields: (t) => ({
      service: t.field({ type: Service, resolve: (r) => r.service }),
      warnings: t.exposeStringList('warnings', {
        description: 'What the engine warned of, e.g. an image no registry could resolve.',
      }),
    }),
  });

const SwarmRemoveResult = builder
  .objectRef<Removed & { typename: 'Service' | 'Secret' | 'Config' }>('SwarmRemoveResult')
  .implement({
    description: 'A removed service, secret or config.',
    fields: (t) => ({
      id: removedIdField(t, (removed) => removed.typename),
      dockerId: t.exposeString('dockerId', { description: 'Its full id.' }),
    }),
  });

function swarmObjectMutations(
  t: PothosSchemaTypes.MutationFieldBuilder<Types, object>,
  kind: SwarmObjectKind,
  ref: typeof Secret,
) {
  const what = kind === 'secret' ? 'a secret (never readable again)' : 'a config';
  return {
    create: t.field({
      authScopes: { operator: true },
      type: ref,
      description: `Creates ${what}. CONFLICT when the name is taken.`,
      args: {
        name: t.arg.string({ required: true }),
        data: t.arg.string({ required: true, description: 'UTF-8 text, at most 500 KB.' }),
        labels: t.arg({ type: [LabelInput] }),
        engine: t.arg.string(ENGINE_ARG),
      },
      resolve: (_root, args, ctx) => {
        const data = Buffer.from(args.data, 'utf8');
        if (data.length > MAX_DATA) throw new BadUserInputError(`data is over ${MAX_DATA} bytes`);
        return swarmObjectCreate(ctx, kind, {
          engine: args.engine,
          name: swarmRef(kind, args.name),
          data,
          labels: keyValueMap('labels', args.labels),
        });
      },
    }),
    remove: t.field({
      authScopes: { operator: true },
      type: SwarmRemoveResult,
      description: `Removes ${kind === 'secret' ? 'a secret' : 'a config'}. CONFLICT while a service uses it.`,
      args: { ref: t.arg.string({ required: true }), engine: t.arg.string(ENGINE_ARG) },
      resolve: async (_root, args, ctx) => ({
        ...(await swarmObjectRemove(ctx, kind, swarmTarget(kind, args))),
        typename: kind === 'secret' ? ('Secret' as const) : ('Config' as const),
      }),
    }),
  };
}

builder.mutationFields((t) => {
  const secret = swarmObjectMutations(t, 'secret', Secret);
  const config = swarmObjectMutations(t, 'config', Config);
  return {
    serviceCreate: t.field({
      authScopes: { operator: true },
      type: ServiceCreateResult,
      description:
        'Creates a swarm service; the create policy applies to its mounts, capabilities, user and networks. CONFLICT when the name is taken or the engine is no swarm manager.',
      args: {
        input: t.arg({ type: ServiceCreateInput, required: true }),
        engine: t.arg.string(ENGINE_ARG),
        auth: t.arg(authArg),
      },
      resolve: (_root, { input, engine, auth }, ctx) =>
        serviceCreate(ctx, {
          engine,
          spec: serviceSpec(input),
          capAdd: list('capAdd', input.capAdd, (cap) => singleLine('capAdd', cap)) ?? [],
          auth,
        }),
    }),
    serviceUpdate: t.field({
      authScopes: { operator: true },
      type: ServiceCreateResult,
      description:
        'Changes a service; a new image, command or env is under the create policy. Its tasks are replaced as its updateConfig says (follow with serviceRollout). CONFLICT when the service changed since `version`.',
      args: {
        ref: t.arg.string({ required: true }),
        input: t.arg({ type: ServiceUpdateInput, required: true }),
        engine: t.arg.string(ENGINE_ARG),
        auth: t.arg({
          ...authArg,
          description: `${authArg.description} Sent with the update, for its image (new or not).`,
        }),
      },
      resolve: (_root, { ref, input, engine, auth }, ctx) =>
        serviceUpdate(ctx, {
          ...swarmTarget('service', { engine, ref }),
          change: serviceChange(input),
          auth,
        }),
    }),
    serviceRollback: t.field({
      authScopes: { operator: true },
      type: Service,
      description:
        'Restores the spec before the last update, as its rollbackConfig says. CONFLICT when it was never updated.',
      args: { ref: t.arg.string({ required: true }), engine: t.arg.string(ENGINE_ARG) },
      resolve: (_root, args, ctx) => serviceRollback(ctx, swarmTarget('service', args)),
    }),
    serviceScale: t.field({
      authScopes: { operator: true },
      type: Service,
      description: 'Sets a replicated service’s replica count; its tasks converge to it.',
      args: {
        ref: t.arg.string({ required: true }),
        replicas: t.arg.int({ required: true }),
        engine: t.arg.string(ENGINE_ARG),
      },
      resolve: (_root, args, ctx) => {
        if (args.replicas < 0) throw new BadUserInputError('replicas cannot be negative');
        return serviceScale(ctx, { ...swarmTarget('service', args), replicas: args.replicas });
      },
    }),
    serviceRemove: t.field({
      authScopes: { operator: true },
      type: SwarmRemoveResult,
      description: 'Removes a service; the engine stops and removes its tasks.',
      args: { ref: t.arg.string({ required: true }), engine: t.arg.string(ENGINE_ARG) },
      resolve: async (_root, args, ctx) => ({
        ...(await serviceRemove(ctx, swarmTarget('service', args))),
        typename: 'Service' as const,
      }),
    }),
    swarmNodeUpdate: t.field({
      authScopes: { admin: true },
      type: SwarmNode,
      description:
        'Changes a swarm node: DRAIN moves its tasks to other nodes (or, with none, stops them until it is ACTIVE again), PAUSE keeps them but takes no new ones. CONFLICT when the engine is no manager; demoting the last manager is refused.',
      args: {
        ref: t.arg.string({
          required: true,
          description: 'Node id, unique id prefix or hostname.',
        }),
        availability: t.arg({ type: SwarmNodeAvailability }),
        role: t.arg({ type: SwarmNodeRole }),
        labels: t.arg({ type: [LabelInput], description: "Replaces the node's labels." }),
        engine: t.arg.string(ENGINE_ARG),
      },
      resolve: (_root, args, ctx) => {
        const change = {
          availability: args.availability ?? undefined,
          role: args.role ?? undefined,
          labels: keyValueMap('labels', args.labels),
        };
        if (Object.values(change).every((value) => value === undefined)) {
          throw new BadUserInputError('the update changes nothing');
        }
        return swarmNodeUpdate(ctx, { ...swarmTarget('node', args), change });
      },
    }),
    secretCreate: secret.create,
    secretRemove: secret.remove,
    configCreate: config.create,
    configRemove: config.remove,
  };
});
