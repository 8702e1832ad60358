import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('tenancy-writes');
// Tenants cannot set org.wharf.* labels (the test scope label), so their values name the run.
const TEAM_A = `a-${scope.run}`;
const TEAM_B = `b-${scope.run}`;
// Admins with labels: prunes and imageRemove are admin's, and tenancy holds for admins too.
const A = 'tenant-a-writes-0123456789';
const B = 'tenant-b-writes-0123456789';
const ADMIN = 'admin-writes-0123456789ab';
let gateway: TestGateway;

type Data = Record<string, unknown>;

async function as(token: string, document: string): Promise<Result<Data>> {
  return gateway.query<Data>(document, undefined, token);
}

async function ok(token: string, document: string): Promise<Data> {
  const result = await as(token, document);
  expect(result.errors, document).toBeUndefined();
  return result.data as Data;
}

function errorOf(result: Result<Data>) {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, rule: error?.extensions?.rule, message: error?.message };
}

const HEX_ID = /[0-9a-f]{12,64}/;

function create(token: string, name: string, extra = '', image = FIXTURE_IMAGE) {
  return as(
    token,
    `mutation { containerCreate(input: {
      image: "${image}", name: "${name}", user: "1000", cmd: ["sleep", "300"] ${extra}
    }) { dockerId } }`,
  );
}

async function createContainer(token: string, name: string, extra = '', image = FIXTURE_IMAGE) {
  const result = await create(token, name, extra, image);
  expect(result.errors, name).toBeUndefined();
  return ((result.data as Data).containerCreate as { dockerId: string }).dockerId;
}

const exists = async (kind: 'volume' | 'container', name: string) =>
  (kind === 'volume'
    ? await docker('volume', 'ls', '-q', '--filter', `name=^${name}$`)
    : await docker('ps', '-aq', '--filter', `name=^${name}$`)) !== '';

/** The team label of a container or image (`.Config.Labels`), or of a network or volume. */
function teamOf(ref: string, where: '.Config.Labels' | '.Labels' = '.Config.Labels') {
  return docker('inspect', '-f', `{{index ${where} "team"}}`, ref);
}

beforeAll(async () => {
  const tokens = parseTokens(
    JSON.stringify([
      { name: 'wa', role: 'admin', token: A, labels: [`team=${TEAM_A}`] },
      { name: 'wb', role: 'admin', token: B, labels: [`team=${TEAM_B}`] },
      { name: 'root', role: 'admin', token: ADMIN },
    ]),
  );
  gateway = await startGateway({ tokens: new TokenStore(tokens) });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  // Scope containers first: they mount tenants' volumes.
  await scope.cleanup();
  for (const team of [TEAM_A, TEAM_B]) {
    const filter = ['--filter', `label=team=${team}`];
    const containers = await docker('ps', '-aq', ...filter);
    if (containers) await docker('rm', '-f', '-v', ...containers.split('\n'));
    const networks = await docker('network', 'ls', '-q', ...filter);
    if (networks) await docker('network', 'rm', ...networks.split('\n'));
    const volumes = await docker('volume', 'ls', '-q', ...filter);
    if (volumes) await docker('volume', 'rm', '-f', ...volumes.split('\n'));
    const images = await docker('images', '-q', ...filter);
    if (images) await docker('rmi', '-f', ...new Set(images.split('\n')));
  }
});

