import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerJson, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** What `docker volume inspect` says. */
interface VolumeInspect {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

interface VolumeFields {
  id: string;
  name: string;
  driver: string;
  mountpoint: string;
  scope: string;
  labels: { key: string; value: string }[];
  role: string | null;
  options: { key: string; value: string }[];
  createdAt: string | null;
}

interface Edges<T> {
  edges: { node: T }[];
}

const scope = testScope('volumes');
const ROLE = 'org.wharf.role';
const FILE_BYTES = 100 * 1024;

let gateway: TestGateway;
/** Mounted by `mounting`, holds a 100 KiB file. */
let data: string;
/** tmpfs through driver options; mounted by nothing, so dangling. */
let tmpfs: string;
let mounting: { name: string; id: string };
let bare: { name: string; id: string };

async function inspectVolume(name: string): Promise<VolumeInspect> {
  const [volume] = await dockerJson<VolumeInspect[]>('volume', 'inspect', name);
  if (!volume) throw new Error(`docker volume inspect ${name} answered nothing`);
  return volume;
}

/** `docker volume ls -q` with filters, as a set of names. */
async function cliVolumeNames(...filters: string[]): Promise<Set<string>> {
  const out = await docker(
    'volume',
    'ls',
    '-q',
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

function expectInspect(volume: VolumeFields | null | undefined, truth: VolumeInspect) {
  expect(volume).not.toBeNull();
  expect(volume?.name).toBe(truth.Name);
  expect(volume?.driver).toBe(truth.Driver);
  expect(volume?.mountpoint).toBe(truth.Mountpoint);
  expect(volume?.scope).toBe(truth.Scope);
  expect(volume?.labels).toEqual(keyValues(truth.Labels));
  expect(volume?.options).toEqual(keyValues(truth.Options));
  expect(volume?.createdAt).not.toBeNull();
  expect(Date.parse(volume?.createdAt ?? '')).toBe(Date.parse(truth.CreatedAt));
}

beforeAll(async () => {
  gateway = await startGateway();
  data = scope.name('vol');
  tmpfs = scope.name('vol');
  await docker('volume', 'create', ...scope.labelArgs, '--label', `${ROLE}=data`, data);
  await docker(
    'volume',
    'create',
    ...scope.labelArgs,
    '--label',
    `${ROLE}=tmpfs`,
    '--opt',
    'type=tmpfs',
    '--opt',
    'device=tmpfs',
    '--opt',
    'o=size=1m',
    tmpfs,
  );
  await docker(
    'run',
    '--rm',
    ...scope.labelArgs,
    '-v',
    `${data}:/data`,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    `dd if=/dev/zero of=/data/f bs=1024 count=${FILE_BYTES / 1024}`,
  );
  const mountingName = scope.name('mounting');
  mounting = {
    name: mountingName,
    id: await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      mountingName,
      '-v',
      `${data}:/data`,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    ),
  };
  const bareName = scope.name('bare');
  bare = {
    name: bareName,
    id: await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      bareName,
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
  id name driver mountpoint scope
  labels { key value }
  role: label(key: "${ROLE}")
  options { key value }
  createdAt
`;

describe('volume(name:)', () => {
  const ONE = `query($name: String!) { volume(name: $name) { ${FIELDS} } }`;
  type One = { volume: VolumeFields | null };

  it('has the fields inspect shows', async () => {
    for (const name of [data, tmpfs]) {
      const { volume } = await gateway.data<One>(ONE, { name });
      expectInspect(volume, await inspectVolume(name));
    }
  });

  it('reports what the volumes were created with', async () => {
    const [key, value] = scope.label.split('=') as [string, string];
    const plain = (await gateway.data<One>(ONE, { name: data })).volume;
    expect(plain?.driver).toBe('local');
    expect(plain?.scope).toBe('local');
    expect(plain?.options).toEqual([]);
    expect(plain?.labels).toEqual(keyValues({ [key]: value, [ROLE]: 'data' }));
    expect(plain?.role).toBe('data');
    const withOptions = (await gateway.data<One>(ONE, { name: tmpfs })).volume;
    expect(withOptions?.options).toEqual([
      { key: 'device', value: 'tmpfs' },
      { key: 'o', value: 'size=1m' },
      { key: 'type', value: 'tmpfs' },
    ]);
    expect(withOptions?.role).toBe('tmpfs');
  });

  it('lists exactly the containers that mount the volume', async () => {
    const query = `query($name: String!) { volume(name: $name) { usedBy { dockerId name } } }`;
    type UsedBy = { volume: { usedBy: { dockerId: string; name: string }[] } | null };
    const used = await gateway.data<UsedBy>(query, { name: data });
    expect(used.volume?.usedBy).toEqual([{ dockerId: mounting.id, name: mounting.name }]);
    const truth = await docker('ps', '-aq', '--no-trunc', '--filter', `volume=${data}`);
    expect(used.volume?.usedBy.map((c) => c.dockerId)).toEqual(truth.split('\n'));
    expect(used.volume?.usedBy.map((c) => c.dockerId)).not.toContain(bare.id);

    const unused = await gateway.data<UsedBy>(query, { name: tmpfs });
    expect(unused.volume?.usedBy).toEqual([]);
  });

  it('reports the size /system/df reports, null where the engine does not size a volume', async () => {
    const { a, b } = await gateway.data<{
      a: { size: number | null } | null;
      b: { size: number | null } | null;
    }>(
      `query($a: String!, $b: String!) { a: volume(name: $a) { size } b: volume(name: $b) { size } }`,
      { a: data, b: tmpfs },
    );
    // Engine 20.10 sizes local volumes without driver options only: the tmpfs one is not reported.
    const reported = await dockerJson<{ Name: string; Size: string }[]>(
      'system',
      'df',
      '-v',
      '--format',
      '{{json .Volumes}}',
    );
    const names = new Set(reported.map((v) => v.Name));
    expect(names.has(data)).toBe(true);
    expect(names.has(tmpfs)).toBe(false);

    expect(typeof a?.size).toBe('number');
    expect(Number.isSafeInteger(a?.size)).toBe(true);
    expect(a?.size).toBeGreaterThanOrEqual(FILE_BYTES);
    expect(a?.size).toBeLessThan(FILE_BYTES + 64 * 1024);
    expect(b?.size).toBeNull();
  });

  it('answers null, without an error, for a volume that does not exist', async () => {
    // A prefix of existing names must not match either: volume names are exact.
    for (const name of [`nope-${scope.run}`, `wharf-${scope.run}-vol`]) {
      await expect(docker('volume', 'inspect', name)).rejects.toThrow(/no such volume/i);
      const result = await gateway.query<One>(ONE, { name });
      expect(result.errors, name).toBeUndefined();
      expect(result.data).toEqual({ volume: null });
    }
  });

  it('rejects a malformed name with BAD_USER_INPUT before asking the engine', async () => {
    for (const name of ['../etc', 'a b', 'x/y', '']) {
      const { result, calls } = await gateway.countCalls(() => gateway.query<One>(ONE, { name }));
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(name)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.path).toEqual(['volume']);
      expect(result.data?.volume ?? null).toBeNull();
      expect(calls).toEqual([]);
    }
  });

  it('round-trips through node(id:); an unknown id of the same shape is null', async () => {
    const { volume } = await gateway.data<One>(ONE, { name: data });
    const id = volume?.id ?? '';
    const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Volume { name } } }`;
    const { node } = await gateway.data<{ node: unknown }>(NODE, { id });
    expect(node).toEqual({ __typename: 'Volume', name: data });

    const decoded = Buffer.from(id, 'base64').toString('utf8');
    expect(decoded.endsWith(data)).toBe(true);
    const unknown = globalId(
      'Volume',
      decoded.replace(/^Volume:/, '').replace(data, `nope-${scope.run}`),
    );
    const result = await gateway.query<{ node: unknown }>(NODE, { id: unknown });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ node: null });
  });
});

