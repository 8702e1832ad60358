import type { ArgBuilder } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { envValueHider, visibleEnv } from '../auth/redact.ts';
import type { Context } from '../context.ts';
import type { ContainerInspect, MountPoint, PortSummary } from '../engine/types.ts';
import {
  attachmentAliases,
  containerAt,
  containerAttachments,
  containerImageKey,
  containerList,
  containerName,
  containerProcesses,
  containerSizes,
  detailsOf,
  mountVolumeKey,
  summaryOf,
} from '../model/containers.ts';
import { type ListOrder, NEWEST_FIRST } from '../model/engine-lists.ts';
import { lastExitCode } from '../model/exit-code.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { attachmentNetwork } from '../model/networks.ts';
import { CONTAINER_ACTIONS, containerActions } from '../model/permissions.ts';
import { builder, type Types } from './builder.ts';
import { labelFields } from './common.ts';
import {
  type ConnectionArgs,
  engineArg,
  engineConnection,
  enginesArg,
  orderInput,
} from './engine-connection.ts';
import { containerFilters } from './filters.ts';
import { HostConfig } from './host-config-type.ts';
import { Container, Engine, Image, Network, NetworkAttachment, Volume } from './nodes.ts';
import { engineTime, unixTime } from './scalars.ts';
import { selects } from './selection.ts';

export const ContainerState = builder.enumType('ContainerState', {
  description: 'Every state the engine reports; none is folded into another.',
  values: {
    CREATED: { value: 'created' },
    RUNNING: { value: 'running' },
    PAUSED: { value: 'paused' },
    RESTARTING: { value: 'restarting' },
    REMOVING: { value: 'removing' },
    EXITED: { value: 'exited' },
    DEAD: { value: 'dead' },
  } as const,
});

export const HealthStatus = builder.enumType('HealthStatus', {
  values: {
    STARTING: { value: 'starting' },
    HEALTHY: { value: 'healthy' },
    UNHEALTHY: { value: 'unhealthy' },
    NONE: { value: 'none' },
  } as const,
});

type HealthDetails = NonNullable<ContainerInspect['State']['Health']>;
type HealthLog = NonNullable<HealthDetails['Log']>[number];

const ContainerActionEnum = builder.enumType('ContainerAction', { values: CONTAINER_ACTIONS });

const HealthCheckResult = builder.objectRef<HealthLog>('HealthCheckResult').implement({
  fields: (t) => ({
    start: t.field({ type: 'DateTime', nullable: true, resolve: (r) => engineTime(r.Start) }),
    end: t.field({ type: 'DateTime', nullable: true, resolve: (r) => engineTime(r.End) }),
    exitCode: t.exposeInt('ExitCode'),
    output: t.exposeString('Output'),
  }),
});

const ContainerHealth = builder.objectRef<HealthDetails>('ContainerHealth').implement({
  fields: (t) => ({
    status: t.field({ type: HealthStatus, resolve: (h) => h.Status as 'healthy' }),
    failingStreak: t.exposeInt('FailingStreak'),
    log: t.field({
      type: [HealthCheckResult],
      description: 'The last checks the engine kept (at most 5), oldest first.',
      resolve: (h) => h.Log ?? [],
    }),
    lastOutput: t.string({
      nullable: true,
      description: 'Output of the most recent check.',
      resolve: (h) => h.Log?.at(-1)?.Output ?? null,
    }),
  }),
});

const Port = builder.objectRef<PortSummary>('Port').implement({
  description: 'A port the container exposes, and where it is published on the host if it is.',
  fields: (t) => ({
    privatePort: t.exposeInt('PrivatePort'),
    publicPort: t.int({ nullable: true, resolve: (p) => p.PublicPort ?? null }),
    protocol: t.exposeString('Type', { description: 'tcp, udp or sctp.' }),
    ip: t.string({ nullable: true, resolve: (p) => p.IP || null }),
  }),
});

const MountType = builder.enumType('MountType', {
  values: {
    BIND: { value: 'bind' },
    VOLUME: { value: 'volume' },
    TMPFS: { value: 'tmpfs' },
    NPIPE: { value: 'npipe' },
    CLUSTER: { value: 'cluster' },
  } as const,
});

