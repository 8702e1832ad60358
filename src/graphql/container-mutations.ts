import { isIP, isIPv4 } from 'node:net';
import { BadUserInputError } from '../engine/errors.ts';
import { imageRef, networkRef } from '../engine/refs.ts';
import {
  type ContainerActionResult as ActionResult,
  type ContainerCreateBody,
  type ContainerCreateRequest,
  type ContainerNode,
  type ContainerRestartPolicy,
  type ContainerUpdateBody,
  containerCloneSource,
  containerCreate,
  containerKill,
  containerPause,
  containerRemove,
  containerRename,
  containerRestart,
  containerStart,
  containerStop,
  containersPrune,
  containerUnpause,
  containerUpdate,
  containerWait,
  type EndpointConfig,
} from '../model/containers.ts';
import { builder, type Types } from './builder.ts';
import { cloneInput } from './clone-input.ts';
import { removedIdField } from './common.ts';
import { engineArg, targetEngineArg } from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { domainnameOf, hostConfigFields, hostConfigOf } from './host-config-input.ts';
import {
  absolutePath,
  argument,
  envEntry,
  keyValueMap,
  LabelInput,
  list,
  PruneFilter,
  portNumber,
  pruneUntil,
  singleLine,
} from './input-checks.ts';
import { ContainerMountInput, mountsOf, PortProtocol } from './mount-port-inputs.ts';
import { Container } from './nodes.ts';

/** The engine's own rule for container names; the length cap keeps every name a valid ref. */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$/;
/** `SIGTERM`, `TERM`, `15`, `SIGRTMIN+3`. */
const SIGNAL = /^[A-Za-z0-9+]{1,32}$/;

function count(field: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadUserInputError(`${field} must be a non-negative integer`);
  }
  return value;
}

function containerName(name: string): string {
  if (!CONTAINER_NAME.test(name)) {
    throw new BadUserInputError(
      `"${name.slice(0, 80)}" is not a valid container name: [a-zA-Z0-9][a-zA-Z0-9_.-]+`,
    );
  }
  return name;
}

function signalName(field: string, value: string): string {
  if (!SIGNAL.test(value)) {
    throw new BadUserInputError(`${field} "${value.slice(0, 40)}" is not a signal`);
  }
  return value;
}

const RestartPolicyName = builder.enumType('RestartPolicyName', {
  values: {
    NO: { value: 'no' },
    ALWAYS: { value: 'always' },
    UNLESS_STOPPED: { value: 'unless-stopped' },
    ON_FAILURE: { value: 'on-failure' },
  } as const,
});

const WaitCondition = builder.enumType('WaitCondition', {
  values: {
    NOT_RUNNING: { value: 'not-running', description: 'Answers at once if it is not running.' },
    NEXT_EXIT: { value: 'next-exit', description: 'The next time it exits, even if stopped now.' },
    REMOVED: { value: 'removed', description: 'When it has been removed.' },
  } as const,
});

const ContainerPortInput = builder.inputType('ContainerPortInput', {
  description:
    'A published port (like `docker run -p`): exposed, and bound on the host; without `hostPort` the engine picks a free one.',
  fields: (t) => ({
    containerPort: t.int({ required: true }),
    protocol: t.field({ type: PortProtocol, defaultValue: 'tcp' }),
    hostIp: t.string({ description: 'The host address to bind; all addresses when absent.' }),
    hostPort: t.int(),
  }),
});

const ContainerNetworkInput = builder.inputType('ContainerNetworkInput', {
  fields: (t) => ({
    network: t.string({ required: true, description: 'Network name or id.' }),
    aliases: t.stringList({ description: 'DNS names for the container on this network.' }),
    ipv4Address: t.string({ description: 'A static address; the network needs a subnet.' }),
  }),
});

const RestartPolicyInput = builder.inputType('RestartPolicyInput', {
  fields: (t) => ({
    name: t.field({ type: RestartPolicyName, required: true }),
    maximumRetryCount: t.int({ description: 'Only with ON_FAILURE; 0 retries forever.' }),
  }),
});

