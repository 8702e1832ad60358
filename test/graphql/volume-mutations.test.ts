import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerJson, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** What `docker volume inspect` says. */
interface VolumeInspect {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
}

interface KeyValue {
  key: string;
  value: string;
}

interface VolumeFields {
  id: string;
  name: string;
  driver: string;
  mountpoint: string;
  scope: string;
  createdAt: string | null;
  labels: KeyValue[];
  options: KeyValue[];
}

const FIELDS =
  'id name driver mountpoint scope createdAt labels { key value } options { key value }';
const CREATE = `mutation($input: VolumeCreateInput!) { volumeCreate(input: $input) { ${FIELDS} } }`;
const REMOVE = `mutation($name: String!, $force: Boolean) {
  volumeRemove(name: $name, force: $force) { name removed }
}`;
const PRUNE = `mutation($filter: VolumesPruneFilter) {
  volumesPrune(filter: $filter) { deleted spaceReclaimed }
}`;

const scope = testScope('volume-mutations');
const ROLE = 'org.wharf.role';
const OURS: KeyValue = { key: TEST_LABEL, value: scope.run };
const MB = 'x'.repeat(1_000_000);
const TMPFS = [
  { key: 'type', value: 'tmpfs' },
  { key: 'device', value: 'tmpfs' },
];

let gateway: TestGateway;
/** Volumes of this file without the scope label (prune survivors): removed by name at the end. */
const strays: string[] = [];

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  for (const name of strays) await docker('volume', 'rm', '-f', name).catch(() => undefined);
  await gateway?.stop();
});

async function inspectVolume(name: string): Promise<VolumeInspect> {
  const [volume] = await dockerJson<VolumeInspect[]>('volume', 'inspect', name);
  if (!volume) throw new Error(`docker volume inspect ${name} answered nothing`);
  return volume;
}

/** The volumes this file made, as the engine lists them: what a failed mutation must not change. */
async function ourVolumes(): Promise<string[]> {
  const out = await docker('volume', 'ls', '-q', '--filter', `label=${scope.label}`);
  return out ? out.split('\n').sort() : [];
}