const Mount = builder.objectRef<{ engine: string; mount: MountPoint }>('Mount').implement({
  fields: (t) => ({
    type: t.field({ type: MountType, resolve: ({ mount }) => mount.Type as 'bind' }),
    name: t.string({ nullable: true, resolve: ({ mount }) => mount.Name || null }),
    source: t.string({ resolve: ({ mount }) => mount.Source }),
    destination: t.string({ resolve: ({ mount }) => mount.Destination }),
    driver: t.string({ nullable: true, resolve: ({ mount }) => mount.Driver || null }),
    mode: t.string({ resolve: ({ mount }) => mount.Mode }),
    rw: t.boolean({ resolve: ({ mount }) => mount.RW }),
    propagation: t.string({ resolve: ({ mount }) => mount.Propagation }),
    volume: t.field({
      type: Volume,
      nullable: true,
      description: 'The named volume mounted here; null for bind and tmpfs mounts.',
      resolve: ({ engine, mount }) => mountVolumeKey(engine, mount),
    }),
  }),
});

type Config = ContainerInspect['Config'];
const ContainerConfig = builder.objectRef<Config>('ContainerConfig').implement({
  description: 'How the container was configured at create time.',
  fields: (t) => ({
    hostname: t.exposeString('Hostname'),
    user: t.exposeString('User'),
    workingDir: t.exposeString('WorkingDir'),
    entrypoint: t.stringList({ nullable: true, resolve: (c) => c.Entrypoint }),
    cmd: t.stringList({ nullable: true, resolve: (c) => c.Cmd }),
    tty: t.exposeBoolean('Tty'),
    openStdin: t.exposeBoolean('OpenStdin'),
    domainname: t.string({ resolve: (c) => c.Domainname ?? '' }),
    stopSignal: t.string({ nullable: true, resolve: (c) => c.StopSignal || null }),
    stopTimeout: t.int({
      nullable: true,
      description: 'Seconds; null means the engine default (10).',
      resolve: (c) => c.StopTimeout ?? null,
    }),
    exposedPorts: t.stringList({
      description: 'As the engine writes them, e.g. "80/tcp".',
      resolve: (c) => Object.keys(c.ExposedPorts ?? {}).sort(),
    }),
  }),
});

const ContainerProcesses = builder
  .objectRef<{ Titles: string[]; Processes: string[][] }>('ContainerProcesses')
  .implement({
    description: 'What `docker top` shows: one row per process, cells in the order of `titles`.',
    fields: (t) => ({
      titles: t.exposeStringList('Titles'),
      rows: t.field({ type: t.listRef(t.listRef('String')), resolve: (p) => p.Processes ?? [] }),
    }),
  });

NetworkAttachment.implement({
  description:
    'A container on a network: the same object whether reached from the container or the network.',
  fields: (t) => ({
    network: t.field({
      type: Network,
      nullable: true,
      description:
        'Null only when the network is gone: a container created (never started) keeps naming a network removed since, and one such container must not fail a whole listing.',
      resolve: (attachment, _args, ctx) => attachmentNetwork(ctx, attachment),
    }),
    container: t.field({ type: Container, resolve: ({ container }) => container }),
    networkName: t.exposeString('networkName'),
    ipv4Address: t.string({
      nullable: true,
      resolve: ({ endpoint }) => endpoint.IPAddress || null,
    }),
    ipv4PrefixLength: t.int({
      nullable: true,
      resolve: ({ endpoint }) => endpoint.IPPrefixLen || null,
    }),
    ipv6Address: t.string({
      nullable: true,
      resolve: ({ endpoint }) => endpoint.GlobalIPv6Address || null,
    }),
    gateway: t.string({ nullable: true, resolve: ({ endpoint }) => endpoint.Gateway || null }),
    macAddress: t.string({
      nullable: true,
      resolve: ({ endpoint }) => endpoint.MacAddress || null,
    }),
    endpointId: t.string({
      nullable: true,
      resolve: ({ endpoint }) => endpoint.EndpointID || null,
    }),
    aliases: t.stringList({
      description:
        'DNS aliases on this network (the list call lacks them: costs one batched inspect).',
      resolve: (attachment, _args, ctx) => attachmentAliases(ctx, attachment),
    }),
  }),
});

