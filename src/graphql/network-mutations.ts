import { BlockList, isIP, isIPv4 } from 'node:net';
import { BadUserInputError } from '../engine/errors.ts';
import { networkRef } from '../engine/refs.ts';
import type { IpamConfig } from '../engine/types.ts';
import {
  type NetworkCreateConfig,
  networkConnect,
  networkCreate,
  networkDisconnect,
  networkRemove,
  networksPrune,
} from '../model/networks.ts';
import { builder } from './builder.ts';
import { removedIdField } from './common.ts';
import { engineArg, targetEngineArg } from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import {
  driverName,
  keyValueMap,
  LabelInput,
  list,
  PruneFilter,
  pruneUntil,
  singleLine,
} from './input-checks.ts';
import { Network } from './nodes.ts';

interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function cidr(field: string, value: string): Cidr {
  const [address = '', prefix = '', ...rest] = value.split('/');
  const family = isIP(address);
  // Zone ids (`%eth0`) and other decorations are not part of a subnet.
  const plain = /^[0-9a-fA-F:.]+$/.test(address);
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (rest.length > 0 || family === 0 || !plain || !(bits <= (family === 4 ? 32 : 128))) {
    throw new BadUserInputError(`${field} "${value.slice(0, 80)}" is not a CIDR subnet`);
  }
  return { address, prefix: bits, family: family === 4 ? 'ipv4' : 'ipv6' };
}

function within(subnet: Cidr, address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (family !== subnet.family) return false;
  const pool = new BlockList();
  pool.addSubnet(subnet.address, subnet.prefix, subnet.family);
  return pool.check(address, family);
}

type PoolInput = { subnet: string; gateway?: string | null; ipRange?: string | null };

/** The engine answers a bad pool with a 500 (or allocates around it), so it is checked here. */
function ipamPool(pool: PoolInput, index: number): IpamConfig {
  const field = `ipam[${index}]`;
  const subnet = cidr(`${field}.subnet`, pool.subnet);
  const config: IpamConfig = { Subnet: pool.subnet };
  if (pool.gateway !== null && pool.gateway !== undefined) {
    const family = isIP(pool.gateway);
    if (family === 0 || !/^[0-9a-fA-F:.]+$/.test(pool.gateway)) {
      throw new BadUserInputError(
        `${field}.gateway "${pool.gateway.slice(0, 80)}" is not an IP address`,
      );
    }
    if (!within(subnet, pool.gateway, family === 4 ? 'ipv4' : 'ipv6')) {
      throw new BadUserInputError(`${field}.gateway ${pool.gateway} is outside ${pool.subnet}`);
    }
    config.Gateway = pool.gateway;
  }
  if (pool.ipRange !== null && pool.ipRange !== undefined) {
    const range = cidr(`${field}.ipRange`, pool.ipRange);
    if (range.prefix < subnet.prefix || !within(subnet, range.address, range.family)) {
      throw new BadUserInputError(`${field}.ipRange ${pool.ipRange} is outside ${pool.subnet}`);
    }
    config.IPRange = pool.ipRange;
  }
  return config;
}

const IpamPoolInput = builder.inputType('IpamPoolInput', {
  description: 'An address pool of a new network.',
  fields: (t) => ({
    subnet: t.string({ required: true, description: 'CIDR, e.g. 10.20.0.0/16 or fd00::/64.' }),
    gateway: t.string({ description: 'An address inside the subnet.' }),
    ipRange: t.string({
      description: 'CIDR inside the subnet that container addresses are taken from.',
    }),
  }),
});

const NetworkCreateInput = builder.inputType('NetworkCreateInput', {
  description:
    'A new network. Strings are at most 64 KiB without control characters; label and option keys must be unique.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique: a taken name is CONFLICT.' }),
    driver: t.string({ defaultValue: 'bridge' }),
    internal: t.boolean({ defaultValue: false, description: 'No route to the outside.' }),
    attachable: t.boolean({
      defaultValue: false,
      description: 'Standalone containers may join; it matters for swarm-scoped networks.',
    }),
    enableIPv6: t.boolean({ defaultValue: false }),
    ipam: t.field({
      type: [IpamPoolInput],
      description:
        'Address pools; the engine picks a free subnet when absent. An overlapping subnet is CONFLICT.',
    }),
    labels: t.field({ type: [LabelInput] }),
    options: t.field({
      type: [LabelInput],
      description: 'Driver options, e.g. com.docker.network.bridge.name.',
    }),
  }),
});

type CreateInput = typeof NetworkCreateInput.$inferInput;

