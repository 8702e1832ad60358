import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerJson, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** What `docker network inspect` says. */
interface NetworkInspect {
  Name: string;
  Id: string;
  Driver: string;
  Scope: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Attachable: boolean;
  IPAM: { Driver: string; Config: { Subnet?: string; Gateway?: string; IPRange?: string }[] };
  Options: Record<string, string> | null;
  Labels: Record<string, string> | null;
}

interface EndpointInspect {
  IPAddress: string;
  Aliases: string[] | null;
}

interface KeyValue {
  key: string;
  value: string;
}

interface NetworkFields {
  id: string;
  dockerId: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  ipam: {
    driver: string;
    pools: { subnet: string | null; gateway: string | null; ipRange: string | null }[];
  };
  labels: KeyValue[];
  options: KeyValue[];
  containers: { container: { dockerId: string }; ipv4Address: string | null; aliases: string[] }[];
}

const FIELDS = `
  id dockerId name driver scope internal attachable enableIPv6
  ipam { driver pools { subnet gateway ipRange } }
  labels { key value }
  options { key value }
  containers { container { dockerId } ipv4Address aliases }
`;
const CREATE = `mutation($input: NetworkCreateInput!) { networkCreate(input: $input) { ${FIELDS} } }`;
const CONNECT = `mutation($network: String!, $container: String!, $aliases: [String!], $ipv4Address: String) {
  networkConnect(network: $network, container: $container, aliases: $aliases, ipv4Address: $ipv4Address) { ${FIELDS} }
}`;
const DISCONNECT = `mutation($network: String!, $container: String!, $force: Boolean) {
  networkDisconnect(network: $network, container: $container, force: $force) { ${FIELDS} }
}`;
const REMOVE = `mutation($ref: String!) { networkRemove(ref: $ref) { dockerId } }`;
const PRUNE = `mutation($filter: PruneFilter) { networksPrune(filter: $filter) { deleted } }`;

const scope = testScope('network-mutations');
const ROLE = 'org.wharf.role';
const OURS: KeyValue = { key: TEST_LABEL, value: scope.run };
const MB = 'x'.repeat(1_000_000);

let gateway: TestGateway;
/** Networks of this file without the scope label (prune survivors): removed by name at the end. */
const strays: string[] = [];

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  for (const name of strays) await docker('network', 'rm', name).catch(() => undefined);
  await gateway?.stop();
});

async function inspectNetwork(ref: string): Promise<NetworkInspect> {
  const [network] = await dockerJson<NetworkInspect[]>('network', 'inspect', ref);
  if (!network) throw new Error(`docker network inspect ${ref} answered nothing`);
  return network;
}

/** The networks this file made, as the engine lists them: what a failed mutation must not change. */
async function ourNetworks(): Promise<string[]> {
  const out = await docker(
    'network',
    'ls',
    '--no-trunc',
    '--filter',
    `label=${scope.label}`,
    '--format',
    '{{.ID}} {{.Name}}',
  );
  return out ? out.split('\n').sort() : [];
}

async function endpoints(container: string): Promise<Record<string, EndpointInspect>> {
  return dockerJson<Record<string, EndpointInspect>>(
    'inspect',
    '-f',
    '{{json .NetworkSettings.Networks}}',
    container,
  );
}