const HealthcheckInput = builder.inputType('HealthcheckInput', {
  fields: (t) => ({
    test: t.stringList({
      required: true,
      description: '`["CMD", prog, args…]`, `["CMD-SHELL", script]` or `["NONE"]`.',
    }),
    intervalMs: t.int(),
    timeoutMs: t.int(),
    retries: t.int(),
    startPeriodMs: t.int(),
  }),
});

const ContainerDeviceInput = builder.inputType('ContainerDeviceInput', {
  fields: (t) => ({
    pathOnHost: t.string({ required: true }),
    pathInContainer: t.string({ description: 'Defaults to `pathOnHost`.' }),
    cgroupPermissions: t.string({ defaultValue: 'rwm', description: 'Some of r, w and m.' }),
  }),
});

/** Every field of a create but the image: containerClone takes them all as overrides. */
function createFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  return {
    name: t.string({ description: 'Unique; the engine makes one up when absent.' }),
    cmd: t.stringList(),
    entrypoint: t.stringList(),
    env: t.stringList({ description: '`KEY=value` entries.' }),
    labels: t.field({ type: [LabelInput], description: 'Keys must be unique.' }),
    workingDir: t.string(),
    user: t.string({ description: '`user`, `user:group`, `uid` or `uid:gid`.' }),
    hostname: t.string(),
    tty: t.boolean(),
    openStdin: t.boolean(),
    ports: t.field({ type: [ContainerPortInput] }),
    mounts: t.field({ type: [ContainerMountInput] }),
    networks: t.field({
      type: [ContainerNetworkInput],
      description:
        'The first is joined at create (and is the network mode unless `networkMode` says otherwise), the others right after.',
    }),
    restartPolicy: t.field({ type: RestartPolicyInput }),
    memory: t.field({ type: 'SafeInt', description: 'Memory limit in bytes.' }),
    nanoCpus: t.field({ type: 'SafeInt', description: 'CPU quota in billionths of a CPU.' }),
    cpuShares: t.int({ description: 'Relative CPU weight.' }),
    pidsLimit: t.field({ type: 'SafeInt', description: 'Maximum number of processes.' }),
    autoRemove: t.boolean({ description: 'The engine removes the container when it exits.' }),
    healthcheck: t.field({ type: HealthcheckInput }),
    stopSignal: t.string({ description: 'Signal `containerStop` sends first, e.g. SIGINT.' }),
    stopTimeout: t.int({ description: 'Seconds `containerStop` waits before SIGKILL.' }),
    capAdd: t.stringList(),
    capDrop: t.stringList(),
    privileged: t.boolean(),
    securityOpt: t.stringList(),
    devices: t.field({ type: [ContainerDeviceInput] }),
    networkMode: t.string({
      description: '`bridge`, `host`, `none`, `container:<ref>` or a network.',
    }),
    pidMode: t.string(),
    ipcMode: t.string(),
    ...hostConfigFields(t),
  };
}

const STRINGS =
  'Strings are at most 64 KiB; control characters are refused except in cmd, entrypoint, env, label values and healthcheck test, which refuse only NUL.';

const ContainerCreateInput = builder.inputType('ContainerCreateInput', {
  description: `A new container. ${STRINGS}`,
  fields: (t) => ({
    image: t.string({ required: true, description: 'Image id, `repo:tag` or `repo@digest`.' }),
    ...createFields(t),
  }),
});

const ContainerCloneOverrides = builder.inputType('ContainerCloneOverrides', {
  description: `What a clone changes: each field given replaces the source's whole value (a list is not merged). ${STRINGS}`,
  fields: (t) => ({
    image: t.string({ description: "Another image; the source's image reference when absent." }),
    ...createFields(t),
  }),
});

const ContainerUpdateInput = builder.inputType('ContainerUpdateInput', {
  description:
    'Limits and restart policy of an existing container; absent fields stay as they are.',
  fields: (t) => ({
    memory: t.field({
      type: 'SafeInt',
      description:
        'Memory limit in bytes. The engine refuses one above the current swap limit (CONFLICT) unless `memorySwap` comes with it.',
    }),
    memorySwap: t.field({
      type: 'SafeInt',
      description: 'Memory plus swap in bytes, at least `memory`; -1 means unlimited swap.',
    }),
    nanoCpus: t.field({ type: 'SafeInt', description: 'CPU quota in billionths of a CPU.' }),
    cpuShares: t.int(),
    pidsLimit: t.field({ type: 'SafeInt' }),
    restartPolicy: t.field({ type: RestartPolicyInput }),
  }),
});

