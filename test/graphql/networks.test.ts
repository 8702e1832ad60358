import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerJson, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** What `docker network inspect` says. */
interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  IPAM: { Driver: string; Config: { Subnet?: string; Gateway?: string }[] | null };
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
}

interface EndpointInspect {
  NetworkID: string;
  EndpointID: string;
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  Aliases: string[] | null;
}

interface Attachment {
  networkName: string;
  ipv4Address: string | null;
  ipv4PrefixLength: number | null;
  gateway: string | null;
  macAddress: string | null;
  endpointId: string | null;
  aliases: string[];
  container: { dockerId: string; name: string; state: string };
  network: { name: string; dockerId: string };
}

interface Edges<T> {
  edges: { node: T }[];
}

const scope = testScope('networks');
const ROLE = 'org.wharf.role';

let gateway: TestGateway;
/** The user network under test: fixed subnet, internal, attachable, a bridge name option. */
let net: { name: string; id: string; octet: number; bridge: string };
/** A second scoped network (engine-assigned subnet), so lists hold more than one of ours. */
let other: { name: string; id: string };
let running: { name: string; id: string };
let created: { name: string; id: string };
let onOther: { name: string; id: string };

async function inspectNetwork(ref: string): Promise<NetworkInspect> {
  const [network] = await dockerJson<NetworkInspect[]>('network', 'inspect', ref);
  if (!network) throw new Error(`docker network inspect ${ref} answered nothing`);
  return network;
}

async function endpoint(container: string, network: string): Promise<EndpointInspect> {
  const networks = await dockerJson<Record<string, EndpointInspect>>(
    'inspect',
    '-f',
    '{{json .NetworkSettings.Networks}}',
    container,
  );
  const found = networks[network];
  if (!found) throw new Error(`${container} is not on ${network}`);
  return found;
}

/** `docker network ls -q --no-trunc` with filters, as a set of full ids. */
async function cliNetworkIds(...filters: string[]): Promise<Set<string>> {
  const out = await docker(
    'network',
    'ls',
    '-q',
    '--no-trunc',
    ...filters.flatMap((filter) => ['--filter', filter]),
  );
  return new Set(out ? out.split('\n') : []);
}

function keyValues(map: Record<string, string> | null | undefined) {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function globalId(typename: string, key: string): string {
  return Buffer.from(`${typename}:${key}`).toString('base64');
}

/** A /24 in 10.231.200-250.0; parallel runs may hold one, so another octet is tried on overlap. */
async function createSubnetNetwork() {
  for (let attempt = 0; attempt < 30; attempt++) {
    const octet = 200 + Math.floor(Math.random() * 51);
    const name = scope.name('net');
    const bridge = `wh${randomBytes(4).toString('hex')}`;
    try {
      const id = await docker(
        'network',
        'create',
        ...scope.labelArgs,
        '--label',
        `${ROLE}=primary`,
        '--subnet',
        `10.231.${octet}.0/24`,
        '--gateway',
        `10.231.${octet}.1`,
        '--internal',
        '--attachable',
        '--opt',
        `com.docker.network.bridge.name=${bridge}`,
        name,
      );
      return { name, id, octet, bridge };
    } catch (error) {
      if (!/pool overlaps/i.test(String(error))) throw error;
    }
  }
  throw new Error('no free 10.231.x.0/24 after 30 attempts');
}

beforeAll(async () => {
  gateway = await startGateway();
  net = await createSubnetNetwork();
  const otherName = scope.name('net');
  other = {
    name: otherName,
    id: await docker(
      'network',
      'create',
      ...scope.labelArgs,
      '--label',
      `${ROLE}=secondary`,
      otherName,
    ),
  };
  const runningName = scope.name('running');
  running = {
    name: runningName,
    id: await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      runningName,
      '--network',
      net.name,
      '--network-alias',
      'web',
      '--ip',
      `10.231.${net.octet}.10`,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    ),
  };
  const createdName = scope.name('created');
  created = {
    name: createdName,
    id: await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      createdName,
      '--network',
      net.name,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    ),
  };
  const onOtherName = scope.name('other');
  onOther = {
    name: onOtherName,
    id: await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      onOtherName,
      '--network',
      other.name,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    ),
  };
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

const FIELDS = `
  id dockerId name driver scope internal attachable ingress enableIPv6
  ipam { driver subnets gateways }
  labels { key value }
  role: label(key: "${ROLE}")
  options { key value }
  createdAt
`;
interface NetworkFields {
  id: string;
  dockerId: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  ingress: boolean;
  enableIPv6: boolean;
  ipam: { driver: string; subnets: string[]; gateways: string[] };
  labels: { key: string; value: string }[];
  role: string | null;
  options: { key: string; value: string }[];
  createdAt: string;
}