Container.implement({
  description: 'A container on one engine.',
  fields: (t) => ({
    dockerId: t.string({
      description: "The engine's full container id.",
      resolve: (c) => parseKey(c.key).id,
    }),
    shortId: t.string({ resolve: (c) => parseKey(c.key).id.slice(0, 12) }),
    engine: t.string({
      description: 'The name of the engine this container runs on.',
      resolve: (c) => parseKey(c.key).engine,
    }),
    name: t.string({
      description: 'The name without the leading slash the engine stores.',
      resolve: async (c, _args, ctx) => containerName(await summaryOf(c, ctx)),
    }),
    names: t.stringList({
      description: 'Every name, including link aliases, as the engine lists them (with slashes).',
      resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).Names,
    }),
    image: t.field({
      type: Image,
      nullable: true,
      description: 'The image the container was created from; null if it has been removed since.',
      resolve: (c, _args, ctx) => containerImageKey(ctx, c),
    }),
    imageRef: t.string({
      description: 'The image reference as given at create time (a tag, a digest or an id).',
      resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).Image,
    }),
    command: t.string({ resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).Command }),
    createdAt: t.field({
      type: 'DateTime',
      resolve: async (c, _args, ctx) => unixTime((await summaryOf(c, ctx)).Created),
    }),
    state: t.field({
      type: ContainerState,
      resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).State as 'running',
    }),
    status: t.string({
      description: 'The engine\'s human-readable status, e.g. "Up 2 minutes (healthy)".',
      resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).Status,
    }),
    health: t.field({
      type: ContainerHealth,
      nullable: true,
      description:
        "Null when the container has no health check. Below admin, the container's env values in check output read `***`.",
      resolve: async (c, _args, ctx) => {
        const details = await detailsOf(c, ctx);
        const health = details.State.Health;
        if (!health) return null;
        const hide = envValueHider(ctx.principal, details.Config.Env ?? []);
        const log = health.Log?.map((check) => ({ ...check, Output: hide(check.Output) }));
        return { ...health, Log: log ?? null };
      },
    }),
    exitCode: t.int({
      nullable: true,
      description:
        'The exit code of the last finished run; null while it runs (or is paused) and if it never finished.',
      resolve: async (c, _args, ctx) => lastExitCode((await detailsOf(c, ctx)).State),
    }),
    oomKilled: t.boolean({
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).State.OOMKilled,
    }),
    error: t.string({
      nullable: true,
      description: 'Why the engine could not run the container, if it could not.',
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).State.Error || null,
    }),
    pid: t.int({
      nullable: true,
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).State.Pid || null,
    }),
    startedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (c, _args, ctx) => engineTime((await detailsOf(c, ctx)).State.StartedAt),
    }),
    finishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: async (c, _args, ctx) => engineTime((await detailsOf(c, ctx)).State.FinishedAt),
    }),
    restartCount: t.int({
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).RestartCount,
    }),
    ports: t.field({
      type: [Port],
      resolve: async (c, _args, ctx) => (await summaryOf(c, ctx)).Ports ?? [],
    }),
    ...labelFields(t, async (c, ctx) => (await summaryOf(c, ctx)).Labels),
    allowedActions: t.field({
      type: [ContainerActionEnum],
      description:
        'What this token may do to this container (its role, and a tenant only on its own), so a client shows only the actions it may take; whether one applies now (START on a running container) is the state’s to say. EXEC runs as a non-root user below admin.',
      resolve: async (c, _args, ctx) =>
        containerActions(ctx.principal, (await summaryOf(c, ctx)).Labels),
    }),
    mounts: t.field({
      type: [Mount],
      resolve: async (c, _args, ctx) =>
        ((await summaryOf(c, ctx)).Mounts ?? []).map((mount) => ({
          engine: parseKey(c.key).engine,
          mount,
        })),
    }),
    networks: t.field({
      type: [NetworkAttachment],
      resolve: (c, _args, ctx) => containerAttachments(ctx, c),
    }),
    config: t.field({
      type: ContainerConfig,
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).Config,
    }),
    hostConfig: t.field({
      type: HostConfig,
      resolve: async (c, _args, ctx) => (await detailsOf(c, ctx)).HostConfig,
    }),
    env: t.stringList({
      description:
        'The environment as the engine reports it, `KEY=value`; below admin the values read `KEY=***`.',
      resolve: async (c, _args, ctx) =>
        visibleEnv(ctx.principal, (await detailsOf(c, ctx)).Config.Env ?? []),
    }),
    sizeRw: t.field({
      type: 'SafeInt',
      nullable: true,
      description:
        'Bytes written by the container. Costly for the engine: asked only when selected, batched.',
      resolve: async (c, _args, ctx) => {
        const sized = await containerSizes(ctx, c);
        // The engine leaves SizeRw out when it is 0.
        return sized ? (sized.SizeRw ?? 0) : null;
      },
    }),
    sizeRootFs: t.field({
      type: 'SafeInt',
      nullable: true,
      description:
        'Total size of all files in the container, image included. Asked only when selected.',
      resolve: async (c, _args, ctx) => (await containerSizes(ctx, c))?.SizeRootFs ?? null,
    }),
    processes: t.field({
      type: ContainerProcesses,
      nullable: true,
      description:
        'The processes running in the container (`docker top`); null when it is not running.',
      resolve: (c, _args, ctx) => containerProcesses(ctx, c),
    }),
  }),
});