function keyValues(map: Record<string, string> | null | undefined): KeyValue[] {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function attempt(document: string, variables: Record<string, unknown>) {
  const { result, calls } = await gateway.countCalls(() => gateway.query(document, variables));
  return { result, calls, code: result.errors?.[0]?.extensions?.code };
}

/** A /24 in 10.233.0-255.0 with gateway .1 and range .128/25; another octet on overlap. */
async function createWithSubnet(input: Record<string, unknown>) {
  for (let tries = 0; tries < 30; tries++) {
    const octet = Math.floor(Math.random() * 256);
    const pool = {
      subnet: `10.233.${octet}.0/24`,
      gateway: `10.233.${octet}.1`,
      ipRange: `10.233.${octet}.128/25`,
    };
    const { result } = await attempt(CREATE, { input: { ...input, ipam: [pool] } });
    const network = (result.data as { networkCreate: NetworkFields } | null)?.networkCreate;
    if (network) return { network, pool, octet };
    if (!/overlap/i.test(result.errors?.[0]?.message ?? '')) {
      throw new Error(`networkCreate: ${JSON.stringify(result.errors)}`);
    }
  }
  throw new Error('no free 10.233.x.0/24 after 30 attempts');
}

/** The same through the CLI, for fixtures that must not depend on the mutation under test. */
async function cliNetworkWithSubnet(name: string) {
  for (let tries = 0; tries < 30; tries++) {
    const octet = Math.floor(Math.random() * 256);
    try {
      const id = await docker(
        'network',
        'create',
        ...scope.labelArgs,
        '--subnet',
        `10.234.${octet}.0/24`,
        name,
      );
      return { id, octet };
    } catch (error) {
      if (!/pool overlaps/i.test(String(error))) throw error;
    }
  }
  throw new Error('no free 10.234.x.0/24 after 30 attempts');
}

describe('networkCreate', () => {
  let first: Awaited<ReturnType<typeof createWithSubnet>>;

  it('creates a network with every option, as docker network inspect shows it', async () => {
    const name = scope.name('full');
    const bridge = `wm${randomBytes(4).toString('hex')}`;
    first = await createWithSubnet({
      name,
      internal: true,
      attachable: true,
      labels: [OURS, { key: ROLE, value: 'full' }],
      options: [{ key: 'com.docker.network.bridge.name', value: bridge }],
    });
    const { network, pool } = first;
    const truth = await inspectNetwork(name);
    expect(network.dockerId).toBe(truth.Id);
    expect(network.name).toBe(name);
    expect(truth.Driver).toBe('bridge');
    expect(network.driver).toBe(truth.Driver);
    expect(network.scope).toBe(truth.Scope);
    expect(truth.Internal).toBe(true);
    expect(network.internal).toBe(true);
    expect(truth.Attachable).toBe(true);
    expect(network.attachable).toBe(true);
    expect(network.enableIPv6).toBe(truth.EnableIPv6);
    expect(truth.IPAM.Config).toEqual([
      { Subnet: pool.subnet, Gateway: pool.gateway, IPRange: pool.ipRange },
    ]);
    expect(network.ipam.pools).toEqual([pool]);
    expect(network.labels).toEqual(keyValues(truth.Labels));
    expect(truth.Labels).toEqual({ [TEST_LABEL]: scope.run, [ROLE]: 'full' });
    expect(truth.Options).toEqual({ 'com.docker.network.bridge.name': bridge });
    expect(network.options).toEqual(keyValues(truth.Options));
    expect(network.containers).toEqual([]);
  });

  it('applies the defaults: bridge, not internal, a subnet the engine picks', async () => {
    const name = scope.name('plain');
    const { networkCreate: network } = await gateway.data<{ networkCreate: NetworkFields }>(
      CREATE,
      { input: { name, labels: [OURS] } },
    );
    const truth = await inspectNetwork(name);
    expect(network.dockerId).toBe(truth.Id);
    expect([network.driver, network.internal, network.attachable]).toEqual([
      'bridge',
      false,
      false,
    ]);
    expect([truth.Driver, truth.Internal, truth.Attachable]).toEqual(['bridge', false, false]);
    expect(truth.IPAM.Config.length).toBe(1);
    expect(network.ipam.pools.map((p) => p.subnet)).toEqual(truth.IPAM.Config.map((c) => c.Subnet));
    expect(network.options).toEqual([]);
  });

  it('answers CONFLICT for a taken name and leaves the network as it was', async () => {
    const before = await ourNetworks();
    const { code } = await attempt(CREATE, {
      input: { name: first.network.name, labels: [OURS, { key: ROLE, value: 'again' }] },
    });
    expect(code).toBe('CONFLICT');
    expect(await ourNetworks()).toEqual(before);
    const truth = await inspectNetwork(first.network.name);
    expect(truth.Id).toBe(first.network.dockerId);
    expect(truth.Labels?.[ROLE]).toBe('full');
  });

  it('answers CONFLICT for a subnet that overlaps another network, creating nothing', async () => {
    const before = await ourNetworks();
    const { code } = await attempt(CREATE, {
      input: { name: scope.name('overlap'), labels: [OURS], ipam: [{ subnet: first.pool.subnet }] },
    });
    expect(code).toBe('CONFLICT');
    expect(await ourNetworks()).toEqual(before);
  });

  it('answers NOT_FOUND for a driver the engine does not have, creating nothing', async () => {
    const before = await ourNetworks();
    const { code } = await attempt(CREATE, {
      input: { name: scope.name('nodriver'), labels: [OURS], driver: `nosuch${scope.run}` },
    });
    expect(code).toBe('NOT_FOUND');
    expect(await ourNetworks()).toEqual(before);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['an empty name', { name: '' }],
    ['a name with a control character', { name: 'wharf-\u0007-x' }],
    ['a name with a slash', { name: 'a/b' }],
    ['a 1 MB name', { name: MB }],
    [
      'a label key given twice',
      { labels: [OURS, { key: ROLE, value: 'a' }, { key: ROLE, value: 'b' }] },
    ],
    ['an empty label key', { labels: [OURS, { key: '', value: 'a' }] }],
    ['a label key with a control character', { labels: [OURS, { key: 'a\nb', value: 'a' }] }],
    [
      'a label value with a NUL (values may span lines, not hold NUL)',
      { labels: [OURS, { key: ROLE, value: 'a\u0000b' }] },
    ],
    ['a 1 MB label value', { labels: [OURS, { key: ROLE, value: MB }] }],
    [
      'an option key given twice',
      {
        options: [
          { key: 'o', value: '1' },
          { key: 'o', value: '2' },
        ],
      },
    ],
    ['a 1 MB option value', { options: [{ key: 'o', value: MB }] }],
    ['an empty driver', { driver: '' }],
    ['a driver with a control character', { driver: 'bri\u0000dge' }],
    ['the subnet 10.0.0.0/99', { ipam: [{ subnet: '10.0.0.0/99' }] }],
    ['a subnet without prefix', { ipam: [{ subnet: '10.0.0.0' }] }],
    ['a subnet that is no address', { ipam: [{ subnet: '300.1.2.3/8' }] }],
    ['an IPv6 subnet with prefix 129', { ipam: [{ subnet: 'fd00::/129' }] }],
    ['a malformed gateway', { ipam: [{ subnet: '10.99.0.0/16', gateway: '10.99.0.256' }] }],
    ['a gateway outside the subnet', { ipam: [{ subnet: '10.99.0.0/16', gateway: '10.98.0.1' }] }],
    [
      'an IPv6 gateway for an IPv4 subnet',
      { ipam: [{ subnet: '10.99.0.0/16', gateway: 'fd00::1' }] },
    ],
    [
      'an ipRange outside the subnet',
      { ipam: [{ subnet: '10.99.0.0/16', ipRange: '10.98.0.0/24' }] },
    ],
    [
      'an ipRange wider than the subnet',
      { ipam: [{ subnet: '10.99.0.0/16', ipRange: '10.0.0.0/8' }] },
    ],
  ];
  for (const [what, change] of bad) {
    it(`answers BAD_USER_INPUT for ${what}, before any engine call`, async () => {
      const before = await ourNetworks();
      const input = { name: scope.name('bad'), labels: [OURS], ...change };
      const { code, calls, result } = await attempt(CREATE, { input });
      expect(code).toBe('BAD_USER_INPUT');
      expect(result.data?.networkCreate ?? null).toBeNull();
      expect(calls).toEqual([]);
      expect(await ourNetworks()).toEqual(before);
    });
  }
});

describe('networkConnect and networkDisconnect', () => {
  let net: { name: string; id: string; octet: number };
  let box: { name: string; id: string };
  const address = () => `10.234.${net.octet}.77`;

  beforeAll(async () => {
    const name = scope.name('join');
    net = { name, ...(await cliNetworkWithSubnet(name)) };
    const boxName = scope.name('box');
    box = {
      name: boxName,
      id: await docker(
        'run',
        '-d',
        ...scope.labelArgs,
        '--name',
        boxName,
        FIXTURE_IMAGE,
        'sleep',
        '300',
      ),
    };
  });

  it('attaches a running container with aliases and a static address', async () => {
    const { networkConnect: network } = await gateway.data<{ networkConnect: NetworkFields }>(
      CONNECT,
      { network: net.name, container: box.name, aliases: ['db', 'store'], ipv4Address: address() },
    );
    expect(network.dockerId).toBe(net.id);
    const truth = (await endpoints(box.id))[net.name];
    expect(truth?.IPAddress).toBe(address());
    expect(truth?.Aliases).toEqual(expect.arrayContaining(['db', 'store']));
    const attached = network.containers.find((c) => c.container.dockerId === box.id);
    expect(attached?.ipv4Address).toBe(address());
    expect(attached?.aliases).toEqual(expect.arrayContaining(['db', 'store']));
  });

  it('answers CONFLICT when the container is attached already; the endpoint stays', async () => {
    const before = await endpoints(box.id);
    const { code } = await attempt(CONNECT, { network: net.id, container: box.id });
    expect(code).toBe('CONFLICT');
    expect(await endpoints(box.id)).toEqual(before);
  });

  const bad: [string, string, Record<string, unknown>][] = [
    ['an empty network', 'BAD_USER_INPUT', { network: '' }],
    ['an empty container', 'BAD_USER_INPUT', { container: '' }],
    ['a container ref with a path', 'BAD_USER_INPUT', { container: '../x' }],
    ['a malformed address', 'BAD_USER_INPUT', { ipv4Address: '10.234.0.300' }],
    ['an IPv6 address as ipv4Address', 'BAD_USER_INPUT', { ipv4Address: 'fd00::7' }],
    ['an empty alias', 'BAD_USER_INPUT', { aliases: [''] }],
    ['an alias with a control character', 'BAD_USER_INPUT', { aliases: ['a\tb'] }],
    ['a 1 MB alias', 'BAD_USER_INPUT', { aliases: [MB] }],
    ['an unknown network', 'NOT_FOUND', { network: `wharf-${scope.run}-none` }],
    ['an unknown container', 'NOT_FOUND', { container: `wharf-${scope.run}-none` }],
  ];
  for (const [what, expected, change] of bad) {
    it(`answers ${expected} for ${what}, leaving every endpoint as it was`, async () => {
      const before = await endpoints(box.id);
      const networks = await ourNetworks();
      const { code, calls } = await attempt(CONNECT, {
        network: net.name,
        container: box.name,
        ...change,
      });
      expect(code).toBe(expected);
      if (expected === 'BAD_USER_INPUT') expect(calls).toEqual([]);
      expect(await endpoints(box.id)).toEqual(before);
      expect(await ourNetworks()).toEqual(networks);
    });
  }

  it('detaches the container; the network no longer lists it', async () => {
    const { networkDisconnect: network } = await gateway.data<{
      networkDisconnect: NetworkFields;
    }>(DISCONNECT, { network: net.name, container: box.name });
    expect(network.dockerId).toBe(net.id);
    expect(network.containers).toEqual([]);
    expect(Object.keys(await endpoints(box.id))).not.toContain(net.name);
    const truth = await dockerJson<{ Containers: Record<string, unknown> }[]>(
      'network',
      'inspect',
      net.id,
    );
    expect(Object.keys(truth[0]?.Containers ?? {})).toEqual([]);
  });

  it('answers CONFLICT for a container that is not attached, and NOT_FOUND for unknown refs', async () => {
    const before = await endpoints(box.id);
    expect((await attempt(DISCONNECT, { network: net.name, container: box.name })).code).toBe(
      'CONFLICT',
    );
    const unknownNetwork = await attempt(DISCONNECT, {
      network: `wharf-${scope.run}-none`,
      container: box.name,
    });
    expect(unknownNetwork.code).toBe('NOT_FOUND');
    const empty = await attempt(DISCONNECT, { network: net.name, container: '' });
    expect(empty.code).toBe('BAD_USER_INPUT');
    expect(empty.calls).toEqual([]);
    expect(await endpoints(box.id)).toEqual(before);
  });
});

describe('networkRemove', () => {
  it('answers CONFLICT while a running container is attached, and the network stays', async () => {
    const name = scope.name('busy');
    const id = await docker('network', 'create', ...scope.labelArgs, name);
    // Only a running container holds a network: one merely created does not (API 1.41).
    await docker('run', '-d', ...scope.labelArgs, '--network', name, FIXTURE_IMAGE, 'sleep', '300');
    const before = await ourNetworks();
    const { code } = await attempt(REMOVE, { ref: name });
    expect(code).toBe('CONFLICT');
    expect((await inspectNetwork(name)).Id).toBe(id);
    expect(await ourNetworks()).toEqual(before);
  });

  it('removes an unused network by name and answers its id', async () => {
    const name = scope.name('gone');
    const id = await docker('network', 'create', ...scope.labelArgs, name);
    const { networkRemove } = await gateway.data<{ networkRemove: { dockerId: string } }>(REMOVE, {
      ref: name,
    });
    expect(networkRemove.dockerId).toBe(id);
    await expect(docker('network', 'inspect', id)).rejects.toThrow(/not found|no such/i);
  });

  it('answers NOT_FOUND for an unknown network and BAD_USER_INPUT for a malformed ref', async () => {
    const before = await ourNetworks();
    expect((await attempt(REMOVE, { ref: `wharf-${scope.run}-none` })).code).toBe('NOT_FOUND');
    for (const ref of ['', '../networks', 'a b', `x${MB}`]) {
      const { code, calls } = await attempt(REMOVE, { ref });
      expect(code, ref.slice(0, 20)).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourNetworks()).toEqual(before);
  });
});

describe('networksPrune', () => {
  const PRUNABLE = `${ROLE}=prune-${scope.run}`;
  const prunableArgs = ['--label', PRUNABLE];

  it('removes only unused networks the label filter matches', async () => {
    const unused = [scope.name('prune'), scope.name('prune')];
    for (const name of unused) {
      await docker('network', 'create', ...scope.labelArgs, ...prunableArgs, name);
    }
    const busy = scope.name('prune-busy');
    await docker('network', 'create', ...scope.labelArgs, ...prunableArgs, busy);
    await docker('run', '-d', ...scope.labelArgs, '--network', busy, FIXTURE_IMAGE, 'sleep', '300');
    // Not ours by the scope label, prunable by role: the scope label must keep it.
    const survivor = `wharf-${scope.run}-survivor`;
    strays.push(survivor);
    await docker(
      'network',
      'create',
      '--label',
      `${TEST_LABEL}=${scope.run}-keep`,
      ...prunableArgs,
      survivor,
    );
    const untouched = await ourNetworks();

    const { networksPrune } = await gateway.data<{ networksPrune: { deleted: string[] } }>(PRUNE, {
      filter: { label: [scope.label, PRUNABLE] },
    });
    expect([...networksPrune.deleted].sort()).toEqual([...unused].sort());
    for (const name of unused) {
      await expect(docker('network', 'inspect', name)).rejects.toThrow(/not found|no such/i);
    }
    expect((await inspectNetwork(busy)).Name).toBe(busy);
    expect((await inspectNetwork(survivor)).Name).toBe(survivor);
    // Everything else of ours is still there.
    const removed = untouched.filter((line) => unused.some((name) => line.endsWith(` ${name}`)));
    expect(removed.length).toBe(2);
    expect(await ourNetworks()).toEqual(untouched.filter((line) => !removed.includes(line)));
  });

  it('honours until: nothing created before 2001 is ours', async () => {
    const name = scope.name('prune-new');
    await docker('network', 'create', ...scope.labelArgs, ...prunableArgs, name);
    const { networksPrune } = await gateway.data<{ networksPrune: { deleted: string[] } }>(PRUNE, {
      filter: { label: [scope.label, PRUNABLE], until: '2001-01-01T00:00:00Z' },
    });
    expect(networksPrune.deleted).toEqual([]);
    expect((await inspectNetwork(name)).Name).toBe(name);
  });

  it('answers BAD_USER_INPUT for a malformed filter, before any engine call', async () => {
    const before = await ourNetworks();
    for (const filter of [
      { label: [scope.label], until: 'yesterday' },
      { label: ['=x'] },
      { label: [`${scope.label}\u0001`] },
      { label: [MB] },
    ]) {
      const { code, calls } = await attempt(PRUNE, { filter });
      expect(code).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourNetworks()).toEqual(before);
  });
});
