import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerJson, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** What `docker image inspect` says; the ground truth every field is compared with. */
interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Created: string;
  Size: number;
  Architecture: string;
  Os: string;
  Variant?: string;
  Config: { Labels: Record<string, string> | null } | null;
}

interface ImageNode {
  id: string;
  dockerId: string;
  shortId: string;
  tags: string[];
  size: number;
  createdAt: string;
  labels: { key: string; value: string }[];
  label: string | null;
  missing: string | null;
}

interface Edges<T> {
  edges: { node: T }[];
}

const scope = testScope('images');
/** Image repos must be lowercase; the scope's run id is. */
const repo = `wharf-${scope.run}-img`;
const tagged = `${repo}:v1`;
const extraTag = `${repo}:v2`;
const KIND = 'org.wharf.kind';

let gateway: TestGateway;
/** Committed from a labelled container, so it carries the scope label; tagged v1 and v2. */
let ownId: string;
/** Committed without a tag: dangling, also labelled. */
let danglingId: string;
/** Two containers from the own image, one from the fixture. */
let fromOwn: string[];
let fromFixture: string;

async function inspect(ref: string): Promise<ImageInspect> {
  const [image] = await dockerJson<ImageInspect[]>('image', 'inspect', ref);
  if (!image) throw new Error(`docker image inspect ${ref} answered nothing`);
  return image;
}

/** `docker images -q --no-trunc` with filters, as a set of full ids. */
async function cliImageIds(...filters: string[]): Promise<Set<string>> {
  const out = await docker(
    'images',
    '-q',
    '--no-trunc',
    ...filters.flatMap((filter) => ['--filter', filter]),
  );
  return new Set(out ? out.split('\n') : []);
}

function sorted(values: readonly string[] | null | undefined): string[] {
  return [...(values ?? [])].sort();
}

