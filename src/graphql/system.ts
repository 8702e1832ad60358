import type { Context } from '../context.ts';
import {
  type EngineNode,
  engineAt,
  engineInfo,
  engineVersion,
  negotiatedVersion,
} from '../model/system.ts';
import { builder } from './builder.ts';

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

const Engine = builder.objectRef<EngineNode>('Engine').implement({
  description: 'A Docker Engine behind this Wharf: `docker version` and `docker info` in one.',
  fields: (t) => ({
    name: t.exposeString('name', {
      description: "Wharf's name for this engine, the one in every global id (`local` by default).",
    }),
    hostname: t.string({
      description: 'The name of the host the engine runs on (`docker info` Name).',
      resolve: async (e, _args, ctx) => (await info(e, ctx)).Name,
    }),
    engineId: t.string({ resolve: async (e, _args, ctx) => (await info(e, ctx)).ID }),
    version: t.string({
      description: 'Engine release, e.g. 20.10.24.',
      resolve: async (e, _args, ctx) => (await version(e, ctx)).Version,
    }),
    apiVersion: t.string({
      description: 'The Engine API version Wharf negotiated and uses for every call.',
      resolve: async (e, _args, ctx) => (await negotiated(e, ctx)).version,
    }),
    maxApiVersion: t.string({
      description: 'The newest Engine API version the engine speaks.',
      resolve: async (e, _args, ctx) => (await negotiated(e, ctx)).engineMax,
    }),
    minApiVersion: t.string({
      description: 'The oldest Engine API version the engine accepts.',
      resolve: async (e, _args, ctx) => (await version(e, ctx)).MinAPIVersion,
    }),
    os: t.string({ resolve: async (e, _args, ctx) => (await version(e, ctx)).Os }),
    arch: t.string({ resolve: async (e, _args, ctx) => (await version(e, ctx)).Arch }),
    kernelVersion: t.string({
      resolve: async (e, _args, ctx) => (await version(e, ctx)).KernelVersion,
    }),
    operatingSystem: t.string({
      resolve: async (e, _args, ctx) => (await info(e, ctx)).OperatingSystem,
    }),
    ncpu: t.int({ resolve: async (e, _args, ctx) => (await info(e, ctx)).NCPU }),
    memTotal: t.field({
      type: 'SafeInt',
      description: 'Bytes of memory on the host.',
      resolve: async (e, _args, ctx) => (await info(e, ctx)).MemTotal,
    }),
    containers: t.int({ resolve: async (e, _args, ctx) => (await info(e, ctx)).Containers }),
    containersRunning: t.int({
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersRunning,
    }),
    containersPaused: t.int({
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersPaused,
    }),
    containersStopped: t.int({
      resolve: async (e, _args, ctx) => (await info(e, ctx)).ContainersStopped,
    }),
    images: t.int({ resolve: async (e, _args, ctx) => (await info(e, ctx)).Images }),
    storageDriver: t.string({ resolve: async (e, _args, ctx) => (await info(e, ctx)).Driver }),
    swarm: t.field({
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
    description:
      'The engine Wharf talks to. Each field costs at most one `/version` and one `/info`.',
    resolve: (_root, args, ctx) => engineAt(ctx, args),
  }),
);