function keyValues(map: Record<string, string> | null | undefined): KeyValue[] {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function expectInspect(volume: VolumeFields, truth: VolumeInspect) {
  expect(volume.name).toBe(truth.Name);
  expect(volume.driver).toBe(truth.Driver);
  expect(volume.mountpoint).toBe(truth.Mountpoint);
  expect(volume.scope).toBe(truth.Scope);
  expect(volume.createdAt).toBe(truth.CreatedAt);
  expect(volume.labels).toEqual(keyValues(truth.Labels));
  expect(volume.options).toEqual(keyValues(truth.Options));
}

async function attempt(document: string, variables: Record<string, unknown>) {
  const { result, calls } = await gateway.countCalls(() => gateway.query(document, variables));
  return { result, calls, code: result.errors?.[0]?.extensions?.code };
}

describe('volumeCreate', () => {
  let named: VolumeFields;

  it('creates a named volume with driver options and labels, as docker volume inspect shows it', async () => {
    const name = scope.name('v');
    ({ volumeCreate: named } = await gateway.data<{ volumeCreate: VolumeFields }>(CREATE, {
      input: { name, driverOpts: TMPFS, labels: [OURS, { key: ROLE, value: 'named' }] },
    }));
    const truth = await inspectVolume(name);
    expectInspect(named, truth);
    expect(truth.Driver).toBe('local');
    expect(truth.Options).toEqual({ type: 'tmpfs', device: 'tmpfs' });
    expect(truth.Labels).toEqual({ [TEST_LABEL]: scope.run, [ROLE]: 'named' });
  });

  it('lets the engine name a volume created without a name', async () => {
    const before = await ourVolumes();
    const { volumeCreate: volume } = await gateway.data<{ volumeCreate: VolumeFields }>(CREATE, {
      input: { labels: [OURS] },
    });
    expect(volume.name).toMatch(/^[0-9a-f]{64}$/);
    expect(await ourVolumes()).toEqual([...before, volume.name].sort());
    expectInspect(volume, await inspectVolume(volume.name));
    expect(volume.options).toEqual([]);
  });

  it('answers the existing volume when a taken name is asked for exactly as it is', async () => {
    const before = await ourVolumes();
    const { volumeCreate: again } = await gateway.data<{ volumeCreate: VolumeFields }>(CREATE, {
      input: {
        name: named.name,
        driver: 'local',
        // Same entries, another order: maps, not lists.
        driverOpts: [...TMPFS].reverse(),
        labels: [{ key: ROLE, value: 'named' }, OURS],
      },
    });
    expect(again).toEqual(named);
    expect(await ourVolumes()).toEqual(before);
  });

  const conflicts: [string, Record<string, unknown>][] = [
    ['other labels', { driverOpts: TMPFS, labels: [OURS, { key: ROLE, value: 'other' }] }],
    ['fewer labels', { driverOpts: TMPFS, labels: [OURS] }],
    ['other driver options', { driverOpts: [{ key: 'type', value: 'tmpfs' }], labels: [OURS] }],
  ];
  for (const [what, input] of conflicts) {
    it(`answers CONFLICT for a taken name with ${what}; the volume stays as it was`, async () => {
      const before = await ourVolumes();
      const truth = await inspectVolume(named.name);
      const { code, calls } = await attempt(CREATE, { input: { name: named.name, ...input } });
      expect(code).toBe('CONFLICT');
      // Found out by inspecting (the cache's copy, when on): the engine was never asked to create.
      expect(calls.map((call) => call.method)).toEqual(gateway.cache ? [] : ['GET']);
      expect(await inspectVolume(named.name)).toEqual(truth);
      expect(await ourVolumes()).toEqual(before);
    });
  }

  it('answers CONFLICT for a taken name with another driver, and NOT_FOUND for an unknown driver', async () => {
    const before = await ourVolumes();
    const taken = await attempt(CREATE, {
      input: { name: named.name, driver: `nosuch${scope.run}`, labels: [OURS] },
    });
    expect(taken.code).toBe('CONFLICT');
    const unknown = await attempt(CREATE, {
      input: { name: scope.name('nodriver'), driver: `nosuch${scope.run}`, labels: [OURS] },
    });
    expect(unknown.code).toBe('NOT_FOUND');
    expect(await ourVolumes()).toEqual(before);
  });

  it('passes the engine refusal of an unknown local option on as BAD_USER_INPUT', async () => {
    const before = await ourVolumes();
    const { code } = await attempt(CREATE, {
      input: {
        name: scope.name('badopt'),
        driverOpts: [{ key: 'bogus', value: 'x' }],
        labels: [OURS],
      },
    });
    expect(code).toBe('BAD_USER_INPUT');
    expect(await ourVolumes()).toEqual(before);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['an empty name', { name: '' }],
    ['a one-character name', { name: 'a' }],
    ['a name with a slash', { name: 'a/b' }],
    ['a name with a control character', { name: 'ab\u0007' }],
    ['a 1 MB name', { name: MB }],
    [
      'a label key given twice',
      { labels: [OURS, { key: ROLE, value: 'a' }, { key: ROLE, value: 'b' }] },
    ],
    ['an empty label key', { labels: [OURS, { key: '', value: 'a' }] }],
    [
      'a label value with a NUL (values may span lines, not hold NUL)',
      { labels: [OURS, { key: ROLE, value: 'a\u0000b' }] },
    ],
    ['a 1 MB label value', { labels: [OURS, { key: ROLE, value: MB }] }],
    ['a driver option given twice', { driverOpts: [...TMPFS, { key: 'type', value: 'none' }] }],
    ['a 1 MB driver option', { driverOpts: [{ key: 'o', value: MB }] }],
    ['an empty driver', { driver: '' }],
    ['a driver with a control character', { driver: 'lo\u0000cal' }],
  ];
  for (const [what, change] of bad) {
    it(`answers BAD_USER_INPUT for ${what}, before any engine call`, async () => {
      const before = await ourVolumes();
      const input = { name: scope.name('bad'), labels: [OURS], ...change };
      const { code, calls, result } = await attempt(CREATE, { input });
      expect(code).toBe('BAD_USER_INPUT');
      expect(result.data?.volumeCreate ?? null).toBeNull();
      expect(calls).toEqual([]);
      expect(await ourVolumes()).toEqual(before);
    });
  }
});

describe('volumeRemove', () => {
  it('answers CONFLICT for a volume a container uses, force or not; the volume stays', async () => {
    const name = scope.name('busy');
    await docker('volume', 'create', ...scope.labelArgs, name);
    // Created, never started: the container holds the volume all the same.
    await docker('create', ...scope.labelArgs, '-v', `${name}:/data`, FIXTURE_IMAGE, 'true');
    const before = await ourVolumes();
    for (const force of [false, true]) {
      const { code } = await attempt(REMOVE, { name, force });
      expect(code, `force: ${force}`).toBe('CONFLICT');
    }
    expect((await inspectVolume(name)).Name).toBe(name);
    expect(await ourVolumes()).toEqual(before);
  });

  it('removes an unused volume', async () => {
    const name = scope.name('gone');
    await docker('volume', 'create', ...scope.labelArgs, name);
    const { volumeRemove } = await gateway.data<{ volumeRemove: unknown }>(REMOVE, { name });
    expect(volumeRemove).toEqual({ name, removed: true });
    await expect(docker('volume', 'inspect', name)).rejects.toThrow(/no such volume/i);
  });

  it('answers NOT_FOUND for an unknown name, and removed: false with force', async () => {
    const name = `wharf-${scope.run}-none`;
    expect((await attempt(REMOVE, { name })).code).toBe('NOT_FOUND');
    const { volumeRemove } = await gateway.data<{ volumeRemove: unknown }>(REMOVE, {
      name,
      force: true,
    });
    expect(volumeRemove).toEqual({ name, removed: false });
  });

  it('answers BAD_USER_INPUT for a malformed name, before any engine call', async () => {
    const before = await ourVolumes();
    for (const name of ['', '../volumes', 'a b', 'a\u0001', MB]) {
      const { code, calls } = await attempt(REMOVE, { name, force: true });
      expect(code, name.slice(0, 20)).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourVolumes()).toEqual(before);
  });
});

describe('volumesPrune', () => {
  const PRUNABLE = `${ROLE}=prune-${scope.run}`;
  const prunableArgs = ['--label', PRUNABLE];

  it('removes only unused volumes the label filter matches, named ones too, and counts the bytes', async () => {
    const unused = [scope.name('prune'), scope.name('prune')];
    for (const name of unused) {
      await docker('volume', 'create', ...scope.labelArgs, ...prunableArgs, name);
    }
    // 100 kB in the first, written by a container that is gone again.
    await docker(
      'run',
      '--rm',
      '-v',
      `${unused[0]}:/data`,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'head -c 100000 /dev/urandom > /data/payload',
    );
    const anonymous = await docker('volume', 'create', ...scope.labelArgs, ...prunableArgs);
    const busy = scope.name('prune-busy');
    await docker('volume', 'create', ...scope.labelArgs, ...prunableArgs, busy);
    await docker('create', ...scope.labelArgs, '-v', `${busy}:/data`, FIXTURE_IMAGE, 'true');
    // Not ours by the scope label, prunable by role: the scope label must keep it.
    const survivor = `wharf-${scope.run}-survivor`;
    strays.push(survivor);
    await docker(
      'volume',
      'create',
      '--label',
      `${TEST_LABEL}=${scope.run}-keep`,
      ...prunableArgs,
      survivor,
    );
    const before = await ourVolumes();

    const { volumesPrune } = await gateway.data<{
      volumesPrune: { deleted: string[]; spaceReclaimed: number };
    }>(PRUNE, { filter: { label: [scope.label, PRUNABLE] } });
    const expected = [...unused, anonymous].sort();
    expect([...volumesPrune.deleted].sort()).toEqual(expected);
    expect(volumesPrune.spaceReclaimed).toBeGreaterThanOrEqual(100_000);
    expect(await ourVolumes()).toEqual(before.filter((name) => !expected.includes(name)));
    expect((await inspectVolume(busy)).Name).toBe(busy);
    expect((await inspectVolume(survivor)).Name).toBe(survivor);
  });

  it('answers BAD_USER_INPUT for a malformed filter, before any engine call', async () => {
    const before = await ourVolumes();
    for (const label of [['=x'], [`${scope.label}\u0001`], [MB], ['']]) {
      const { code, calls } = await attempt(PRUNE, { filter: { label } });
      expect(code).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourVolumes()).toEqual(before);
  });
});