function labelsOf(map: Record<string, string> | null | undefined) {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function seconds(date: string): number {
  const ms = Date.parse(date);
  expect(Number.isNaN(ms), `${date} is a date`).toBe(false);
  return Math.floor(ms / 1000);
}

function globalId(typename: string, key: string): string {
  return Buffer.from(`${typename}:${key}`).toString('base64');
}

beforeAll(async () => {
  gateway = await startGateway();
  const base = scope.name('base');
  await docker('create', ...scope.labelArgs, '--name', base, FIXTURE_IMAGE, 'sleep', '300');
  ownId = await docker('commit', '--change', `LABEL ${KIND}=tagged`, base, tagged);
  await docker('tag', tagged, extraTag);
  danglingId = await docker('commit', '--change', `LABEL ${KIND}=dangling`, base);
  fromOwn = [];
  for (const hint of ['own-a', 'own-b']) {
    fromOwn.push(
      await docker(
        'create',
        ...scope.labelArgs,
        '--name',
        scope.name(hint),
        tagged,
        'sleep',
        '300',
      ),
    );
  }
  fromFixture = await docker(
    'create',
    ...scope.labelArgs,
    '--name',
    scope.name('fixture'),
    FIXTURE_IMAGE,
    'sleep',
    '300',
  );
});

afterAll(async () => {
  await docker('rmi', extraTag).catch(() => undefined);
  await scope.cleanup();
  await gateway?.stop();
});

describe('images', () => {
  const LIST = `query {
    images {
      edges {
        node {
          id dockerId shortId tags size createdAt
          labels { key value }
          label(key: "org.wharf.fixture")
          missing: label(key: "org.wharf.no-such-label")
        }
      }
    }
  }`;

  it('lists the fixture with the id, tags, size, creation time and labels inspect shows', async () => {
    const { images } = await gateway.data<{ images: Edges<ImageNode> }>(LIST);
    const truth = await inspect(FIXTURE_IMAGE);
    const node = images.edges.map((e) => e.node).find((n) => n.dockerId === truth.Id);
    expect(node, `fixture ${truth.Id} is listed`).toBeDefined();
    if (!node) return;
    expect(node.dockerId).toBe(await docker('image', 'inspect', '-f', '{{.Id}}', FIXTURE_IMAGE));
    expect(node.shortId).toBe(truth.Id.replace(/^sha256:/, '').slice(0, 12));
    expect(sorted(node.tags)).toEqual(sorted(truth.RepoTags));
    expect(node.tags).toContain(FIXTURE_IMAGE);
    expect(node.size).toBe(truth.Size);
    expect(seconds(node.createdAt)).toBe(seconds(truth.Created));
    expect(node.labels).toEqual(labelsOf(truth.Config?.Labels));
    expect(node.labels).toContainEqual({ key: 'org.wharf.fixture', value: 'true' });
    expect(node.label).toBe('true');
    expect(node.missing).toBeNull();
  });

  it('lists the images of this scope, the tagged one with both tags and the dangling one with none', async () => {
    const { images } = await gateway.data<{ images: Edges<ImageNode> }>(LIST);
    const nodes = new Map(images.edges.map((e) => [e.node.dockerId, e.node]));
    const own = nodes.get(ownId);
    const dangling = nodes.get(danglingId);
    expect(own, 'own tagged image listed').toBeDefined();
    expect(dangling, 'own dangling image listed').toBeDefined();
    expect(sorted(own?.tags)).toEqual(sorted([tagged, extraTag]));
    expect(sorted(own?.tags)).toEqual(sorted((await inspect(ownId)).RepoTags));
    expect(dangling?.tags).toEqual([]);
    // Committed from a labelled container: the scope label and the fixture's label are inherited.
    const [key, value] = scope.label.split('=') as [string, string];
    expect(own?.labels).toEqual(labelsOf((await inspect(ownId)).Config?.Labels));
    expect(own?.labels).toContainEqual({ key, value });
    expect(own?.labels).toContainEqual({ key: KIND, value: 'tagged' });
    expect(dangling?.labels).toContainEqual({ key: KIND, value: 'dangling' });
  });

  it('answers label(key:) per image', async () => {
    const { images } = await gateway.data<{
      images: Edges<{ dockerId: string; kind: string | null; fixture: string | null }>;
    }>(
      `query($filter: ImageFilter) {
        images(filter: $filter) {
          edges { node { dockerId kind: label(key: "${KIND}") fixture: label(key: "org.wharf.fixture") } }
        }
      }`,
      { filter: { label: [scope.label] } },
    );
    const byId = new Map(images.edges.map((e) => [e.node.dockerId, e.node]));
    expect(byId.get(ownId)).toEqual({ dockerId: ownId, kind: 'tagged', fixture: 'true' });
    expect(byId.get(danglingId)).toEqual({
      dockerId: danglingId,
      kind: 'dangling',
      fixture: 'true',
    });
  });
});

describe('image(ref:)', () => {
  const ONE = `query($ref: String!) {
    image(ref: $ref) { id dockerId tags size createdAt architecture os variant labels { key value } }
  }`;
  interface One {
    image: {
      id: string;
      dockerId: string;
      tags: string[];
      size: number;
      createdAt: string;
      architecture: string;
      os: string;
      variant: string | null;
      labels: { key: string; value: string }[];
    } | null;
  }

  it('finds an image by full id', async () => {
    const { image } = await gateway.data<One>(ONE, { ref: ownId });
    const truth = await inspect(ownId);
    expect(image?.dockerId).toBe(truth.Id);
    expect(sorted(image?.tags)).toEqual(sorted(truth.RepoTags));
    expect(image?.size).toBe(truth.Size);
    expect(seconds(image?.createdAt ?? '')).toBe(seconds(truth.Created));
    expect(image?.labels).toEqual(labelsOf(truth.Config?.Labels));
  });

  it('finds an image by a 12-hex id prefix, as the engine does', async () => {
    for (const id of [ownId, danglingId]) {
      const prefix = id.replace(/^sha256:/, '').slice(0, 12);
      expect(await docker('image', 'inspect', '-f', '{{.Id}}', prefix)).toBe(id);
      const { image } = await gateway.data<One>(ONE, { ref: prefix });
      expect(image?.dockerId).toBe(id);
    }
  });

  it('agrees with the engine on `sha256:` + a 12-hex prefix', async () => {
    const ref = `sha256:${ownId.replace(/^sha256:/, '').slice(0, 12)}`;
    const engine = await docker('image', 'inspect', '-f', '{{.Id}}', ref).catch(() => null);
    // Engine 20.10 accepts a `sha256:`-qualified prefix and resolves it like a bare prefix.
    expect(engine).toBe(ownId);
    const result = await gateway.query<One>(ONE, { ref });
    expect(result.errors).toBeUndefined();
    expect(result.data?.image?.dockerId ?? null).toBe(engine);
  });

  it('finds an image by repo:tag, with every tag it carries', async () => {
    for (const ref of [tagged, extraTag]) {
      const { image } = await gateway.data<One>(ONE, { ref });
      expect(image?.dockerId).toBe(ownId);
      expect(sorted(image?.tags)).toEqual(sorted([tagged, extraTag]));
    }
    const { image } = await gateway.data<One>(ONE, { ref: FIXTURE_IMAGE });
    expect(image?.dockerId).toBe((await inspect(FIXTURE_IMAGE)).Id);
  });

  it('answers null, without an error, for a well-formed ref that names nothing', async () => {
    for (const ref of [`${repo}-absent:latest`, `sha256:${'0'.repeat(64)}`, '0'.repeat(64)]) {
      await expect(docker('image', 'inspect', ref)).rejects.toThrow(/No such image/i);
      const result = await gateway.query<One>(ONE, { ref });
      expect(result.errors, ref).toBeUndefined();
      expect(result.data).toEqual({ image: null });
    }
  });

  it('rejects a malformed ref with BAD_USER_INPUT before asking the engine', async () => {
    for (const ref of ['../x', 'a b', 'x/../../containers/json', '']) {
      const { result, calls } = await gateway.countCalls(() => gateway.query<One>(ONE, { ref }));
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(ref)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.path).toEqual(['image']);
      expect(result.data?.image ?? null).toBeNull();
      expect(calls).toEqual([]);
    }
  });

  it('passes on, as BAD_USER_INPUT, refs the engine itself finds malformed', async () => {
    for (const ref of ['a:b:c', 'Wharf-Fixture:busybox', `${FIXTURE_IMAGE}:`]) {
      await expect(docker('image', 'inspect', ref), ref).rejects.toThrow(/invalid reference/i);
      const result = await gateway.query<One>(ONE, { ref });
      expect(
        result.errors?.map((e) => e.extensions?.code),
        ref,
      ).toEqual(['BAD_USER_INPUT']);
      expect(result.data).toEqual({ image: null });
    }
  });

  it('reports architecture, os and variant as inspect does', async () => {
    for (const ref of [FIXTURE_IMAGE, tagged, danglingId]) {
      const { image } = await gateway.data<One>(ONE, { ref });
      const truth = await inspect(ref);
      expect(image?.architecture).toBe(truth.Architecture);
      expect(image?.os).toBe(truth.Os);
      expect(image?.variant).toBe(truth.Variant || null);
    }
  });

  it('reports the history `docker history` shows, newest first', async () => {
    for (const ref of [tagged, FIXTURE_IMAGE]) {
      const { image } = await gateway.data<{
        image: {
          history: {
            layerId: string | null;
            createdBy: string;
            createdAt: string;
            comment: string;
          }[];
        } | null;
      }>(
        `query($ref: String!) { image(ref: $ref) { history { layerId createdBy createdAt comment } } }`,
        { ref },
      );
      const lines = (await docker('history', '--no-trunc', '--format', '{{json .}}', ref))
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as {
              ID: string;
              CreatedBy: string;
              CreatedAt: string;
              Comment: string;
            },
        );
      const history = image?.history ?? [];
      expect(history).toHaveLength(lines.length);
      expect(history.map((h) => h.createdBy)).toEqual(lines.map((l) => l.CreatedBy));
      expect(history.map((h) => h.comment)).toEqual(lines.map((l) => l.Comment));
      expect(history.map((h) => h.layerId)).toEqual(
        lines.map((l) => (l.ID === '<missing>' ? null : l.ID)),
      );
      expect(history.map((h) => seconds(h.createdAt))).toEqual(
        lines.map((l) => seconds(l.CreatedAt)),
      );
    }
    // The own image's newest step is the commit of a container whose command was `sleep 300`.
    const { image } = await gateway.data<{ image: { history: { createdBy: string }[] } }>(
      `query($ref: String!) { image(ref: $ref) { history { createdBy } } }`,
      { ref: tagged },
    );
    expect(image.history[0]?.createdBy).toBe('sleep 300');
  });

  it('lists exactly the containers created from the image', async () => {
    const query = `query($ref: String!) { image(ref: $ref) { containers { dockerId name imageRef } } }`;
    type Q = { image: { containers: { dockerId: string; name: string; imageRef: string }[] } };
    const own = await gateway.data<Q>(query, { ref: tagged });
    const ownIds = own.image.containers.map((c) => c.dockerId);
    expect(sorted(ownIds)).toEqual(sorted(fromOwn));
    expect(ownIds).not.toContain(fromFixture);
    const truth = await docker('ps', '-aq', '--no-trunc', '--filter', `ancestor=${ownId}`);
    expect(sorted(ownIds)).toEqual(sorted(truth.split('\n')));
    for (const container of own.image.containers) expect(container.imageRef).toBe(tagged);

    const fixture = await gateway.data<Q>(query, { ref: FIXTURE_IMAGE });
    const fixtureIds = fixture.image.containers.map((c) => c.dockerId);
    expect(fixtureIds).toContain(fromFixture);
    for (const id of fromOwn) expect(fixtureIds).not.toContain(id);

    const dangling = await gateway.data<Q>(query, { ref: danglingId });
    expect(dangling.image.containers).toEqual([]);
  });

  it('round-trips through node(id:)', async () => {
    const { image } = await gateway.data<One>(ONE, { ref: tagged });
    const id = image?.id ?? '';
    const { node } = await gateway.data<{ node: { __typename: string; dockerId?: string } | null }>(
      `query($id: ID!) { node(id: $id) { __typename ... on Image { dockerId } } }`,
      { id },
    );
    expect(node).toEqual({ __typename: 'Image', dockerId: ownId });

    // Same shape, an image that does not exist: null, no error.
    const decoded = Buffer.from(id, 'base64').toString('utf8');
    expect(decoded.endsWith(ownId)).toBe(true);
    const unknown = globalId(
      'Image',
      decoded.replace(/^Image:/, '').replace(ownId, `sha256:${'0'.repeat(64)}`),
    );
    const result = await gateway.query<{ node: unknown }>(
      `query($id: ID!) { node(id: $id) { __typename ... on Image { dockerId } } }`,
      { id: unknown },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ node: null });
  });
});

