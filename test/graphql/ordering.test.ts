import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * `orderBy` on the lists: containers whose names sort otherwise than their creation, paged two at
 * a time under each order, with keyset cursors that hold their place when containers come and go.
 */
const scope = testScope('ordering');
let gateway: TestGateway;

interface Order {
  field: string;
  direction: string;
}
interface Page {
  containers: {
    totalCount: number;
    edges: { cursor: string; node: { name: string; dockerId: string; engine: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const LIST = `query ($label: String!, $orderBy: ContainerOrder, $first: Int, $after: String, $engines: [String!]) {
  containers(all: true, filter: { label: [$label] }, orderBy: $orderBy, first: $first, after: $after, engines: $engines) {
    totalCount
    edges { cursor node { name dockerId engine } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Created in this order; by name they sort alpha, bravo, charlie, delta. */
const HINTS = ['delta', 'alpha', 'charlie', 'bravo'];
const names = new Map(HINTS.map((hint) => [hint, scope.name(hint)]));
const nameOf = (hint: string) => names.get(hint) as string;

const create = (name: string) =>
  docker('create', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'sleep', '300');

/** Code-unit order, as the gateway promises (not localeCompare). */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function page(variables: Record<string, unknown>) {
  const result = await gateway.query<Page>(LIST, { label: scope.label, ...variables });
  expect(result.errors).toBeUndefined();
  return result.data?.containers as Page['containers'];
}

/** Every page of two under `orderBy`, following endCursor; `between` runs after each page. */
async function pages(orderBy: Order | undefined, between: () => Promise<void> = async () => {}) {
  const seen: string[][] = [];
  let after: string | null = null;
  for (let count = 0; count < 10; count++) {
    const { edges, pageInfo } = await page({ orderBy, first: 2, after });
    seen.push(edges.map((edge) => edge.node.name));
    if (!pageInfo.hasNextPage) return seen;
    after = pageInfo.endCursor;
    await between();
  }
  throw new Error('more than 10 pages');
}

/** The label's containers as `docker ps -a` lists them: newest first. */
async function dockerPs() {
  const out = await docker(
    'ps',
    '-a',
    '--filter',
    `label=${scope.label}`,
    '--format',
    '{{.Names}}',
  );
  return out.split('\n');
}

beforeAll(async () => {
  gateway = await startGateway();
  for (const hint of HINTS) await create(nameOf(hint));
});

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

describe('containers in orderBy', () => {
  it('keeps newest first, as docker ps lists them, when no order is asked', async () => {
    const newest = await dockerPs();
    expect((await pages(undefined)).flat()).toEqual(newest);
    expect(
      (await pages({ field: 'CREATED', direction: 'DESC' })).flat(),
      'the default spelled out',
    ).toEqual(newest);
  });

  it('pages by name both ways and by creation oldest first, two at a time', async () => {
    const sorted = HINTS.map(nameOf).sort(byCodeUnit);
    const ascending = await pages({ field: 'NAME', direction: 'ASC' });
    expect(ascending).toEqual([sorted.slice(0, 2), sorted.slice(2, 4)]);
    expect(ascending.flat().map((name) => HINTS.find((hint) => name === nameOf(hint)))).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
    ]);
    expect((await pages({ field: 'NAME', direction: 'DESC' })).flat()).toEqual(
      [...sorted].reverse(),
    );
    // Created within the same second or not, oldest first is the creation order (the engine's
    // own order breaks ties finer than the list's seconds).
    expect((await pages({ field: 'CREATED', direction: 'ASC' })).flat()).toEqual(
      (await dockerPs()).reverse(),
    );
    expect((await pages({ field: 'CREATED', direction: 'ASC' })).flat()).toEqual(HINTS.map(nameOf));
  });

  it('orders by state, ties by creation time', async () => {
    const running = scope.name('running');
    await docker('run', '-d', ...scope.labelArgs, '--name', running, FIXTURE_IMAGE, 'sleep', '300');
    try {
      const { edges } = await page({ orderBy: { field: 'STATE', direction: 'DESC' } });
      // `running` sorts after `created`; the created ones newest first under DESC.
      expect(edges.map((edge) => edge.node.name)).toEqual([
        running,
        ...HINTS.map(nameOf).reverse(),
      ]);
    } finally {
      await docker('rm', '-f', running);
    }
  });

  it('continues after a cursor whose item went, neither repeating nor skipping', async () => {
    const orderBy = { field: 'NAME', direction: 'ASC' };
    const first = await page({ orderBy, first: 2 });
    expect(first.edges.map((edge) => edge.node.name)).toEqual([nameOf('alpha'), nameOf('bravo')]);
    // The cursor's own item goes, one that sorts before it and one right after it come, and a
    // later one goes.
    const before = scope.name('able');
    const after = scope.name('bz');
    await docker('rm', '-f', nameOf('bravo'), nameOf('charlie'));
    await create(before);
    await create(after);
    const next = await page({ orderBy, first: 2, after: first.pageInfo.endCursor });
    expect(next.edges.map((edge) => edge.node.name)).toEqual([after, nameOf('delta')]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(next.totalCount).toBe(4);
    // Put back as it was for the others.
    await docker('rm', '-f', before, after);
    await create(nameOf('bravo'));
    await create(nameOf('charlie'));
  });

  it('refuses a cursor made for another order as bad input saying so', async () => {
    const byName = await page({ orderBy: { field: 'NAME', direction: 'ASC' }, first: 1 });
    const cursor = byName.pageInfo.endCursor;
    for (const orderBy of [{ field: 'CREATED', direction: 'ASC' }, undefined]) {
      const result = await gateway.query(LIST, {
        label: scope.label,
        orderBy,
        first: 1,
        after: cursor,
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/made for the order NAME ASC, not .*CREATED/);
    }
    // The same order takes it.
    const next = await page({
      orderBy: { field: 'NAME', direction: 'ASC' },
      first: 1,
      after: cursor,
    });
    expect(next.edges).toHaveLength(1);
  });
});

describe('images, networks and volumes in orderBy', () => {
  it('orders images by their first tag', async () => {
    const tags = ['zulu', 'mike', 'alpha'].map((hint) => `${scope.name(hint)}:t`);
    for (const [index, tag] of tags.entries()) {
      await docker('commit', '--change', `LABEL ${scope.label} n=${index}`, nameOf('delta'), tag);
    }
    const result = await gateway.data<{ images: { edges: { node: { tags: string[] } }[] } }>(
      `query ($label: String!) { images(filter: { label: [$label] }, orderBy: { field: NAME }) { edges { node { tags } } } }`,
      { label: scope.label },
    );
    expect(result.images.edges.map((edge) => edge.node.tags[0])).toEqual(
      [...tags].sort(byCodeUnit),
    );
  });

  it('orders networks and volumes by name both ways', async () => {
    const made = ['volz', 'vola', 'volm'].map((hint) => scope.name(hint));
    for (const name of made) {
      await docker('volume', 'create', '--label', scope.label, name);
      await docker('network', 'create', '--label', scope.label, name);
    }
    const query = (direction: string) =>
      gateway.data<{
        volumes: { edges: { node: { name: string } }[] };
        networks: { edges: { node: { name: string } }[] };
      }>(
        `query ($label: String!) {
          volumes(filter: { label: [$label] }, orderBy: { field: NAME, direction: ${direction} }) { edges { node { name } } }
          networks(filter: { label: [$label] }, orderBy: { field: NAME, direction: ${direction} }) { edges { node { name } } }
        }`,
        { label: scope.label },
      );
    const sorted = [...made].sort(byCodeUnit);
    const up = await query('ASC');
    expect(up.volumes.edges.map((edge) => edge.node.name)).toEqual(sorted);
    expect(up.networks.edges.map((edge) => edge.node.name)).toEqual(sorted);
    const down = await query('DESC');
    expect(down.volumes.edges.map((edge) => edge.node.name)).toEqual([...sorted].reverse());
    expect(down.networks.edges.map((edge) => edge.node.name)).toEqual([...sorted].reverse());
  });
});

describe('orderBy over several engines', () => {
  it('merges by name, a name on both engines in the order the engines are asked', async () => {
    // The same daemon under two names: every container is listed once per engine.
    const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    const twins = await startGateway({
      engines: [
        { name: 'one', dockerHost: host },
        { name: 'two', dockerHost: host },
      ],
    });
    try {
      const result = await twins.query<Page>(LIST, {
        label: scope.label,
        orderBy: { field: 'NAME', direction: 'DESC' },
        first: 3,
      });
      expect(result.errors).toBeUndefined();
      const sorted = HINTS.map(nameOf).sort(byCodeUnit).reverse();
      const items = (first: Page['containers']) =>
        first.edges.map(({ node }) => `${node.engine}:${node.name}`);
      const head = result.data?.containers as Page['containers'];
      expect(items(head)).toEqual([`one:${sorted[0]}`, `two:${sorted[0]}`, `one:${sorted[1]}`]);
      const rest = await twins.query<Page>(LIST, {
        label: scope.label,
        orderBy: { field: 'NAME', direction: 'DESC' },
        after: head.pageInfo.endCursor,
      });
      expect(items(rest.data?.containers as Page['containers'])).toEqual([
        `two:${sorted[1]}`,
        `one:${sorted[2]}`,
        `two:${sorted[2]}`,
        `one:${sorted[3]}`,
        `two:${sorted[3]}`,
      ]);
    } finally {
      await twins.stop();
    }
  });
});