type RestartPolicyShape = {
  name: ContainerRestartPolicy['Name'];
  maximumRetryCount?: number | null;
};

function restartPolicy(input: RestartPolicyShape): ContainerRestartPolicy {
  const retries = count('restartPolicy.maximumRetryCount', input.maximumRetryCount);
  if (retries !== undefined && retries > 0 && input.name !== 'on-failure') {
    throw new BadUserInputError('restartPolicy.maximumRetryCount needs ON_FAILURE');
  }
  return { Name: input.name, ...(retries !== undefined && { MaximumRetryCount: retries }) };
}

export type CreateInput = typeof ContainerCreateInput.$inferInput;

function portsOf(input: CreateInput) {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  list('ports', input.ports, (port) => {
    const spec = `${portNumber('containerPort', port.containerPort)}/${port.protocol ?? 'tcp'}`;
    const hostIp = port.hostIp ?? '';
    if (hostIp !== '' && isIP(singleLine('hostIp', hostIp, true)) === 0) {
      throw new BadUserInputError(`hostIp "${hostIp.slice(0, 80)}" is not an IP address`);
    }
    const hostPort =
      port.hostPort === null || port.hostPort === undefined
        ? ''
        : String(portNumber('hostPort', port.hostPort));
    exposed[spec] = {};
    bindings[spec] = [...(bindings[spec] ?? []), { HostIp: hostIp, HostPort: hostPort }];
  });
  return { exposed, bindings };
}

function networksOf(input: CreateInput): { network: string; endpoint: EndpointConfig }[] {
  const seen = new Set<string>();
  return (
    list('networks', input.networks, (entry) => {
      const network = networkRef(entry.network);
      if (seen.has(network)) throw new BadUserInputError(`network "${network}" is given twice`);
      seen.add(network);
      const aliases = list('aliases', entry.aliases, (alias) => singleLine('alias', alias));
      const address = entry.ipv4Address ?? undefined;
      if (address !== undefined && !isIPv4(singleLine('ipv4Address', address, true))) {
        throw new BadUserInputError(`ipv4Address "${address.slice(0, 80)}" is not an IPv4 address`);
      }
      return {
        network,
        endpoint: {
          ...(aliases && { Aliases: aliases }),
          ...(address !== undefined && { IPAMConfig: { IPv4Address: address } }),
        },
      };
    }) ?? []
  );
}

const HEALTHCHECK_KINDS = new Set(['NONE', 'CMD', 'CMD-SHELL']);
const MS = 1_000_000;

function healthcheckOf(input: CreateInput): ContainerCreateBody['Healthcheck'] {
  const check = input.healthcheck;
  if (!check) return undefined;
  const test =
    list('healthcheck.test', check.test, (value) => argument('healthcheck.test', value)) ?? [];
  if (!HEALTHCHECK_KINDS.has(test[0] ?? '')) {
    throw new BadUserInputError('healthcheck.test must start with NONE, CMD or CMD-SHELL');
  }
  const nanos = (field: string, ms: number | null | undefined) => {
    const value = count(`healthcheck.${field}`, ms);
    return value === undefined ? undefined : value * MS;
  };
  const interval = nanos('intervalMs', check.intervalMs);
  const timeout = nanos('timeoutMs', check.timeoutMs);
  const retries = count('healthcheck.retries', check.retries);
  const startPeriod = nanos('startPeriodMs', check.startPeriodMs);
  return {
    Test: test,
    ...(interval !== undefined && { Interval: interval }),
    ...(timeout !== undefined && { Timeout: timeout }),
    ...(retries !== undefined && { Retries: retries }),
    ...(startPeriod !== undefined && { StartPeriod: startPeriod }),
  };
}