describe('ImageFilter', () => {
  const FILTERED = `query($filter: ImageFilter) {
    images(filter: $filter) { edges { node { dockerId tags } } }
  }`;
  async function wharfIds(filter: Record<string, unknown>): Promise<Set<string>> {
    const { images } = await gateway.data<{ images: Edges<{ dockerId: string }> }>(FILTERED, {
      filter,
    });
    return new Set(images.edges.map((e) => e.node.dockerId));
  }

  it('reference matches as `docker images --filter reference=` does', async () => {
    for (const reference of [repo, extraTag, `wharf-${scope.run}-*:v1`]) {
      const truth = await cliImageIds(`reference=${reference}`);
      expect(truth).toEqual(new Set([ownId]));
      expect(await wharfIds({ reference: [reference] })).toEqual(truth);
    }
    expect(await wharfIds({ reference: [`${repo}:nope`] })).toEqual(new Set());
  });

  it('label matches as `docker images --filter label=` does', async () => {
    const truth = await cliImageIds(`label=${scope.label}`);
    expect(truth).toEqual(new Set([ownId, danglingId]));
    expect(await wharfIds({ label: [scope.label] })).toEqual(truth);

    const both = await cliImageIds(`label=${scope.label}`, `label=${KIND}=dangling`);
    expect(both).toEqual(new Set([danglingId]));
    expect(await wharfIds({ label: [scope.label, `${KIND}=dangling`] })).toEqual(both);
  });

  it('dangling matches as `docker images --filter dangling=` does', async () => {
    const dangling = await cliImageIds('dangling=true', `label=${scope.label}`);
    expect(dangling).toEqual(new Set([danglingId]));
    expect(await wharfIds({ dangling: true, label: [scope.label] })).toEqual(dangling);

    const tagged = await cliImageIds('dangling=false', `label=${scope.label}`);
    expect(tagged).toEqual(new Set([ownId]));
    expect(await wharfIds({ dangling: false, label: [scope.label] })).toEqual(tagged);
  });

  it('rejects a label filter without a key as BAD_USER_INPUT', async () => {
    const result = await gateway.query(FILTERED, { filter: { label: ['=x'] } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('engine calls', () => {
  const LIST_ONLY = `query($filter: ImageFilter) {
    images(filter: $filter) { edges { node { dockerId tags size labels { key value } } } }
  }`;
  const WITH_ARCH = `query($filter: ImageFilter) {
    images(filter: $filter) { edges { node { dockerId tags size labels { key value } architecture } } }
  }`;
  const WITH_CONTAINERS = `query($filter: ImageFilter) {
    images(filter: $filter) { edges { node { dockerId containers { name } } } }
  }`;
  type List = { images: Edges<{ dockerId: string }> };
  const scoped = () => ({ label: [scope.label] });

  it('list fields cost exactly one image list call (none with the cache)', async () => {
    for (const filter of [undefined, scoped()]) {
      const { calls } = await gateway.countCalls(() => gateway.data<List>(LIST_ONLY, { filter }));
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(
        gateway.cache ? [] : [expect.stringMatching(/^GET \/v1\.\d+\/images\/json(\?|$)/)],
      );
    }
  });

  it('architecture costs one inspect per listed image (none with the cache)', async () => {
    // Scoped: an unscoped list could hold an image another test file removes before its inspect.
    const { result, calls } = await gateway.countCalls(() =>
      gateway.data<List>(WITH_ARCH, { filter: scoped() }),
    );
    const ids = result.images.edges.map((e) => e.node.dockerId);
    expect(new Set(ids)).toEqual(new Set([ownId, danglingId]));
    if (gateway.cache) return expect(calls).toEqual([]);
    expect(calls).toHaveLength(1 + ids.length);
    expect(calls[0]?.path).toMatch(/^\/v1\.\d+\/images\/json(\?|$)/);
    const inspected = calls
      .slice(1)
      .map((c) => /\/images\/([^/]+)\/json$/.exec(c.path)?.[1])
      .sort();
    expect(inspected).toEqual([...ids].sort());
  });

  it('containers of every listed image cost exactly two calls in all (none with the cache)', async () => {
    for (const filter of [undefined, scoped()]) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.data<List>(WITH_CONTAINERS, { filter }),
      );
      expect(result.images.edges.length).toBeGreaterThan(filter ? 1 : 2);
      if (gateway.cache) {
        expect(calls).toEqual([]);
        continue;
      }
      expect(calls).toHaveLength(2);
      expect(calls.map((c) => c.path)).toEqual([
        expect.stringMatching(/^\/v1\.\d+\/images\/json(\?|$)/),
        expect.stringMatching(/^\/v1\.\d+\/containers\/json(\?|$)/),
      ]);
    }
  });
});