function expectInspect(network: NetworkFields | null | undefined, truth: NetworkInspect) {
  expect(network).not.toBeNull();
  expect(network?.dockerId).toBe(truth.Id);
  expect(network?.name).toBe(truth.Name);
  expect(network?.driver).toBe(truth.Driver);
  expect(network?.scope).toBe(truth.Scope);
  expect(network?.internal).toBe(truth.Internal);
  expect(network?.attachable).toBe(truth.Attachable);
  expect(network?.ingress).toBe(truth.Ingress);
  expect(network?.enableIPv6).toBe(truth.EnableIPv6);
  expect(network?.ipam.driver).toBe(truth.IPAM.Driver);
  expect(network?.ipam.subnets).toEqual(
    (truth.IPAM.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
  );
  expect(network?.ipam.gateways).toEqual(
    (truth.IPAM.Config ?? []).flatMap((c) => (c.Gateway ? [c.Gateway] : [])),
  );
  expect(network?.labels).toEqual(keyValues(truth.Labels));
  expect(network?.options).toEqual(keyValues(truth.Options));
  expect(network?.createdAt).toBe(truth.Created);
}

describe('network(ref:)', () => {
  const ONE = `query($ref: String!) { network(ref: $ref) { ${FIELDS} } }`;
  type One = { network: NetworkFields | null };

  it('finds the network by name, full id and id prefix, with the fields inspect shows', async () => {
    const truth = await inspectNetwork(net.id);
    expect(truth.Id).toBe(net.id);
    for (const ref of [net.name, net.id, net.id.slice(0, 12)]) {
      const { network } = await gateway.data<One>(ONE, { ref });
      expectInspect(network, truth);
    }
  });

  it('reports what the network was created with', async () => {
    const { network } = await gateway.data<One>(ONE, { ref: net.name });
    expect(network?.driver).toBe('bridge');
    expect(network?.scope).toBe('local');
    expect(network?.internal).toBe(true);
    expect(network?.attachable).toBe(true);
    expect(network?.ipam.subnets).toEqual([`10.231.${net.octet}.0/24`]);
    expect(network?.ipam.gateways).toEqual([`10.231.${net.octet}.1`]);
    const [key, value] = scope.label.split('=') as [string, string];
    expect(network?.labels).toEqual(keyValues({ [key]: value, [ROLE]: 'primary' }));
    expect(network?.role).toBe('primary');
    expect(network?.options).toEqual([
      { key: 'com.docker.network.bridge.name', value: net.bridge },
    ]);

    // The defaults of a network created without options, for contrast.
    const second = await gateway.data<One>(ONE, { ref: other.name });
    expectInspect(second.network, await inspectNetwork(other.id));
    expect(second.network?.internal).toBe(false);
    expect(second.network?.attachable).toBe(false);
    expect(second.network?.role).toBe('secondary');
  });

  it('answers null, without an error, for a network that does not exist', async () => {
    // A prefix of existing names names nothing: names match exactly, only ids by prefix.
    for (const ref of [`wharf-${scope.run}-absent`, `wharf-${scope.run}-net`, 'f'.repeat(64)]) {
      await expect(docker('network', 'inspect', ref)).rejects.toThrow(/not found|no such/i);
      const result = await gateway.query<One>(ONE, { ref });
      expect(result.errors, ref).toBeUndefined();
      expect(result.data).toEqual({ network: null });
    }
  });

  it('rejects a malformed ref with BAD_USER_INPUT before asking the engine', async () => {
    for (const ref of ['../x', 'a b', 'x/y', '']) {
      const { result, calls } = await gateway.countCalls(() => gateway.query<One>(ONE, { ref }));
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(ref)).toBe('BAD_USER_INPUT');
      expect(result.data?.network ?? null).toBeNull();
      expect(calls).toEqual([]);
    }
  });

  it('round-trips through node(id:); an unknown id of the same shape is null', async () => {
    const { network } = await gateway.data<One>(ONE, { ref: net.name });
    const id = network?.id ?? '';
    const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Network { dockerId name } } }`;
    const { node } = await gateway.data<{ node: unknown }>(NODE, { id });
    expect(node).toEqual({ __typename: 'Network', dockerId: net.id, name: net.name });

    const decoded = Buffer.from(id, 'base64').toString('utf8');
    expect(decoded.endsWith(net.id)).toBe(true);
    const unknown = globalId(
      'Network',
      decoded.replace(/^Network:/, '').replace(net.id, 'f'.repeat(64)),
    );
    const result = await gateway.query<{ node: unknown }>(NODE, { id: unknown });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ node: null });
  });
});

describe('network containers', () => {
  const ATTACHMENT = `
    networkName ipv4Address ipv4PrefixLength gateway macAddress endpointId aliases
    container { dockerId name state }
    network { name dockerId }
  `;
  const CONTAINERS = `query($ref: String!) { network(ref: $ref) { containers { ${ATTACHMENT} } } }`;
  type Containers = { network: { containers: Attachment[] } | null };

  async function attachments(ref: string): Promise<Map<string, Attachment>> {
    const { network } = await gateway.data<Containers>(CONTAINERS, { ref });
    return new Map((network?.containers ?? []).map((a) => [a.container.dockerId, a]));
  }

  it('lists exactly the containers attached, running or only created', async () => {
    const byId = await attachments(net.name);
    expect(new Set(byId.keys())).toEqual(new Set([running.id, created.id]));
    const truth = await docker('ps', '-aq', '--no-trunc', '--filter', `network=${net.name}`);
    expect(new Set(byId.keys())).toEqual(new Set(truth.split('\n')));
    expect(new Set((await attachments(other.name)).keys())).toEqual(new Set([onOther.id]));
  });

  it('gives a running container its address, MAC, gateway, endpoint and aliases', async () => {
    const attachment = (await attachments(net.name)).get(running.id);
    const truth = await endpoint(running.id, net.name);
    expect(truth.IPAddress).toBe(`10.231.${net.octet}.10`);
    expect(attachment?.networkName).toBe(net.name);
    expect(attachment?.container).toEqual({
      dockerId: running.id,
      name: running.name,
      state: 'RUNNING',
    });
    expect(attachment?.ipv4Address).toBe(truth.IPAddress);
    expect(attachment?.ipv4PrefixLength).toBe(truth.IPPrefixLen);
    expect(attachment?.gateway).toBe(truth.Gateway || null);
    expect(attachment?.macAddress).toBe(truth.MacAddress);
    expect(attachment?.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(attachment?.endpointId).toBe(truth.EndpointID);
    expect(attachment?.aliases).toContain('web');
    expect([...(attachment?.aliases ?? [])].sort()).toEqual([...(truth.Aliases ?? [])].sort());
    expect(attachment?.network).toEqual({ name: net.name, dockerId: net.id });

    // The engine's own view of the network agrees on the address.
    const inspected = await dockerJson<{ Containers: Record<string, { IPv4Address: string }> }[]>(
      'network',
      'inspect',
      net.id,
    );
    expect(inspected[0]?.Containers[running.id]?.IPv4Address).toBe(
      `${truth.IPAddress}/${truth.IPPrefixLen}`,
    );
  });

  it('lists a created, never started container, whose network resolves by name', async () => {
    const attachment = (await attachments(net.name)).get(created.id);
    expect(attachment).toBeDefined();
    const truth = await endpoint(created.id, net.name);
    expect(truth.NetworkID).toBe('');
    expect(attachment?.container).toEqual({
      dockerId: created.id,
      name: created.name,
      state: 'CREATED',
    });
    expect(attachment?.networkName).toBe(net.name);
    expect(attachment?.ipv4Address).toBeNull();
    expect(attachment?.macAddress).toBeNull();
    expect(attachment?.endpointId).toBeNull();
    expect(attachment?.network).toEqual({ name: net.name, dockerId: net.id });
  });

  it('is the same attachment whether reached from the container or from the network', async () => {
    const fromNetwork = await attachments(net.name);
    for (const container of [running, created]) {
      const { container: found } = await gateway.data<{
        container: { networks: Attachment[] } | null;
      }>(`query($ref: String!) { container(ref: $ref) { networks { ${ATTACHMENT} } } }`, {
        ref: container.name,
      });
      const networks = found?.networks ?? [];
      expect(networks.map((n) => n.network.dockerId)).toEqual([net.id]);
      expect(networks[0]).toEqual(fromNetwork.get(container.id));
    }
  });
});

describe('NetworkFilter', () => {
  const FILTERED = `query($filter: NetworkFilter) {
    networks(filter: $filter) { edges { node { ${FIELDS} } } }
  }`;
  type Filtered = { networks: Edges<NetworkFields> };
  async function wharfIds(filter: Record<string, unknown>): Promise<Set<string>> {
    const { networks } = await gateway.data<Filtered>(FILTERED, { filter });
    return new Set(networks.edges.map((e) => e.node.dockerId));
  }

  it('label matches as `docker network ls --filter label=` does', async () => {
    const truth = await cliNetworkIds(`label=${scope.label}`);
    expect(truth).toEqual(new Set([net.id, other.id]));
    expect(await wharfIds({ label: [scope.label] })).toEqual(truth);

    const primary = await cliNetworkIds(`label=${scope.label}`, `label=${ROLE}=primary`);
    expect(primary).toEqual(new Set([net.id]));
    expect(await wharfIds({ label: [scope.label, `${ROLE}=primary`] })).toEqual(primary);
  });

  it('name matches as `docker network ls --filter name=` does', async () => {
    for (const name of [net.name, `wharf-${scope.run}-net`]) {
      const truth = await cliNetworkIds(`name=${name}`);
      expect(await wharfIds({ name: [name] })).toEqual(truth);
    }
    expect(await cliNetworkIds(`name=wharf-${scope.run}-net`)).toEqual(new Set([net.id, other.id]));
    expect(await wharfIds({ name: [`wharf-${scope.run}-absent`] })).toEqual(new Set());
  });

  it('lists each network with the fields inspect shows', async () => {
    const { networks } = await gateway.data<Filtered>(FILTERED, {
      filter: { label: [scope.label] },
    });
    for (const { node } of networks.edges) expectInspect(node, await inspectNetwork(node.dockerId));
  });
});

describe('engine calls', () => {
  const LIST = `query($filter: NetworkFilter) {
    networks(filter: $filter) { edges { node { name driver ipam { subnets } } } }
  }`;
  const WITH_CONTAINERS = `query($filter: NetworkFilter) {
    networks(filter: $filter) {
      edges { node { name containers { ipv4Address container { name state } } } }
    }
  }`;
  type WithContainers = {
    networks: Edges<{
      name: string;
      containers: { ipv4Address: string | null; container: { name: string; state: string } }[];
    }>;
  };

  it('list fields cost exactly one network list call (none with the cache)', async () => {
    for (const filter of [undefined, { label: [scope.label] }]) {
      const { calls } = await gateway.countCalls(() => gateway.data(LIST, { filter }));
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        gateway.cache ? [] : [expect.stringMatching(/^GET \/v1\.\d+\/networks(\?|$)/)],
      );
    }
  });

  it('containers of every network cost exactly two calls, whatever the counts (none cached)', async () => {
    for (const filter of [undefined, { label: [scope.label] }, { name: [net.name] }]) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.data<WithContainers>(WITH_CONTAINERS, { filter }),
      );
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        gateway.cache
          ? []
          : [
              expect.stringMatching(/^GET \/v1\.\d+\/networks(\?|$)/),
              expect.stringMatching(/^GET \/v1\.\d+\/containers\/json\?/),
            ],
      );
      const ours = result.networks.edges.find((e) => e.node.name === net.name)?.node;
      expect(ours?.containers.map((c) => c.container.name).sort()).toEqual(
        [running.name, created.name].sort(),
      );
      const address = ours?.containers.find((c) => c.container.name === running.name);
      expect(address?.ipv4Address).toBe(`10.231.${net.octet}.10`);
    }
  });
});

describe('ambiguous id prefix', () => {
  it('answers AMBIGUOUS_REF, as for containers, when an id prefix matches several networks', async () => {
    // Config-only networks hold no address pool, so making a few is cheap; by pigeonhole, at most
    // 17 of them give two ids with the same first hex digit.
    const ids: string[] = [];
    try {
      let prefix: string | undefined;
      while (!prefix && ids.length < 17) {
        ids.push(
          await docker('network', 'create', '--config-only', ...scope.labelArgs, scope.name('co')),
        );
        const firsts = ids.map((id) => id.slice(0, 1));
        prefix = firsts.find((first, index) => firsts.indexOf(first) !== index);
      }
      if (!prefix) throw new Error('17 networks without a shared first digit');
      await expect(docker('network', 'inspect', prefix)).rejects.toThrow(/ambiguous/i);
      const result = await gateway.query<{ network: unknown }>(
        `query($ref: String!) { network(ref: $ref) { name } }`,
        { ref: prefix },
      );
      expect(result.data).toEqual({ network: null });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['AMBIGUOUS_REF']);
    } finally {
      if (ids.length > 0) await docker('network', 'rm', ...ids);
    }
  });
});
