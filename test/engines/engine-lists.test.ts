import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { createdOn, followCreates } from '../helpers/event-follow.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';

/**
 * One graph over two engines: the host engine (`host`) and a private dockerd (`side`). Lists fan
 * out and merge, cursors survive the other engine's changes, refs route, a dead engine costs only
 * its own part of an answer.
 */
const scope = testScope('engine-lists');
let side: PrivateEngine;
let gateway: TestGateway;

interface Item {
  id: string;
  engine: string;
  name: string;
  createdAt: string;
}
interface Page {
  containers: {
    edges: { cursor: string; node: Item }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const LIST = `query ($engines: [String!], $label: String!, $first: Int, $after: String) {
  containers(all: true, filter: { label: [$label] }, engines: $engines, first: $first, after: $after) {
    edges { cursor node { id engine name createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The private engine's docker CLI, with this file's label. */
const onSide = (name: string) =>
  side.docker('create', '--label', scope.label, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
const onHost = (name: string) =>
  docker('create', '--label', scope.label, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const twin = scope.name('twin');

beforeAll(async () => {
  side = await startPrivateEngine('engine-lists');
  gateway = await startGateway({
    engines: [
      { name: 'host', dockerHost: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
      { name: 'side', dockerHost: side.dockerHost },
    ],
    timeoutMs: 5_000,
  });
  // Creation times one second apart (the engine's resolution): a known newest-first order.
  await onHost(scope.name('h1'));
  await pause(1100);
  await onSide(scope.name('s1'));
  await pause(1100);
  await onHost(twin);
  await onSide(twin);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await side?.stop();
  await scope.cleanup();
}, 120_000);

async function list(variables: Record<string, unknown>) {
  const result = await gateway.query<Page>(LIST, { label: scope.label, ...variables });
  expect(result.errors).toBeUndefined();
  return result.data?.containers as Page['containers'];
}

/** Every page of `first` items, following endCursor; `between` runs after each page. */
async function allPages(first: number, between: () => Promise<void> = async () => {}) {
  const items: Item[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const page = await list({ first, after });
    items.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return items;
    after = page.pageInfo.endCursor;
    await between();
  }
  throw new Error('more than 20 pages');
}

describe('lists over several engines', () => {
  it('asks every engine by default, newest first across them, each item naming its engine', async () => {
    const page = await list({});
    const nodes = page.edges.map(({ node }) => node);
    expect(nodes).toHaveLength(4);
    // The twin on each engine (their order is the rule below: they may straddle a second).
    expect(
      nodes
        .filter((node) => node.name === twin)
        .map((node) => node.engine)
        .sort(),
    ).toEqual(['host', 'side']);
    expect(new Set(nodes.map((node) => node.engine))).toEqual(new Set(['host', 'side']));
    // Newest first; within one second (the engines' resolution) engines in configured order.
    const rank = (node: Item) => [-Date.parse(node.createdAt), node.engine === 'host' ? 0 : 1];
    const sorted = [...nodes].sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0);
    });
    expect(nodes).toEqual(sorted);
  });

  it('asks only the engines named', async () => {
    const page = await list({ engines: ['side'] });
    expect(page.edges.map(({ node }) => node.engine)).toEqual(['side', 'side']);
  });

  it('refuses an engine it does not know', async () => {
    const result = await gateway.query(LIST, { label: scope.label, engines: ['nowhere'] });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages across engines with cursors another engine cannot shift', async () => {
    const whole = (await list({})).edges.map(({ node }) => node.id);
    expect(await allPages(1).then((items) => items.map((item) => item.id))).toEqual(whole);
    // A newer container on the other engine after each page sorts before every cursor: an offset
    // cursor would repeat an item per insert, these repeat none and skip none.
    let added = 0;
    // The list's `Created` is in whole seconds: a container made in the same second as the newest
    // one could sort either side of it. Waiting for the next second makes every late one newer.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const paged = await allPages(1, async () => {
      await onSide(scope.name(`late${++added}`));
    });
    expect(paged.map((item) => item.id)).toEqual(whole);
  });

  it('navigates one engine from Engine', async () => {
    const result = await gateway.query<{
      engine: { name: string; containers: { edges: { node: { engine: string } }[] } };
    }>(
      `query ($label: String!) { engine(name: "side") { name containers(all: true, filter: { label: [$label] }) { edges { node { engine } } } } }`,
      { label: scope.label },
    );
    expect(result.errors).toBeUndefined();
    const engines = result.data?.engine.containers.edges.map(({ node }) => node.engine);
    expect(engines?.length).toBeGreaterThan(0);
    expect(new Set(engines)).toEqual(new Set(['side']));
  });
});

describe('refs over several engines', () => {
  const CONTAINER = `query ($ref: String!, $engine: String) { container(ref: $ref, engine: $engine) { id engine name } }`;

  it('calls a name on two engines AMBIGUOUS_REF, naming them', async () => {
    const result = await gateway.query(CONTAINER, { ref: twin });
    expect(result.errors?.[0]?.extensions?.code).toBe('AMBIGUOUS_REF');
    expect(result.errors?.[0]?.message).toContain('host, side');
  });

  it('routes a name to the engine asked, and a global id to its own engine', async () => {
    const named = await gateway.query<{ container: Item }>(CONTAINER, {
      ref: twin,
      engine: 'side',
    });
    expect(named.data?.container.engine).toBe('side');
    const byId = await gateway.query<{ container: Item }>(CONTAINER, {
      ref: named.data?.container.id,
    });
    expect(byId.data?.container).toEqual(named.data?.container);
  });

  it('routes a name found on one engine only to it', async () => {
    const only = (await list({ engines: ['side'] })).edges.at(-1)?.node as Item;
    const result = await gateway.query<{ container: Item }>(CONTAINER, { ref: only.name });
    expect(result.data?.container.engine).toBe('side');
  });

  it('runs mutations, exec and logs on the engine of the ref', async () => {
    const started = await gateway.query<{ containerStart: { container: Item } }>(
      `mutation ($ref: String!) { containerStart(ref: $ref, engine: "side") { container { engine } } }`,
      { ref: twin },
    );
    expect(started.errors).toBeUndefined();
    expect(await side.docker('inspect', '-f', '{{.State.Running}}', twin)).toBe('true');
    expect(await docker('inspect', '-f', '{{.State.Running}}', twin)).toBe('false');

    const exec = await gateway.query<{ exec: { stdout: string } }>(
      `mutation ($ref: String!) { exec(container: $ref, engine: "side", cmd: ["cat", "/etc/hostname"]) { stdout } }`,
      { ref: twin },
    );
    expect(exec.errors).toBeUndefined();
    const hostname = await side.docker('inspect', '-f', '{{.Config.Hostname}}', twin);
    expect(exec.data?.exec.stdout.trim()).toBe(hostname);

    await side.docker('exec', twin, 'sh', '-c', 'echo from-side > /proc/1/fd/1');
    const stream = gateway.subscribe<{ containerLogs: { lines?: { text: string }[] } }>(
      `subscription ($ref: String!) { containerLogs(ref: $ref, engine: "side", follow: false) { ... on LogLines { lines { text } } } }`,
      { ref: twin },
    );
    const texts: string[] = [];
    for await (const result of stream) {
      expect(result.errors).toBeUndefined();
      for (const line of result.data?.containerLogs.lines ?? []) texts.push(line.text);
    }
    expect(texts.join('\n')).toContain('from-side');
  });

  it('removes a volume named on both engines only by global id or engine, else AMBIGUOUS_REF', async () => {
    const volume = scope.name('vol');
    for (const run of [docker, side.docker.bind(side)]) {
      await run('volume', 'create', '--label', scope.label, volume);
    }
    const REMOVE = `mutation ($name: String!) { volumeRemove(name: $name) { name removed } }`;
    const ambiguous = await gateway.query(REMOVE, { name: volume });
    expect(ambiguous.errors?.[0]?.extensions?.code).toBe('AMBIGUOUS_REF');
    const { volume: onSide } = await gateway.data<{ volume: { id: string } }>(
      `{ volume(name: "${volume}", engine: "side") { id } }`,
    );
    const removed = await gateway.data<{ volumeRemove: { name: string; removed: boolean } }>(
      REMOVE,
      { name: onSide.id },
    );
    expect(removed.volumeRemove).toEqual({ name: volume, removed: true });
    expect(await side.docker('volume', 'ls', '-q', '--filter', `name=^${volume}$`)).toBe('');
    expect(await docker('volume', 'ls', '-q', '--filter', `name=^${volume}$`)).toBe(volume);
  });

  it('connects a container to a network by global ids, on the network’s engine only', async () => {
    const network = scope.name('net');
    await side.docker('network', 'create', '--label', scope.label, network);
    const ids = await gateway.data<{
      network: { id: string };
      onSide: { id: string };
      onHost: { id: string };
    }>(
      `{ network(ref: "${network}", engine: "side") { id }
         onSide: container(ref: "${twin}", engine: "side") { id }
         onHost: container(ref: "${twin}", engine: "host") { id } }`,
    );
    const CONNECT = `mutation ($network: String!, $container: String!) {
      networkConnect(network: $network, container: $container) { engine name }
    }`;
    const elsewhere = await gateway.query(CONNECT, {
      network: ids.network.id,
      container: ids.onHost.id,
    });
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(elsewhere.errors?.[0]?.message).toContain('engine "host", not "side"');
    const connected = await gateway.data<{ networkConnect: { engine: string; name: string } }>(
      CONNECT,
      { network: ids.network.id, container: ids.onSide.id },
    );
    expect(connected.networkConnect).toEqual({ engine: 'side', name: network });
    const attached = await side.docker(
      'inspect',
      '-f',
      `{{ index .NetworkSettings.Networks "${network}" }}`,
      twin,
    );
    expect(attached).not.toBe('<no value>');
    await gateway.data(
      `mutation ($network: String!, $container: String!) {
        networkDisconnect(network: $network, container: $container) { name }
      }`,
      { network: ids.network.id, container: ids.onSide.id },
    );
  });
});

describe('a token limited to one engine', () => {
  it('sees nothing of the others, by list, ref or id', async () => {
    const limited = await startGateway({
      engines: [
        { name: 'host', dockerHost: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
        { name: 'side', dockerHost: side.dockerHost },
      ],
      principal: {
        kind: 'token',
        name: 'host-only',
        role: 'viewer',
        labels: [],
        engines: ['host'],
      },
    });
    try {
      const page = await limited.query<Page>(LIST, { label: scope.label });
      expect(page.errors).toBeUndefined();
      expect(new Set(page.data?.containers.edges.map(({ node }) => node.engine))).toEqual(
        new Set(['host']),
      );
      const asked = await limited.query(LIST, { label: scope.label, engines: ['side'] });
      // The same answer as an engine that does not exist: its name cannot be probed.
      expect(asked.errors?.[0]).toMatchObject({
        message: 'no engine named "side"',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const unknown = await limited.query(LIST, { label: scope.label, engines: ['nowhere'] });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // The twin is on both engines, but this token knows one: no ambiguity.
      const named = await limited.query<{ container: Item }>(
        'query ($ref: String!) { container(ref: $ref) { engine } }',
        { ref: twin },
      );
      expect(named.data?.container.engine).toBe('host');
      const sideId = (await list({ engines: ['side'] })).edges[0]?.node.id;
      const node = await limited.query<{ node: unknown }>(
        'query ($id: ID!) { node(id: $id) { id } }',
        { id: sideId },
      );
      expect(node.data?.node ?? null).toBeNull();
    } finally {
      await limited.stop();
    }
  });
});

const follow = (after?: string) => followCreates(gateway, after ? { after } : {});

describe('an engine that is down', () => {
  it("answers the others' items and one ENGINE_UNAVAILABLE error for its part; merged events lose and repeat nothing", async () => {
    const events = follow();
    await events.until('both hubs', () =>
      gateway.engines.every((client) => client.events.subscribers > 0),
    );
    await pause(300);
    const hostIds = [await onHost(scope.name('ev'))];
    const sideIds = [await onSide(scope.name('ev'))];
    await events.until('the first creates', () => createdOn(events.items, 'side').length === 1);

    await side.kill();
    try {
      const result = await gateway.query<Page>(LIST, { label: scope.label });
      const engines = result.data?.containers.edges.map(({ node }) => node.engine);
      expect(engines?.length).toBeGreaterThan(0);
      expect(new Set(engines)).toEqual(new Set(['host']));
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]).toMatchObject({
        path: ['containers'],
        extensions: { code: 'ENGINE_UNAVAILABLE', engine: 'side' },
      });
      expect(result.errors?.[0]?.message).toContain('"side"');
      // Asked alone, it fails the list as a one-engine Wharf does.
      const alone = await gateway.query<Page>(LIST, { label: scope.label, engines: ['side'] });
      expect(alone.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
      hostIds.push(await onHost(scope.name('ev')));
    } finally {
      await side.restart();
    }
    sideIds.push(await onSide(scope.name('ev')));
    await events.until(
      'the creates after the restart',
      () =>
        createdOn(events.items, 'side').some((item) => item.actorId === sideIds[1]) &&
        createdOn(events.items, 'host').some((item) => item.actorId === hostIds[1]),
    );
    const mine = (engine: string, ids: string[]) =>
      createdOn(events.items, engine)
        .map((item) => item.actorId)
        .filter((id) => ids.includes(id as string));
    expect(mine('host', hostIds)).toEqual(hostIds);
    expect(mine('side', sideIds)).toEqual(sideIds);
    const gaps = events.items.filter((item) => item.__typename === 'EventGap');
    expect(gaps.length).toBeGreaterThan(0);
    expect(new Set(gaps.map((gap) => gap.engine))).toEqual(new Set(['side']));

    // The last event's cursor resumes both engines: what each did since, once.
    const last = events.items.filter((item) => item.cursor).at(-1)?.cursor as string;
    await events.stop();
    const later = [await onHost(scope.name('ev')), await onSide(scope.name('ev'))];
    const resumed = follow(last);
    await resumed.until('the creates made while away', () =>
      later.every((id) => resumed.items.some((item) => item.actorId === id)),
    );
    await pause(500);
    await resumed.stop();
    const seen = resumed.items.map((item) => item.actorId);
    expect(seen.filter((id) => [...hostIds, ...sideIds].includes(id as string))).toEqual([]);
    expect(later.map((id) => seen.filter((s) => s === id).length)).toEqual([1, 1]);
    expect(resumed.items.filter((item) => item.__typename === 'EventGap')).toEqual([]);
  }, 120_000);
});