describe('VolumeFilter', () => {
  const FILTERED = `query($filter: VolumeFilter) {
    volumes(filter: $filter) { edges { node { ${FIELDS} } } }
  }`;
  type Filtered = { volumes: Edges<VolumeFields> };
  async function wharfNames(filter: Record<string, unknown>): Promise<Set<string>> {
    const { volumes } = await gateway.data<Filtered>(FILTERED, { filter });
    return new Set(volumes.edges.map((e) => e.node.name));
  }

  it('label matches as `docker volume ls --filter label=` does', async () => {
    const truth = await cliVolumeNames(`label=${scope.label}`);
    expect(truth).toEqual(new Set([data, tmpfs]));
    expect(await wharfNames({ label: [scope.label] })).toEqual(truth);
    const tmpfsOnly = await cliVolumeNames(`label=${scope.label}`, `label=${ROLE}=tmpfs`);
    expect(tmpfsOnly).toEqual(new Set([tmpfs]));
    expect(await wharfNames({ label: [scope.label, `${ROLE}=tmpfs`] })).toEqual(tmpfsOnly);
  });

  it('name matches as `docker volume ls --filter name=` does', async () => {
    for (const name of [data, `wharf-${scope.run}-vol`]) {
      expect(await wharfNames({ name: [name] })).toEqual(await cliVolumeNames(`name=${name}`));
    }
    expect(await wharfNames({ name: [`wharf-${scope.run}-vol`] })).toEqual(new Set([data, tmpfs]));
    expect(await wharfNames({ name: [`nope-${scope.run}`] })).toEqual(new Set());
  });

  it('dangling matches as `docker volume ls --filter dangling=` does', async () => {
    const dangling = await cliVolumeNames('dangling=true', `label=${scope.label}`);
    expect(dangling).toEqual(new Set([tmpfs]));
    expect(await wharfNames({ dangling: true, label: [scope.label] })).toEqual(dangling);
    const used = await cliVolumeNames('dangling=false', `label=${scope.label}`);
    expect(used).toEqual(new Set([data]));
    expect(await wharfNames({ dangling: false, label: [scope.label] })).toEqual(used);
  });

  it('lists each volume with the fields inspect shows', async () => {
    const { volumes } = await gateway.data<Filtered>(FILTERED, {
      filter: { label: [scope.label] },
    });
    expect(volumes.edges).toHaveLength(2);
    for (const { node } of volumes.edges) expectInspect(node, await inspectVolume(node.name));
  });
});

