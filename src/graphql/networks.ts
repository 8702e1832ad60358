import type { GraphQLResolveInfo } from 'graphql';
import { visibleOptions } from '../auth/redact.ts';
import type { Context } from '../context.ts';
import type { IpamConfig, NetworkResource } from '../engine/types.ts';
import type { ListOrder } from '../model/engine-lists.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { networkAt, networkAttachments, networkList } from '../model/networks.ts';
import { builder } from './builder.ts';
import { keyValues, Label, labelFields } from './common.ts';
import {
  type ConnectionArgs,
  engineArg,
  engineConnection,
  engineOrderArg,
  enginesArg,
  orderInput,
} from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { Engine, Network, NetworkAttachment } from './nodes.ts';

const IpamPool = builder.objectRef<IpamConfig>('IpamPool').implement({
  fields: (t) => ({
    subnet: t.string({ nullable: true, resolve: (c) => c.Subnet || null }),
    gateway: t.string({ nullable: true, resolve: (c) => c.Gateway || null }),
    ipRange: t.string({ nullable: true, resolve: (c) => c.IPRange || null }),
  }),
});

const Ipam = builder.objectRef<NonNullable<NetworkResource['IPAM']>>('Ipam').implement({
  description: 'IP address management: the pools this network hands addresses out of.',
  fields: (t) => ({
    driver: t.exposeString('Driver'),
    pools: t.field({ type: [IpamPool], resolve: (ipam) => ipam.Config ?? [] }),
    subnets: t.stringList({
      resolve: (ipam) => (ipam.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
    }),
    gateways: t.stringList({
      resolve: (ipam) => (ipam.Config ?? []).flatMap((c) => (c.Gateway ? [c.Gateway] : [])),
    }),
    options: t.field({
      type: [Label],
      description: 'Below admin, secret-looking values read `***`.',
      resolve: (ipam, _args, ctx) => keyValues(visibleOptions(ctx.principal, ipam.Options)),
    }),
  }),
});

Network.implement({
  description: 'A network on one engine.',
  fields: (t) => ({
    dockerId: t.string({ resolve: ({ key }) => parseKey(key).id }),
    engine: t.string({ resolve: ({ key }) => parseKey(key).engine }),
    name: t.string({ resolve: ({ network }) => network.Name }),
    driver: t.string({ resolve: ({ network }) => network.Driver }),
    scope: t.string({
      description: 'local, global or swarm.',
      resolve: ({ network }) => network.Scope,
    }),
    internal: t.boolean({ resolve: ({ network }) => network.Internal }),
    attachable: t.boolean({ resolve: ({ network }) => network.Attachable }),
    ingress: t.boolean({ resolve: ({ network }) => network.Ingress }),
    enableIPv6: t.boolean({ resolve: ({ network }) => network.EnableIPv6 }),
    ipam: t.field({
      type: Ipam,
      resolve: ({ network }) => network.IPAM ?? { Driver: 'default', Config: [], Options: null },
    }),
    options: t.field({
      type: [Label],
      description: 'Driver options; below admin, secret-looking values read `***`.',
      resolve: ({ network }, _args, ctx) =>
        keyValues(visibleOptions(ctx.principal, network.Options)),
    }),
    ...labelFields(t, ({ network }) => network.Labels),
    createdAt: t.field({ type: 'DateTime', resolve: ({ network }) => network.Created }),
    containers: t.field({
      type: [NetworkAttachment],
      description: 'Containers attached to this network, running or not. One batched engine call.',
      resolve: (network, _args, ctx) => networkAttachments(ctx, network),
    }),
  }),
});

const NetworkFilter = builder.inputType('NetworkFilter', {
  description: "The engine's network filters.",
  fields: (t) => ({
    name: t.stringList({ description: 'Name or part of a name.' }),
    id: t.stringList({ description: 'Id or id prefix.' }),
    label: t.stringList({ description: '`key` or `key=value`.' }),
    driver: t.stringList(),
    scope: t.stringList({ description: 'swarm, global or local.' }),
    type: t.stringList({ description: 'custom or builtin.' }),
    dangling: t.boolean({ description: 'Only networks no container uses.' }),
  }),
});

const NetworkOrder = orderInput('Network', { NAME: { description: 'The name.' } });

async function networkConnection(
  args: ConnectionArgs & {
    filter?: Parameters<typeof engineFilters>[0];
    orderBy?: ListOrder | null;
  },
  engines: readonly string[] | null | undefined,
  ctx: Context,
  info: GraphQLResolveInfo,
) {
  const list = await networkList(ctx, {
    engines,
    filters: engineFilters(args.filter),
    order: args.orderBy,
  });
  return engineConnection(args, list, ctx, info);
}

builder.objectField(Engine, 'networks', (t) =>
  t.connection({
    authScopes: { viewer: true },
    type: Network,
    description: "This engine's networks in `orderBy`; in the engine's order without one.",
    args: { filter: t.arg({ type: NetworkFilter }), orderBy: engineOrderArg(t.arg, NetworkOrder) },
    resolve: (engine, args, ctx, info) => networkConnection(args, [engine.name], ctx, info),
  }),
);

builder.queryFields((t) => ({
  networks: t.connection({
    authScopes: { viewer: true },
    type: Network,
    description:
      "Networks in `orderBy`; without one each engine's in its order, engines in the order asked. One engine call per engine.",
    args: {
      filter: t.arg({ type: NetworkFilter }),
      orderBy: engineOrderArg(t.arg, NetworkOrder),
      engines: enginesArg(t.arg),
    },
    resolve: (_root, args, ctx, info) => networkConnection(args, args.engines, ctx, info),
  }),
  network: t.field({
    authScopes: { viewer: true },
    type: Network,
    nullable: true,
    description:
      'A network by global id, id, unique id prefix or name; null when none matches. AMBIGUOUS_REF when it matches on several engines and no `engine` is given.',
    args: { ref: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    resolve: (_root, { ref, engine }, ctx) => networkAt(ctx, { ref, engine }),
  }),
}));
