import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Registry, startRegistry } from '../helpers/registry.ts';

interface ImageFields {
  dockerId: string;
  tags: string[];
  digests: string[];
}

const FIELDS = 'dockerId tags digests';
const PULL = `mutation($ref: String!, $platform: String) {
  imagePull(ref: $ref, platform: $platform) { ${FIELDS} }
}`;
const TAG = `mutation($ref: String!, $repo: String!, $tag: String) {
  imageTag(ref: $ref, repo: $repo, tag: $tag) { ${FIELDS} }
}`;
const REMOVE = `mutation($ref: String!, $force: Boolean, $noPrune: Boolean) {
  imageRemove(ref: $ref, force: $force, noPrune: $noPrune) { untagged deleted }
}`;
const PRUNE = `mutation($dangling: Boolean, $filter: PruneFilter) {
  imagesPrune(dangling: $dangling, filter: $filter) { deleted spaceReclaimed }
}`;

const scope = testScope('image-mutations');
const ROLE = 'org.wharf.role';
const REPO = `wharf-mut-${scope.run}`;
const MB = 'x'.repeat(1_000_000);

let gateway: TestGateway;
let registry: Registry;
/** A stopped container of the fixture, labelled: images are committed from it. */
let source: string;
/** References pulled from the registry: tags on the fixture image, removed at the end. */
const pulled: string[] = [];
/** Images of this file without the scope label (prune survivors): removed by id at the end. */
const strays: string[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  registry = await startRegistry();
  source = await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
});

afterAll(async () => {
  for (const ref of pulled) await docker('rmi', ref).catch(() => undefined);
  await scope.cleanup();
  for (const id of strays) await docker('rmi', '-f', id).catch(() => undefined);
  await registry?.stop();
  await gateway?.stop();
});

/**
 * A new image of its own id: committed from `from` (which carries the scope label, so the image
 * does too unless `labels` overrides it), tagged `ref` or left untagged (dangling).
 */
async function commit(ref?: string, labels: string[] = [], from = source): Promise<string> {
  return docker(
    'commit',
    ...labels.flatMap((label) => ['--change', `LABEL ${label}`]),
    from,
    ...(ref ? [ref] : []),
  );
}

/** This file's images with their references, as the engine lists them. */
async function ourImages(): Promise<string[]> {
  const out = await docker(
    'images',
    '-a',
    '--no-trunc',
    '--filter',
    `label=${scope.label}`,
    '--format',
    '{{.ID}} {{.Repository}}:{{.Tag}}',
  );
  return out ? out.split('\n').sort() : [];
}

async function imageId(ref: string): Promise<string> {
  return docker('image', 'inspect', '-f', '{{.Id}}', ref);
}

async function attempt(document: string, variables: Record<string, unknown>) {
  const { result, calls } = await gateway.countCalls(() => gateway.query(document, variables));
  return { result, calls, code: result.errors?.[0]?.extensions?.code };
}