const ContainerFilter = builder.inputType('ContainerFilter', {
  description:
    "The engine's container filters. Values in one list match any; different fields must all match.",
  fields: (t) => ({
    label: t.stringList({ description: '`key` (label is set) or `key=value`.' }),
    name: t.stringList({ description: 'Name or part of a name (the engine matches substrings).' }),
    id: t.stringList({ description: 'Full id or id prefix.' }),
    status: t.field({ type: [ContainerState] }),
    health: t.field({ type: [HealthStatus] }),
    ancestor: t.stringList({
      description:
        'Image (id, repo:tag or digest) the container was created from, or a descendant of it.',
    }),
    network: t.stringList({ description: 'Network id or name.' }),
    volume: t.stringList({ description: 'Volume name or mount destination.' }),
    exited: t.intList({ description: 'Exit code (only matches exited containers).' }),
    before: t.string({ description: 'Created before this container (id or name).' }),
    since: t.string({ description: 'Created after this container (id or name).' }),
    publish: t.stringList({ description: 'Published port, e.g. `8080` or `8080/tcp`.' }),
    expose: t.stringList({ description: 'Exposed port, e.g. `80/tcp`.' }),
    isTask: t.boolean({ description: 'Only (or no) swarm task containers.' }),
  }),
});

const ContainerOrder = orderInput('Container', {
  NAME: { description: 'The name as `docker ps` shows it (`name`).' },
  STATE: { description: 'The state as the engine names it (`created`, `exited`, `running`…).' },
});

function containerListArgs(arg: ArgBuilder<Types>) {
  return {
    orderBy: arg({
      type: ContainerOrder,
      required: true,
      defaultValue: NEWEST_FIRST,
      description: 'Newest first (as `docker ps` lists them) unless asked otherwise.',
    }),
    all: arg.boolean({
      defaultValue: false,
      required: true,
      description: 'Include containers that are not running.',
    }),
    filter: arg({ type: ContainerFilter }),
  };
}

/** Containers of the engines asked, in `orderBy` across them; one engine call each. */
async function containerConnection(
  args: ConnectionArgs & {
    all: boolean;
    filter?: Parameters<typeof containerFilters>[0];
    orderBy: ListOrder;
  },
  engines: readonly string[] | null | undefined,
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  const list = await containerList(ctx, {
    engines,
    all: args.all,
    filters: containerFilters(args.filter),
    withImages: selects(info, ['edges', 'node', 'image']) || selects(info, ['nodes', 'image']),
    order: args.orderBy,
  });
  return engineConnection(args, list, ctx, info);
}

builder.queryFields((t) => ({
  containers: t.connection({
    authScopes: { viewer: true },
    type: Container,
    description:
      'Containers in `orderBy` (newest first by default), across engines too. One engine call per engine, whatever list fields are selected.',
    args: { ...containerListArgs(t.arg), engines: enginesArg(t.arg) },
    resolve: (_root, args, ctx, info) => containerConnection(args, args.engines, ctx, info),
  }),
  container: t.field({
    authScopes: { viewer: true },
    type: Container,
    nullable: true,
    description:
      'A container by global id, full id, unique id prefix or name; null when none matches, AMBIGUOUS_REF when a prefix matches several, or a name or prefix matches on several engines and no `engine` is given.',
    args: { ref: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    resolve: (_root, { ref, engine }, ctx) => containerAt(ctx, { ref, engine }),
  }),
}));

builder.objectField(Engine, 'containers', (t) =>
  t.connection({
    authScopes: { viewer: true },
    type: Container,
    description: "This engine's containers in `orderBy` (newest first by default).",
    args: containerListArgs(t.arg),
    resolve: (engine, args, ctx, info) => containerConnection(args, [engine.name], ctx, info),
  }),
);