function devicesOf(input: CreateInput) {
  return list('devices', input.devices, (device) => {
    const permissions = device.cgroupPermissions ?? 'rwm';
    if (!/^[rwm]{1,3}$/.test(permissions)) {
      throw new BadUserInputError('device cgroupPermissions must be some of r, w and m');
    }
    const onHost = absolutePath('device pathOnHost', device.pathOnHost);
    return {
      PathOnHost: onHost,
      PathInContainer: absolutePath('device pathInContainer', device.pathInContainer ?? onHost),
      CgroupPermissions: permissions,
    };
  });
}

function optionalLine(field: string, value: string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : singleLine(field, value, true);
}

function lines(field: string, values: readonly string[] | null | undefined) {
  return list(field, values, (value) => singleLine(field, value, true));
}

/**
 * The engine body, built field by field from the typed input (nothing of the client's passes
 * through unchecked; absent fields stay undefined and JSON leaves them out), and the networks to
 * join after create. Throws before any engine call.
 */
export function createRequest(input: CreateInput): ContainerCreateRequest {
  const image = singleLine('image', input.image, true);
  if (image === '') throw new BadUserInputError('image is required');
  imageRef(image);
  const name =
    input.name === null || input.name === undefined ? undefined : containerName(input.name);
  const { exposed, bindings } = portsOf(input);
  const networks = networksOf(input);
  const [first, ...later] = networks;
  const stopSignal = optionalLine('stopSignal', input.stopSignal);
  const body: ContainerCreateBody = {
    Image: image,
    Cmd: list('cmd', input.cmd, (value) => argument('cmd', value)),
    Entrypoint: list('entrypoint', input.entrypoint, (value) => argument('entrypoint', value)),
    Env: list('env', input.env, (entry) => envEntry('env', entry)),
    Labels: keyValueMap('labels', input.labels),
    WorkingDir: optionalLine('workingDir', input.workingDir),
    User: optionalLine('user', input.user),
    Hostname: optionalLine('hostname', input.hostname),
    Domainname: domainnameOf(input),
    Tty: input.tty ?? undefined,
    OpenStdin: input.openStdin ?? undefined,
    ExposedPorts: Object.keys(exposed).length > 0 ? exposed : undefined,
    Healthcheck: healthcheckOf(input),
    StopSignal: stopSignal === undefined ? undefined : signalName('stopSignal', stopSignal),
    StopTimeout: count('stopTimeout', input.stopTimeout),
    HostConfig: {
      PortBindings: Object.keys(bindings).length > 0 ? bindings : undefined,
      Mounts: mountsOf(input.mounts),
      RestartPolicy: input.restartPolicy ? restartPolicy(input.restartPolicy) : undefined,
      Memory: count('memory', input.memory),
      NanoCpus: count('nanoCpus', input.nanoCpus),
      CpuShares: count('cpuShares', input.cpuShares),
      PidsLimit: count('pidsLimit', input.pidsLimit),
      AutoRemove: input.autoRemove ?? undefined,
      CapAdd: lines('capAdd', input.capAdd),
      CapDrop: lines('capDrop', input.capDrop),
      Privileged: input.privileged ?? undefined,
      SecurityOpt: lines('securityOpt', input.securityOpt),
      Devices: devicesOf(input),
      // As the CLI does: with networks and no mode, the first network is the mode.
      NetworkMode: optionalLine('networkMode', input.networkMode) ?? first?.network,
      PidMode: optionalLine('pidMode', input.pidMode),
      IpcMode: optionalLine('ipcMode', input.ipcMode),
      ...hostConfigOf(input),
    },
    NetworkingConfig: first ? { EndpointsConfig: { [first.network]: first.endpoint } } : undefined,
  };
  return { name, body, networks: networks.map(({ network }) => network), later };
}

const ContainerActionResult = builder.objectRef<ActionResult>('ContainerActionResult').implement({
  description: 'A container after a lifecycle mutation, read back from the engine.',
  fields: (t) => ({
    container: t.field({ type: Container, resolve: (r) => r.container }),
    changed: t.boolean({
      description:
        'False when the engine had nothing to do (304: already started, already stopped).',
      resolve: (r) => r.changed,
    }),
  }),
});