describe('engine calls', () => {
  const LIST = `query($filter: VolumeFilter) {
    volumes(filter: $filter) { edges { node { name driver mountpoint labels { key value } options { key value } createdAt } } }
  }`;
  const WITH_SIZE = `query($filter: VolumeFilter) {
    volumes(filter: $filter) { edges { node { name size } } }
  }`;
  const WITH_USED_BY = `query($filter: VolumeFilter) {
    volumes(filter: $filter) { edges { node { name usedBy { name } } } }
  }`;
  const LIST_CALL = /^GET \/v1\.\d+\/volumes(\?|$)/;
  const filters = [undefined, { label: [scope.label] }];

  it('list fields cost exactly one volume list call (none with the cache)', async () => {
    for (const filter of filters) {
      const { calls } = await gateway.countCalls(() => gateway.data(LIST, { filter }));
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        gateway.cache ? [] : [expect.stringMatching(LIST_CALL)],
      );
    }
  });

  it('size on every volume costs exactly two calls: the list and one /system/df (only df cached)', async () => {
    for (const filter of filters) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.data<{ volumes: Edges<{ name: string; size: number | null }> }>(WITH_SIZE, {
          filter,
        }),
      );
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        ...(gateway.cache ? [] : [expect.stringMatching(LIST_CALL)]),
        expect.stringMatching(/^GET \/v1\.\d+\/system\/df(\?|$)/),
      ]);
      const sizes = new Map(result.volumes.edges.map((e) => [e.node.name, e.node.size]));
      expect(sizes.get(data)).toBeGreaterThanOrEqual(FILE_BYTES);
      expect(sizes.get(tmpfs)).toBeNull();
      for (const size of sizes.values()) {
        if (size !== null) expect(size).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('usedBy on every volume costs exactly two calls: the list and one container list (none cached)', async () => {
    for (const filter of filters) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.data<{ volumes: Edges<{ name: string; usedBy: { name: string }[] }> }>(
          WITH_USED_BY,
          { filter },
        ),
      );
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        gateway.cache
          ? []
          : [
              expect.stringMatching(LIST_CALL),
              expect.stringMatching(/^GET \/v1\.\d+\/containers\/json\?/),
            ],
      );
      const usedBy = new Map(result.volumes.edges.map((e) => [e.node.name, e.node.usedBy]));
      expect(usedBy.get(data)).toEqual([{ name: mounting.name }]);
      expect(usedBy.get(tmpfs)).toEqual([]);
    }
  });
});