function createConfig(input: CreateInput): NetworkCreateConfig {
  const pools = list('ipam', input.ipam, (pool) => pool) ?? [];
  return {
    Name: networkRef(input.name),
    CheckDuplicate: true,
    Driver: driverName('driver', input.driver ?? 'bridge'),
    Internal: input.internal ?? false,
    Attachable: input.attachable ?? false,
    EnableIPv6: input.enableIPv6 ?? false,
    IPAM: { Driver: 'default', Config: pools.map(ipamPool) },
    Options: keyValueMap('options', input.options) ?? {},
    Labels: keyValueMap('labels', input.labels) ?? {},
  };
}

const NetworkRemoveResult = builder
  .objectRef<{ key: string; dockerId: string }>('NetworkRemoveResult')
  .implement({
    fields: (t) => ({
      id: removedIdField(t, 'Network'),
      dockerId: t.exposeString('dockerId', { description: 'The full id of the removed network.' }),
    }),
  });

const NetworksPruneResult = builder
  .objectRef<{ deleted: string[] }>('NetworksPruneResult')
  .implement({
    fields: (t) => ({
      deleted: t.exposeStringList('deleted', { description: 'Names of the removed networks.' }),
    }),
  });

const networkArg = { description: 'Global id, full id, unique id prefix or name.' };
const containerArg = {
  description:
    'Global id, full id, unique id prefix or name of a container on the network’s engine.',
};

builder.mutationFields((t) => ({
  networkCreate: t.field({
    authScopes: { operator: true },
    type: Network,
    description:
      'Creates a network. CONFLICT when the name is taken or a subnet overlaps another network.',
    args: {
      input: t.arg({ type: NetworkCreateInput, required: true }),
      engine: targetEngineArg(t.arg),
    },
    resolve: (_root, { input, engine }, ctx) =>
      networkCreate(ctx, { config: createConfig(input), engine }),
  }),
  networkConnect: t.field({
    authScopes: { operator: true },
    type: Network,
    description:
      'Attaches a container to a network, running or not; CONFLICT when it is already attached.',
    args: {
      network: t.arg.string({ required: true, ...networkArg }),
      container: t.arg.string({ required: true, ...containerArg }),
      aliases: t.arg.stringList({ description: 'DNS names for the container on this network.' }),
      ipv4Address: t.arg.string({ description: 'A static address; the network needs a subnet.' }),
    },
    resolve: (_root, args, ctx) => {
      const aliases = list('aliases', args.aliases, (alias) => singleLine('alias', alias));
      const address = args.ipv4Address ?? undefined;
      if (address !== undefined && !isIPv4(address)) {
        throw new BadUserInputError(`ipv4Address "${address.slice(0, 80)}" is not an IPv4 address`);
      }
      return networkConnect(ctx, {
        ref: args.network,
        container: args.container,
        endpoint: {
          ...(aliases && { Aliases: aliases }),
          ...(address !== undefined && { IPAMConfig: { IPv4Address: address } }),
        },
      });
    },
  }),
  networkDisconnect: t.field({
    authScopes: { operator: true },
    type: Network,
    description: 'Detaches a container from a network; CONFLICT when it is not attached.',
    args: {
      network: t.arg.string({ required: true, ...networkArg }),
      container: t.arg.string({ required: true, ...containerArg }),
      force: t.arg.boolean({
        defaultValue: false,
        description: 'Detach even when the engine cannot reach the container.',
      }),
    },
    resolve: (_root, args, ctx) =>
      networkDisconnect(ctx, {
        ref: args.network,
        container: args.container,
        force: args.force ?? false,
      }),
  }),
  networkRemove: t.field({
    authScopes: { operator: true },
    type: NetworkRemoveResult,
    description:
      'Removes a network. CONFLICT while a running container is attached (one only created does not hold it) and for the predefined networks.',
    args: { ref: t.arg.string({ required: true, ...networkArg }), engine: engineArg(t.arg) },
    resolve: (_root, args, ctx) => networkRemove(ctx, { ref: args.ref, engine: args.engine }),
  }),
  networksPrune: t.field({
    authScopes: { admin: true },
    type: NetworksPruneResult,
    description:
      'Removes every network no running container is attached to that matches the filter (all of them without); predefined networks stay.',
    args: { filter: t.arg({ type: PruneFilter }), engine: targetEngineArg(t.arg) },
    resolve: (_root, { filter, engine }, ctx) =>
      networksPrune(ctx, {
        engine,
        filters: engineFilters({ label: filter?.label, until: pruneUntil(filter?.until) }),
      }),
  }),
}));
