import type { Context } from '../context.ts';
import {
  type EngineNode,
  engineInfo,
  engineNamed,
  engineVersion,
  negotiatedVersion,
  visibleEngines,
} from '../model/system.ts';
import { builder } from './builder.ts';
import { Engine } from './nodes.ts';

const SwarmState = builder.enumType('SwarmState', {
  values: {
    INACTIVE: { value: 'inactive' },
    PENDING: { value: 'pending' },
    ACTIVE: { value: 'active' },
    ERROR: { value: 'error' },
    LOCKED: { value: 'locked' },
  } as const,
});

const version = (engine: EngineNode, ctx: Context) => engineVersion(ctx, engine);
const info = (engine: EngineNode, ctx: Context) => engineInfo(ctx, engine);
const negotiated = (engine: EngineNode, ctx: Context) => negotiatedVersion(ctx, engine);

Engine.implement({
  description:
    'A Docker Engine behind this Wharf: `docker version` and `docker info` in one. Every field but ' +
    '`name` asks the engine, and is null with an ENGINE_UNAVAILABLE error (naming the engine) ' +
    'while it is down: one engine down never fails the others.',
  fields: (t) => ({
    name: t.exposeString('name', {
      description: "Wharf's name for this engine, the one in every global id (`local` by default).",
    }),
    hostname: t.string({
      nullable: true,
      description: 'The name of the host the engine runs on (`docker info` Name).',
      resolve: async (e, _args, ctx) => (await info(e, ctx)).Name,
    }),
    engineId: t.string({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ID,
    }),
    version: t.string({
      nullable: true,
      description: 'Engine release, e.g. 20.10.24.',
      resolve: async (e, _args, ctx) => (await version(e, ctx)).Version,
    }),
    apiVersion: t.string({
      nullable: true,
      description: 'The Engine API version Wharf negotiated and uses for every call.',
      resolve: async (e, _args, ctx) => (await negotiated(e, ctx)).version,
    }),
    maxApiVersion: t.string({
      nullable: true,
      description: 'The newest Engine API version the engine speaks.',
      resolve: async (e, _args, ctx) => (await negotiated(e, ctx)).engineMax,
    }),
    minApiVersion: t.string({
      nullable: true,
      description: 'The oldest Engine API version the engine accepts.',
      resolve: async (e, _args, ctx) => (await version(e, ctx)).MinAPIVersion,
    }),
    os: t.string({ nullable: true, resolve: async (e, _args, ctx) => (await version(e, ctx)).Os }),
    arch: t.string({
      nullable: true,
      resolve: async (e, _args, ctx) => (await version(e, ctx)).Arch,
    }),
    kernelVersion: t.string({
      nullable: true,
      resolve: async (e, _args, ctx) => (await version(e, ctx)).KernelVersion,
    }),
    operatingSystem: t.string({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).OperatingSystem,
    }),
    ncpu: t.int({ nullable: true, resolve: async (e, _args, ctx) => (await info(e, ctx)).NCPU }),
    memTotal: t.field({
      nullable: true,
      type: 'SafeInt',
      description: 'Bytes of memory on the host.',
      resolve: async (e, _args, ctx) => (await info(e, ctx)).MemTotal,
    }),
    containerCount: t.int({
      nullable: true,
      description: "Containers, as `docker info` counts them (a tenant's: its own).",
      resolve: async (e, _args, ctx) => (await info(e, ctx)).Containers,
    }),
    containersRunning: t.int({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersRunning,
    }),
    containersPaused: t.int({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersPaused,
    }),
    containersStopped: t.int({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersStopped,
    }),
    imageCount: t.int({
      nullable: true,
      description: "Images, as `docker info` counts them (a tenant's: its own).",
      resolve: async (e, _args, ctx) => (await info(e, ctx)).Images,
    }),
    storageDriver: t.string({
      nullable: true,
      resolve: async (e, _args, ctx) => (await info(e, ctx)).Driver,
    }),
    swarm: t.field({
      nullable: true,
      type: SwarmState,
      description: 'Whether this engine is part of a swarm.',
      resolve: async (e, _args, ctx) =>
        ((await info(e, ctx)).Swarm?.LocalNodeState || 'inactive') as 'inactive',
    }),
  }),
});

builder.queryField('engine', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: Engine,
    nullable: true,
    description:
      'One engine behind this Wharf: `name`, or the default engine when omitted. A name that is ' +
      'not configured, or that the token may not use, is BAD_USER_INPUT (the same answer for ' +
      'both). Each field costs at most one `/version` and one `/info`.',
    args: { name: t.arg.string() },
    resolve: (_root, args, ctx) => engineNamed(ctx, args.name),
  }),
);

builder.queryField('engines', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: [Engine],
    description:
      'Every engine behind this Wharf that the token may use, in configured order. An engine ' +
      "that is down fails only its own fields' parts (ENGINE_UNAVAILABLE, naming the engine).",
    resolve: (_root, _args, ctx) => visibleEngines(ctx),
  }),
);