const ContainerCloneResult = builder
  .objectRef<{ container: ContainerNode; warnings: string[] }>('ContainerCloneResult')
  .implement({
    fields: (t) => ({
      container: t.field({ type: Container, resolve: (r) => r.container }),
      warnings: t.exposeStringList('warnings', {
        description:
          'What the clone does not have of the source: settings a create cannot give (links, volumesFrom, …), bind options, anonymous volumes made anew.',
      }),
    }),
  });

const ContainerRemoveResult = builder
  .objectRef<{ key: string; dockerId: string; removed: boolean }>('ContainerRemoveResult')
  .implement({
    fields: (t) => ({
      id: removedIdField(t, 'Container'),
      dockerId: t.exposeString('dockerId', { description: 'The full id of the container.' }),
      removed: t.exposeBoolean('removed', { description: 'The engine has removed it.' }),
    }),
  });

const ContainerWaitResult = builder
  .objectRef<{ exitCode: number; error: string | null }>('ContainerWaitResult')
  .implement({
    fields: (t) => ({
      exitCode: t.exposeInt('exitCode'),
      error: t.string({
        nullable: true,
        description: 'Why the engine could not wait, if it could not.',
        resolve: (r) => r.error,
      }),
    }),
  });

const ContainersPruneResult = builder
  .objectRef<{ containersDeleted: string[]; spaceReclaimed: number }>('ContainersPruneResult')
  .implement({
    fields: (t) => ({
      containersDeleted: t.exposeStringList('containersDeleted', {
        description: 'Full ids of the removed containers.',
      }),
      spaceReclaimed: t.field({
        type: 'SafeInt',
        description: 'Bytes freed.',
        resolve: (r) => r.spaceReclaimed,
      }),
    }),
  });

const ref = { description: 'Global id, full id, unique id prefix or name.' };
const timeoutArg = {
  description:
    "Seconds to wait after the stop signal before SIGKILL; absent: the container's stopTimeout.",
};