describe('imagePull (mutation)', () => {
  it('pulls from a registry and answers the image once the pull is complete', async () => {
    const ref = await registry.push(FIXTURE_IMAGE, `${REPO}:v1`);
    pulled.push(ref);
    await expect(docker('image', 'inspect', ref)).rejects.toThrow(/no such image/i);
    const { imagePull } = await gateway.data<{ imagePull: ImageFields }>(PULL, { ref });
    expect(imagePull.dockerId).toBe(await imageId(ref));
    expect(imagePull.dockerId).toBe(await imageId(FIXTURE_IMAGE));
    expect(imagePull.tags).toContain(ref);
    expect(imagePull.digests).toContainEqual(
      expect.stringMatching(new RegExp(`^${registry.address}/${REPO}@sha256:[0-9a-f]{64}$`)),
    );
  });

  it('answers PULL_FAILED for a tag the registry does not have', async () => {
    const ref = `${registry.address}/${REPO}:missing`;
    const { code } = await attempt(PULL, { ref });
    expect(code).toBe('PULL_FAILED');
    await expect(docker('image', 'inspect', ref)).rejects.toThrow(/no such image/i);
  });

  it('answers BAD_USER_INPUT for a malformed ref or platform, before any engine call', async () => {
    const ref = `${registry.address}/${REPO}:v1`;
    for (const variables of [
      { ref: '' },
      { ref: '../images/json' },
      { ref: 'a b' },
      { ref: 'busybox\u0000' },
      { ref: MB },
      { ref, platform: 'linux/amd64/v8/x' },
      { ref, platform: 'linux\u0001' },
      { ref, platform: MB },
    ]) {
      const { code, calls } = await attempt(PULL, variables);
      expect(code, JSON.stringify(variables).slice(0, 80)).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
  });
});

describe('imageTag', () => {
  let id: string;
  const src = `${REPO}:src`;

  beforeAll(async () => {
    id = await commit(src);
  });

  it('adds repo:tag to the image', async () => {
    const { imageTag } = await gateway.data<{ imageTag: ImageFields }>(TAG, {
      ref: src,
      repo: REPO,
      tag: 'copy',
    });
    expect(imageTag.dockerId).toBe(id);
    expect([...imageTag.tags].sort()).toEqual([`${REPO}:copy`, src]);
    expect(await imageId(`${REPO}:copy`)).toBe(id);
  });

  it('tags latest by default, by id, and takes a registry host and path', async () => {
    const first = await gateway.data<{ imageTag: ImageFields }>(TAG, {
      ref: id,
      repo: `${REPO}-b`,
    });
    expect(first.imageTag.tags).toContain(`${REPO}-b:latest`);
    expect(await imageId(`${REPO}-b:latest`)).toBe(id);
    const remote = `localhost:5999/team/${REPO}`;
    const second = await gateway.data<{ imageTag: ImageFields }>(TAG, {
      ref: id.slice(7, 19),
      repo: remote,
      tag: 'v1.0_rc-1',
    });
    expect(second.imageTag.tags).toContain(`${remote}:v1.0_rc-1`);
    expect(await imageId(`${remote}:v1.0_rc-1`)).toBe(id);
  });

  it('answers NOT_FOUND for an image that does not exist, tagging nothing', async () => {
    const before = await ourImages();
    const { code } = await attempt(TAG, { ref: `${REPO}:none`, repo: REPO, tag: 'x' });
    expect(code).toBe('NOT_FOUND');
    expect(await ourImages()).toEqual(before);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['an empty ref', { ref: '' }],
    ['a ref with a path', { ref: '../x' }],
    ['a 1 MB ref', { ref: MB }],
    ['an empty repo', { repo: '' }],
    ['an uppercase repo', { repo: 'Wharf' }],
    ['a repo with a tag', { repo: `${REPO}:x` }],
    ['a repo with a digest', { repo: `${REPO}@sha256:${'0'.repeat(64)}` }],
    ['a repo with a control character', { repo: `${REPO}\u0007` }],
    ['a 1 MB repo', { repo: MB }],
    ['an empty tag', { tag: '' }],
    ['a tag starting with a dash', { tag: '-x' }],
    ['a tag with a colon', { tag: 'a:b' }],
    ['a tag with a control character', { tag: 'v1\n' }],
    ['a 1 MB tag', { tag: MB }],
  ];
  for (const [what, change] of bad) {
    it(`answers BAD_USER_INPUT for ${what}, before any engine call`, async () => {
      const before = await ourImages();
      const { code, calls } = await attempt(TAG, { ref: src, repo: REPO, tag: 'bad', ...change });
      expect(code).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
      expect(await ourImages()).toEqual(before);
    });
  }
});

describe('imageRemove', () => {
  it('untags one of two references, and deletes the image with the last', async () => {
    const id = await commit(`${REPO}:rm1`);
    await docker('tag', id, `${REPO}:rm2`);
    const first = await gateway.data<{ imageRemove: unknown }>(REMOVE, { ref: `${REPO}:rm2` });
    expect(first.imageRemove).toEqual({ untagged: [`${REPO}:rm2`], deleted: [] });
    expect(await imageId(`${REPO}:rm1`)).toBe(id);
    const last = await gateway.data<{ imageRemove: unknown }>(REMOVE, { ref: `${REPO}:rm1` });
    expect(last.imageRemove).toEqual({ untagged: [`${REPO}:rm1`], deleted: [id] });
    await expect(docker('image', 'inspect', id)).rejects.toThrow(/no such image/i);
  });

  it('answers CONFLICT without force for an image a container uses; nothing changes', async () => {
    const id = await commit(`${REPO}:used`);
    await docker('create', ...scope.labelArgs, `${REPO}:used`, 'true');
    const before = await ourImages();
    for (const ref of [`${REPO}:used`, id]) {
      const { code } = await attempt(REMOVE, { ref });
      expect(code, ref).toBe('CONFLICT');
    }
    expect(await ourImages()).toEqual(before);
    expect(await imageId(`${REPO}:used`)).toBe(id);
  });

  it('answers CONFLICT for an id with several references, and removes them all with force', async () => {
    const id = await commit(`${REPO}:multi1`);
    await docker('tag', id, `${REPO}:multi2`);
    const before = await ourImages();
    expect((await attempt(REMOVE, { ref: id })).code).toBe('CONFLICT');
    expect(await ourImages()).toEqual(before);
    const { imageRemove } = await gateway.data<{
      imageRemove: { untagged: string[]; deleted: string[] };
    }>(REMOVE, { ref: id, force: true });
    expect([...imageRemove.untagged].sort()).toEqual([`${REPO}:multi1`, `${REPO}:multi2`]);
    expect(imageRemove.deleted).toEqual([id]);
    await expect(docker('image', 'inspect', id)).rejects.toThrow(/no such image/i);
  });

  /** An untagged parent and a tagged child committed from a container of it. */
  async function family(hint: string) {
    const parent = await commit();
    const container = await docker('create', ...scope.labelArgs, parent, 'true');
    const child = await commit(`${REPO}:${hint}`, [], container);
    await docker('rm', container);
    return { parent, child };
  }

  it('deletes untagged parents, unless noPrune', async () => {
    const kept = await family('child-a');
    const withParent = await gateway.data<{ imageRemove: unknown }>(REMOVE, {
      ref: `${REPO}:child-a`,
      noPrune: true,
    });
    expect(withParent.imageRemove).toEqual({
      untagged: [`${REPO}:child-a`],
      deleted: [kept.child],
    });
    expect(await imageId(kept.parent)).toBe(kept.parent);

    const pruned = await family('child-b');
    const withoutParent = await gateway.data<{ imageRemove: unknown }>(REMOVE, {
      ref: `${REPO}:child-b`,
    });
    expect(withoutParent.imageRemove).toEqual({
      untagged: [`${REPO}:child-b`],
      deleted: [pruned.child, pruned.parent],
    });
    await expect(docker('image', 'inspect', pruned.parent)).rejects.toThrow(/no such image/i);
  });

  it('answers NOT_FOUND for an unknown image and BAD_USER_INPUT for a malformed ref', async () => {
    const before = await ourImages();
    expect((await attempt(REMOVE, { ref: `${REPO}:none` })).code).toBe('NOT_FOUND');
    for (const ref of ['', '../x', 'a b', `${REPO}\u0001`, MB]) {
      const { code, calls } = await attempt(REMOVE, { ref, force: true });
      expect(code, ref.slice(0, 20)).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourImages()).toEqual(before);
  });
});

describe('imagesPrune', () => {
  const PRUNABLE = `${ROLE}=prune-${scope.run}`;
  const filter = { label: [scope.label, PRUNABLE] };
  type Prune = { imagesPrune: { deleted: string[]; spaceReclaimed: number } };

  it('removes only unused images the label filter matches: dangling ones, then tagged ones too', async () => {
    const dangling = [await commit(undefined, [PRUNABLE]), await commit(undefined, [PRUNABLE])];
    const tagged = await commit(`${REPO}:prunable`, [PRUNABLE]);
    const used = await commit(undefined, [PRUNABLE]);
    await docker('create', ...scope.labelArgs, used, 'true');
    // Not ours by the scope label, prunable by role: the scope label must keep it.
    const survivor = await commit(undefined, [`${TEST_LABEL}=${scope.run}-keep`, PRUNABLE]);
    strays.push(survivor);
    const before = await ourImages();

    const first = await gateway.data<Prune>(PRUNE, { filter });
    expect([...first.imagesPrune.deleted].sort()).toEqual([...dangling].sort());
    expect(first.imagesPrune.spaceReclaimed).toBeGreaterThanOrEqual(0);
    const gone = (id: string) => (line: string) => line.startsWith(`${id} `);
    expect(await ourImages()).toEqual(
      before.filter((line) => !dangling.some((id) => gone(id)(line))),
    );

    const second = await gateway.data<Prune>(PRUNE, { dangling: false, filter });
    expect(second.imagesPrune.deleted).toEqual([tagged]);
    for (const id of [...dangling, tagged]) {
      await expect(docker('image', 'inspect', id)).rejects.toThrow(/no such image/i);
    }
    expect(await imageId(used)).toBe(used);
    expect(await imageId(survivor)).toBe(survivor);
  });

  it('honours until: nothing of ours was created before 2001', async () => {
    const id = await commit(undefined, [PRUNABLE]);
    const { imagesPrune } = await gateway.data<Prune>(PRUNE, {
      filter: { ...filter, until: '2001-01-01T00:00:00Z' },
    });
    expect(imagesPrune.deleted).toEqual([]);
    expect(await imageId(id)).toBe(id);
  });

  it('answers BAD_USER_INPUT for a malformed filter, before any engine call', async () => {
    const before = await ourImages();
    for (const bad of [
      { ...filter, until: 'yesterday' },
      { label: ['=x'] },
      { label: [`${scope.label}\u0001`] },
      { label: [MB] },
    ]) {
      const { code, calls } = await attempt(PRUNE, { filter: bad });
      expect(code).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
    expect(await ourImages()).toEqual(before);
  });
});