describe('tenant writes', () => {
  it('answers a name taken by another tenant without that object’s id', async () => {
    const container = scope.name('taken');
    const network = scope.name('taken-net');
    const volume = scope.name('taken-vol');
    const idB = await createContainer(B, container);
    await ok(B, `mutation { networkCreate(input: { name: "${network}" }) { id } }`);
    await ok(B, `mutation { volumeCreate(input: { name: "${volume}" }) { name } }`);
    const own = scope.name('own');
    await createContainer(A, own);

    for (const mutation of [
      `containerCreate(input: { image: "${FIXTURE_IMAGE}", name: "${container}" }) { id }`,
      `containerRename(ref: "${own}", name: "${container}") { changed }`,
    ]) {
      const error = errorOf(await as(A, `mutation { ${mutation} }`));
      expect(error, mutation).toEqual({
        code: 'CONFLICT',
        rule: undefined,
        message: `the container name "${container}" is already in use`,
      });
    }
    const net = errorOf(
      await as(A, `mutation { networkCreate(input: { name: "${network}" }) { id } }`),
    );
    expect(net.code).toBe('CONFLICT');
    expect(net.message).not.toMatch(HEX_ID);
    const vol = errorOf(
      await as(A, `mutation { volumeCreate(input: { name: "${volume}" }) { name } }`),
    );
    expect(vol).toEqual({
      code: 'CONFLICT',
      rule: undefined,
      message: `the volume name "${volume}" is already in use`,
    });
    // B's objects are untouched; the engine's own message still names the id for an admin.
    expect(await teamOf(container)).toBe(TEAM_B);
    const admin = await as(
      ADMIN,
      `mutation { containerCreate(input: { image: "${FIXTURE_IMAGE}", name: "${container}" }) { id } }`,
    );
    expect(errorOf(admin).message).toContain(idB);
  });

  it('counts only what a tenant sees in engine info', async () => {
    const running = scope.name('counted');
    await ok(
      A,
      `mutation { containerCreate(start: true, input: {
        image: "${FIXTURE_IMAGE}", name: "${running}", user: "1000", cmd: ["sleep", "300"]
      }) { id } }`,
    );
    // Other tests change the engine meanwhile: compare until one moment agrees.
    const seen = await eventually(
      'tenant counts to match the engine’s objects it sees',
      async () => {
        const data = await ok(
          A,
          '{ engine { containerCount containersRunning containersPaused containersStopped imageCount } }',
        );
        const all = (await docker('ps', '-a', '--format', '{{.State}} {{.Label "team"}}'))
          .split('\n')
          .map((line) => line.split(' '));
        const states = all
          .filter(([, team]) => !team || team === TEAM_A)
          .map(([state]) => state ?? '');
        // B's container (the first test's) is on the engine at the same moment, not for A.
        if (!all.some(([, team]) => team === TEAM_B)) return undefined;
        const imageIds = (await docker('images', '-aq')).split('\n');
        // An image removed meanwhile fails the inspect: ask again.
        const teams = await docker(
          'inspect',
          '-f',
          '{{index .Config.Labels "team"}}',
          ...new Set(imageIds),
        ).catch(() => undefined);
        if (teams === undefined) return undefined;
        const imageTeams = teams.split('\n');
        const count = (...wanted: string[]) => states.filter((s) => wanted.includes(s)).length;
        const expected = {
          containerCount: states.length,
          containersRunning: count('running', 'restarting'),
          containersPaused: count('paused'),
          containersStopped: states.length - count('running', 'restarting', 'paused'),
          imageCount: imageTeams.filter((team) => !team || team === TEAM_A).length,
        };
        return JSON.stringify(data.engine) === JSON.stringify(expected) ? expected : undefined;
      },
    );
    expect(seen.containersRunning).toBeGreaterThan(0);
  });

  it('answers a tenant’s volume in use without the users’ ids', async () => {
    const volume = scope.name('used');
    await ok(A, `mutation { volumeCreate(input: { name: "${volume}" }) { name } }`);
    const user = await scope.shell('user', 'sleep 300', '-v', `${volume}:/data`);
    const userId = await docker('inspect', '-f', '{{.Id}}', user);
    const error = errorOf(await as(A, `mutation { volumeRemove(name: "${volume}") { removed } }`));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).not.toContain(userId.slice(0, 12));
    expect(error.message).not.toMatch(HEX_ID);
  });

  it('stamps the volumes a tenant’s container makes, and mounts no volume not its own', async () => {
    const base = await docker('create', ...scope.labelArgs, FIXTURE_IMAGE);
    const image = `${scope.name('volume-image')}:1`;
    await docker('commit', '--change', 'VOLUME /from-image', base, image);
    await docker('rm', base);
    const named = scope.name('implicit');
    const container = scope.name('mounts');
    await createContainer(
      A,
      container,
      `, mounts: [{ type: VOLUME, source: "${named}", target: "/named" },
                  { type: VOLUME, target: "/anonymous" }]`,
      image,
    );
    const mounts = JSON.parse(await docker('inspect', '-f', '{{json .Mounts}}', container)) as {
      Name: string;
      Destination: string;
    }[];
    expect(mounts.map((m) => m.Destination).sort()).toEqual([
      '/anonymous',
      '/from-image',
      '/named',
    ]);
    for (const mount of mounts) {
      expect(await teamOf(mount.Name, '.Labels'), mount.Destination).toBe(TEAM_A);
    }

    // Another tenant's volume answers like a missing one would; a shared one is read-only.
    const theirs = scope.name('theirs');
    await ok(B, `mutation { volumeCreate(input: { name: "${theirs}" }) { name } }`);
    const shared = scope.name('shared');
    await docker('volume', 'create', '--label', scope.label, shared);
    const refused = scope.name('refused');
    const mount = (source: string) =>
      `, mounts: [{ type: VOLUME, source: "${source}", target: "/v" }]`;
    expect(errorOf(await create(A, refused, mount(theirs))).code).toBe('NOT_FOUND');
    expect(errorOf(await create(A, refused, mount(shared)))).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'tenancy.scope',
    });
    expect(await exists('container', refused)).toBe(false);
    expect(await teamOf(theirs, '.Labels')).toBe(TEAM_B);

    // A create that fails takes the volume it made with it.
    const undone = scope.name('undone');
    expect(errorOf(await create(A, container, mount(undone))).code).toBe('CONFLICT');
    expect(await exists('volume', undone)).toBe(false);
  });

  it('removes a tenant’s own image by its one tag, untags one of several, and no other tenant’s image', async () => {
    const base = await docker('create', ...scope.labelArgs, FIXTURE_IMAGE);
    const commit = async (team: string, tag: string) => {
      await docker('commit', '--change', `LABEL team=${team}`, base, tag);
      return docker('inspect', '-f', '{{.Id}}', tag);
    };
    const theirs = `${scope.name('image-b')}:1`;
    const theirId = await commit(TEAM_B, theirs);
    const remove = (ref: string) =>
      as(A, `mutation { imageRemove(ref: "${ref}") { untagged deleted } }`);
    for (const ref of [theirs, theirId, theirId.slice('sha256:'.length, 19)]) {
      expect(errorOf(await remove(ref)), ref).toMatchObject({
        code: 'NOT_FOUND',
        message: `No such image: ${ref}`,
      });
    }
    expect(await docker('inspect', '-f', '{{.Id}}', theirs)).toBe(theirId);

    const only = `${scope.name('image-a')}:1`;
    const onlyId = await commit(TEAM_A, only);
    const { result, calls } = await gateway.countCalls(() =>
      ok(A, `mutation { imageRemove(ref: "${only}") { untagged deleted } }`),
    );
    expect(result.imageRemove).toEqual({ untagged: [only], deleted: [onlyId] });
    // Its only tag: removed by the id that was checked, so a retag cannot redirect it.
    const removals = calls.filter((call) => call.method === 'DELETE');
    expect(removals.map((call) => call.path.split('?')[0])).toEqual([`/v1.41/images/${onlyId}`]);
    const [first, second] = [`${scope.name('image-a')}:1`, `${scope.name('image-a')}:2`];
    const twiceId = await commit(TEAM_A, first);
    await docker('tag', first, second);
    expect(
      (await ok(A, `mutation { imageRemove(ref: "${second}") { untagged deleted } }`)).imageRemove,
    ).toEqual({
      untagged: [second],
      deleted: [],
    });
    expect(await docker('inspect', '-f', '{{.Id}}', first)).toBe(twiceId);
    await docker('rm', base);
  });

  it('prunes only a tenant’s own stopped containers, unused networks and volumes', async () => {
    const made: Record<string, { container: string; network: string; volume: string }> = {};
    const ids: Record<string, string> = {};
    for (const [who, token] of [
      ['a', A],
      ['b', B],
    ] as const) {
      const names = {
        container: scope.name(`pruned-${who}`),
        network: scope.name(`pruned-net-${who}`),
        volume: scope.name(`pruned-vol-${who}`),
      };
      ids[who] = await createContainer(token, names.container);
      await ok(token, `mutation { networkCreate(input: { name: "${names.network}" }) { id } }`);
      await ok(token, `mutation { volumeCreate(input: { name: "${names.volume}" }) { name } }`);
      made[who] = names;
    }
    // Shared objects (no tenant label) stay too.
    const shared = {
      container: scope.name('pruned-shared'),
      network: scope.name('pruned-net-shared'),
      volume: scope.name('pruned-vol-shared'),
    };
    ids.shared = await docker(
      'create',
      ...scope.labelArgs,
      '--name',
      shared.container,
      FIXTURE_IMAGE,
    );
    await docker('network', 'create', ...scope.labelArgs, shared.network);
    await docker('volume', 'create', ...scope.labelArgs, shared.volume);

    const pruned = await ok(
      A,
      `mutation { containersPrune { containersDeleted }
                  networksPrune { deleted }
                  volumesPrune { deleted } }`,
    );
    const own = made.a as (typeof made)['a'];
    const others = [made.b as (typeof made)['b'], shared];
    const deleted = {
      containers: (pruned.containersPrune as { containersDeleted: string[] }).containersDeleted,
      networks: (pruned.networksPrune as { deleted: string[] }).deleted,
      volumes: (pruned.volumesPrune as { deleted: string[] }).deleted,
    };
    // Everything pruned is A's (earlier tests left some of its stopped containers and volumes).
    expect(deleted.containers).toContain(ids.a);
    expect(deleted.networks).toContain(own.network);
    expect(deleted.volumes).toContain(own.volume);
    expect(deleted.containers).not.toContain(ids.b);
    expect(deleted.containers).not.toContain(ids.shared);
    for (const name of deleted.networks) expect(others.map((o) => o.network)).not.toContain(name);
    for (const name of deleted.volumes) expect(others.map((o) => o.volume)).not.toContain(name);
    expect(await exists('container', own.container)).toBe(false);
    expect(await exists('volume', own.volume)).toBe(false);
    expect(await docker('network', 'ls', '-q', '--filter', `name=^${own.network}$`)).toBe('');
    for (const names of others) {
      expect(await exists('container', names.container), names.container).toBe(true);
      expect(await exists('volume', names.volume), names.volume).toBe(true);
      expect(await docker('network', 'ls', '-q', '--filter', `name=^${names.network}$`)).not.toBe(
        '',
      );
    }
  });
});