builder.mutationFields((t) => ({
  containerCreate: t.field({
    authScopes: { operator: true },
    type: Container,
    description:
      'Creates a container, and starts it with `start: true`. If it was created but did not start, the error names its id.',
    args: {
      input: t.arg({ type: ContainerCreateInput, required: true }),
      start: t.arg.boolean({ defaultValue: false }),
      engine: targetEngineArg(t.arg),
    },
    resolve: (_root, args, ctx) =>
      containerCreate(ctx, {
        request: createRequest(args.input),
        start: args.start ?? false,
        engine: args.engine,
      }),
  }),
  containerClone: t.field({
    authScopes: { operator: true },
    type: ContainerCloneResult,
    description:
      "Creates a new container like an existing one (its config, host config, networks and aliases, the way `docker inspect` shows them), with `overrides` on top, on the source's engine. It goes through containerCreate's checks and policy, which judge the resulting spec. Not started unless `start: true`.",
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      overrides: t.arg({ type: ContainerCloneOverrides }),
      start: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const { engine, source } = await containerCloneSource(ctx, {
        ref: args.ref,
        engine: args.engine,
      });
      const { input, warnings } = cloneInput(source, args.overrides ?? {});
      const container = await containerCreate(ctx, {
        request: createRequest(input),
        start: args.start ?? false,
        engine,
      });
      return { container, warnings };
    },
  }),
  containerStart: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'Starts a created or stopped container; `changed: false` if it was running.',
    args: { ref: t.arg.string({ required: true, ...ref }), engine: engineArg(t.arg) },
    resolve: (_root, args, ctx) => containerStart(ctx, { ref: args.ref, engine: args.engine }),
  }),
  containerStop: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description:
      'Sends the stop signal, then SIGKILL after the timeout; `changed: false` if it was not running.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      timeout: t.arg.int(timeoutArg),
    },
    resolve: (_root, args, ctx) =>
      containerStop(ctx, {
        ref: args.ref,
        engine: args.engine,
        timeout: count('timeout', args.timeout),
      }),
  }),
  containerRestart: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'Stops (if running) and starts again.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      timeout: t.arg.int(timeoutArg),
    },
    resolve: (_root, args, ctx) =>
      containerRestart(ctx, {
        ref: args.ref,
        engine: args.engine,
        timeout: count('timeout', args.timeout),
      }),
  }),
  containerKill: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'Sends a signal (SIGKILL by default); CONFLICT when it is not running.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      signal: t.arg.string({ description: 'A name (SIGHUP, HUP) or a number.' }),
    },
    resolve: (_root, args, ctx) => {
      const signal = args.signal ? signalName('signal', args.signal) : undefined;
      return containerKill(ctx, { ref: args.ref, engine: args.engine, signal });
    },
  }),
  containerPause: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'Freezes every process; CONFLICT when it is already paused or not running.',
    args: { ref: t.arg.string({ required: true, ...ref }), engine: engineArg(t.arg) },
    resolve: (_root, args, ctx) => containerPause(ctx, { ref: args.ref, engine: args.engine }),
  }),
  containerUnpause: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'CONFLICT when it is not paused.',
    args: { ref: t.arg.string({ required: true, ...ref }), engine: engineArg(t.arg) },
    resolve: (_root, args, ctx) => containerUnpause(ctx, { ref: args.ref, engine: args.engine }),
  }),
  containerRename: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'CONFLICT when the name is taken.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      name: t.arg.string({ required: true }),
    },
    resolve: (_root, args, ctx) =>
      containerRename(ctx, { ref: args.ref, engine: args.engine, name: containerName(args.name) }),
  }),
  containerUpdate: t.field({
    authScopes: { operator: true },
    type: ContainerActionResult,
    description: 'Changes limits and restart policy, running or not.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      input: t.arg({ type: ContainerUpdateInput, required: true }),
    },
    resolve: (_root, { input, ...args }, ctx) => {
      const body: ContainerUpdateBody = {
        Memory: count('memory', input.memory),
        MemorySwap: input.memorySwap === -1 ? -1 : count('memorySwap', input.memorySwap),
        NanoCpus: count('nanoCpus', input.nanoCpus),
        CpuShares: count('cpuShares', input.cpuShares),
        PidsLimit: count('pidsLimit', input.pidsLimit),
        RestartPolicy: input.restartPolicy ? restartPolicy(input.restartPolicy) : undefined,
      };
      if (Object.values(body).every((value) => value === undefined))
        throw new BadUserInputError('nothing to update');
      return containerUpdate(ctx, { ref: args.ref, engine: args.engine, body });
    },
  }),
  containerRemove: t.field({
    authScopes: { operator: true },
    type: ContainerRemoveResult,
    description: 'CONFLICT when it is running and `force` is false.',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      force: t.arg.boolean({ defaultValue: false, description: 'Kill it first if it runs.' }),
      volumes: t.arg.boolean({
        defaultValue: false,
        description: 'Also remove its anonymous volumes.',
      }),
    },
    resolve: (_root, args, ctx) =>
      containerRemove(ctx, {
        ref: args.ref,
        engine: args.engine,
        force: args.force ?? false,
        volumes: args.volumes ?? false,
      }),
  }),
  containerWait: t.field({
    authScopes: { operator: true },
    type: ContainerWaitResult,
    description:
      'Answers when the condition holds, or fails with QUERY_TIMEOUT past WHARF_QUERY_TIMEOUT_MS (follow `events` to wait longer).',
    args: {
      ref: t.arg.string({ required: true, ...ref }),
      engine: engineArg(t.arg),
      condition: t.arg({ type: WaitCondition, defaultValue: 'not-running' }),
    },
    resolve: (_root, args, ctx) =>
      containerWait(ctx, {
        ref: args.ref,
        engine: args.engine,
        condition: args.condition ?? 'not-running',
      }),
  }),
  containersPrune: t.field({
    authScopes: { admin: true },
    type: ContainersPruneResult,
    description: 'Removes every stopped container that matches the filter (all of them without).',
    args: { filter: t.arg({ type: PruneFilter }), engine: targetEngineArg(t.arg) },
    resolve: (_root, args, ctx) =>
      containersPrune(ctx, {
        engine: args.engine,
        filters: engineFilters({
          label: args.filter?.label,
          until: pruneUntil(args.filter?.until),
        }),
      }),
  }),
}));
