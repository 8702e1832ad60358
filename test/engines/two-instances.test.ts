import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type CountingProxy, startCountingProxy } from '../helpers/counting-proxy.ts';
import { docker, eventually, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import type { Result } from '../helpers/gateway.ts';
import { startCli } from '../helpers/processes.ts';
import { TOKENS } from '../helpers/tokens.ts';

/*
 * Two `wharf serve` processes on one engine, as behind a load balancer. Each reaches the engine
 * through its own counting proxy, so the test sees how many `/events` streams each keeps open.
 */

const scope = testScope('two-instances');
const dir = mkdtempSync(join(tmpdir(), 'wharf-two-'));

interface Instance {
  name: string;
  proxy: CountingProxy;
  cli: ReturnType<typeof startCli>;
  url: string;
}
const instances: Instance[] = [];
let a: Instance;
let b: Instance;
const wsClients: Client[] = [];
const tokensFile = join(dir, 'tokens.json');

/** The engine socket both proxies forward to: the suite's unix DOCKER_HOST. */
function engineSocket(): string {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (!host.startsWith('unix://')) {
    throw new Error(`two-instances proxies a unix socket engine, not DOCKER_HOST=${host}`);
  }
  return host.slice('unix://'.length);
}

async function startInstance(name: string, cache: 'on' | 'off'): Promise<Instance> {
  const proxy = await startCountingProxy(join(dir, `${name}.sock`), engineSocket());
  const cli = startCli({
    DOCKER_HOST: proxy.dockerHost,
    WHARF_TOKENS_FILE: tokensFile,
    WHARF_CACHE: cache,
    WHARF_ENGINES_FILE: '',
  });
  const instance = { name, proxy, cli, url: '' };
  instances.push(instance);
  instance.url = await cli.url;
  return instance;
}

async function gql<T = Record<string, unknown>>(
  instance: Instance,
  query: string,
  variables: Record<string, unknown> = {},
  token: string = TOKENS.operator,
): Promise<Result<T>> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}

async function data<T = Record<string, unknown>>(
  instance: Instance,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await gql<T>(instance, query, variables, token);
  expect(result.errors, query).toBeUndefined();
  return result.data as T;
}

function wsClient(instance: Instance, token: string = TOKENS.operator): Client {
  const client = createClient({
    url: instance.url.replace('http', 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  wsClients.push(client);
  return client;
}

/** A subscription's results as they come; `stop()` unsubscribes. */
function follow<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const iterator = client.iterate({ query, variables }) as AsyncIterableIterator<Result<T>>;
  const items: T[] = [];
  const errors: NonNullable<Result<T>['errors']> = [];
  const done = (async () => {
    try {
      for await (const result of iterator) {
        if (result.errors) errors.push(...result.errors);
        if (result.data) items.push(result.data);
      }
    } catch (error) {
      // graphql-ws throws the errors of an operation refused before it started.
      errors.push(...(Array.isArray(error) ? error : [{ message: String(error) }]));
    }
  })();
  return {
    items,
    errors,
    done,
    /** Waits until `check` holds for what came so far. */
    until: (what: string, check: (items: T[]) => boolean, ms = 20_000) =>
      eventually(what, async () => (check(items) ? true : undefined), ms),
    stop: async () => {
      await iterator.return?.();
    },
  };
}

interface EngineEvent {
  __typename: 'EngineEvent' | 'EventGap';
  action?: string;
  actorId?: string;
  cursor?: string;
  timeNano?: string;
  attributes?: { key: string; value: string }[];
}
type Events = { events: EngineEvent };

const EVENTS = `subscription ($filter: EventFilter, $after: String) {
  events(filter: $filter, after: $after) {
    __typename
    ... on EngineEvent { action actorId cursor timeNano attributes { key value } }
    ... on EventGap { reason }
  }
}`;

type Listed = { containers: { edges: { node: { name: string; state: string } }[] } };

/** The file's containers, sent again whenever one changes. */
const LIVE = `query ($label: String!) @live {
  containers(all: true, filter: { label: [$label] }) { edges { node { name state } } }
}`;

const named = (event: EngineEvent) => event.attributes?.find((a) => a.key === 'name')?.value;
const saw = (items: Events[], name: string, action: string) =>
  items.some(({ events }) => named(events) === name && events.action === action);

beforeAll(async () => {
  writeFileSync(
    tokensFile,
    JSON.stringify([
      { name: 'ci', role: 'operator', token: TOKENS.operator },
      { name: 'root', role: 'admin', token: TOKENS.admin },
    ]),
  );
  [a, b] = await Promise.all([startInstance('A', 'on'), startInstance('B', 'on')]);
}, 60_000);

afterAll(async () => {
  await Promise.all(wsClients.map((client) => client.dispose()));
  await Promise.all(
    instances.map(async (instance) => {
      instance.cli.child.kill('SIGTERM');
      await instance.cli.exit;
      await instance.proxy.close();
    }),
  );
  await scope.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('two Wharf instances on one engine', () => {
  it('each keeps exactly one /events stream open, whatever its subscribers and live queries', async () => {
    // The state cache follows the engine from the start: that is the one stream.
    for (const { proxy } of [a, b]) {
      await eventually('the cache stream', async () =>
        proxy.openEventStreams() === 1 ? true : undefined,
      );
    }
    const talker = await scope.shell('talker', 'while true; do echo tick; sleep 0.2; done');
    const followed = [a, b].map((instance) => {
      // One WebSocket carrying several operations, and a second one beside it.
      const client = wsClient(instance);
      const other = wsClient(instance);
      return {
        all: [follow<Events>(client, EVENTS), follow<Events>(other, EVENTS)],
        containers: follow<Events>(client, EVENTS, { filter: { type: ['CONTAINER'] } }),
        talker: follow<Events>(other, EVENTS, { filter: { container: [talker] } }),
        live: follow<Listed>(client, LIVE, { label: scope.label }),
        logs: follow<{ containerLogs: { lines?: { text: string }[] } }>(
          other,
          'subscription ($ref: String!) { containerLogs(ref: $ref) { ... on LogLines { lines { text } } } }',
          { ref: talker },
        ),
      };
    });
    const stateOf = (items: Listed[]) =>
      items.at(-1)?.containers.edges.find((edge) => edge.node.name === talker)?.node.state;
    for (const { live, logs } of followed) {
      await live.until('the live query', (items) => stateOf(items) === 'RUNNING');
      await logs.until('a log line', (items) =>
        items.some((item) => item.containerLogs.lines?.some((line) => line.text === 'tick')),
      );
    }
    // Events reach every subscriber only once it is registered: pause until all of them saw one.
    await eventually('every events subscriber', async () => {
      await docker('pause', talker);
      await docker('unpause', talker);
      const subscribers = followed.flatMap((f) => [...f.all, f.containers, f.talker]);
      return subscribers.every((s) => saw(s.items, talker, 'pause')) ? true : undefined;
    });
    // The live queries follow the same stream (through the cache's change feed).
    const extra = scope.name('extra');
    await docker('create', ...scope.labelArgs, '--name', extra, FIXTURE_IMAGE, 'true');
    for (const { live } of followed) {
      await live.until('the live query to follow', (items) =>
        Boolean(items.at(-1)?.containers.edges.some((edge) => edge.node.name === extra)),
      );
    }
    for (const instance of [a, b]) {
      expect(instance.proxy.openEventStreams(), instance.name).toBe(1);
      expect(instance.proxy.eventStreamsOpened(), instance.name).toBe(1);
    }
    for (const f of followed) {
      for (const s of [...f.all, f.containers, f.talker, f.live, f.logs]) {
        expect(s.errors).toEqual([]);
        await s.stop();
      }
    }
    // The cache still follows: its stream stays, and is still the only one.
    for (const instance of [a, b]) {
      expect(instance.proxy.openEventStreams(), instance.name).toBe(1);
    }
    await docker('rm', '-f', talker, extra);
  });

  it('serves the same events, reads and cursors from either instance', async () => {
    const job = scope.name('job');
    const probe = scope.name('probe');
    await docker('create', ...scope.labelArgs, '--name', probe, FIXTURE_IMAGE, 'true');
    const filter = { label: [scope.label] };
    const [onA, onB] = [a, b].map((instance) =>
      follow<Events>(wsClient(instance), EVENTS, { filter }),
    );
    if (!onA || !onB) throw new Error('two subscribers');
    // Both subscribers registered: each saw a start of the probe.
    await eventually('both subscribers', async () => {
      await docker('start', probe);
      return saw(onA.items, probe, 'start') && saw(onB.items, probe, 'start') ? true : undefined;
    });

    // Created and started through A…
    const created = await data<{ containerCreate: { dockerId: string; state: string } }>(
      a,
      `mutation ($name: String!, $key: String!, $value: String!) {
        containerCreate(start: true, input: {
          image: "${FIXTURE_IMAGE}", name: $name, cmd: ["sleep", "300"],
          labels: [{ key: $key, value: $value }] }) { dockerId state } }`,
      { name: job, key: TEST_LABEL, value: scope.run },
    );
    expect(created.containerCreate.state).toBe('RUNNING');
    // …B lists it as soon as its subscriber has the start.
    await onB.until('the start on B', (items) => saw(items, job, 'start'));
    const listed = await data<{
      containers: { edges: { node: { name: string; state: string } }[] };
    }>(
      b,
      'query ($name: String!) { containers(all: true, filter: { name: [$name] }) { edges { node { name state } } } }',
      { name: job },
    );
    expect(listed.containers.edges.map((edge) => edge.node)).toEqual([
      { name: job, state: 'RUNNING' },
    ]);

    // Stopped through B: B reads its own write at once; A agrees once its stream has the stop.
    await data(b, 'mutation ($ref: String!) { containerStop(ref: $ref, timeout: 0) { changed } }', {
      ref: job,
    });
    const READ = `query ($ref: String!) { container(ref: $ref) {
      id dockerId name state exitCode startedAt finishedAt pid restartCount labels { key value } } }`;
    const onBRead = await data<{ container: { state: string } }>(b, READ, { ref: job });
    expect(onBRead.container.state).toBe('EXITED');
    await onA.until('the stop on A', (items) => saw(items, job, 'stop'));
    expect(await data(a, READ, { ref: job })).toEqual(onBRead);

    // Removed through A; both streams end the story with the destroy.
    await data(a, 'mutation ($ref: String!) { containerRemove(ref: $ref) { removed } }', {
      ref: job,
    });
    await onA.until('the destroy on A', (items) => saw(items, job, 'destroy'));
    await onB.until('the destroy on B', (items) => saw(items, job, 'destroy'));

    // The job's events as each instance delivered them (the probe's last `die` may come between).
    const story = (items: Events[]) =>
      items
        .map((item) => item.events)
        .filter((e) => e.actorId === created.containerCreate.dockerId)
        .map(({ action, actorId, cursor, timeNano }) => ({ action, actorId, cursor, timeNano }));
    const storyA = story(onA.items);
    expect(storyA.map((e) => e.action)).toEqual(
      expect.arrayContaining(['create', 'start', 'die', 'stop', 'destroy']),
    );
    expect(storyA[0]?.action).toBe('create');
    expect(storyA.at(-1)?.action).toBe('destroy');
    expect(story(onB.items)).toEqual(storyA);
    expect([...onA.items, ...onB.items].filter((i) => i.events.__typename === 'EventGap')).toEqual(
      [],
    );

    // A's cursor of the create resumes on B: everything after it, once, in order.
    const resumed = follow<Events>(wsClient(b), EVENTS, {
      filter: { container: [job] },
      after: storyA[0]?.cursor,
    });
    await resumed.until('the resumed destroy', (items) => saw(items, job, 'destroy'));
    expect(resumed.items.map((item) => item.events.cursor)).toEqual(
      storyA.slice(1).map((e) => e.cursor),
    );
    for (const s of [onA, onB, resumed]) {
      expect(s.errors).toEqual([]);
      await s.stop();
    }
  });

  it('refuses input for an exec attached on the other instance, at once and with a stable code', async () => {
    const container = await scope.shell('shell', 'sleep 300');
    const created = await data<{ execCreate: { execId: string } }>(
      a,
      `mutation ($c: String!) {
        execCreate(input: { container: $c, cmd: ["sh", "-c", "read a; echo got:$a"], stdin: true, user: "1000" }) { execId } }`,
      { c: container },
    );
    const execId = created.execCreate.execId;
    const ATTACH = `subscription ($id: String!) { execAttach(execId: $id) {
      __typename ... on ExecOutput { text } ... on ExecExit { exitCode } } }`;
    type Attach = { execAttach: { __typename: string; text?: string; exitCode?: number } };
    const attached = follow<Attach>(wsClient(a), ATTACH, { id: execId });
    const INPUT =
      'mutation ($id: String!, $data: String!, $close: Boolean) { execInput(execId: $id, data: $data, closeStdin: $close) }';
    // A holds the session once its (empty) input goes through.
    await eventually('the attach on A', async () =>
      (await gql(a, INPUT, { id: execId, data: '' })).errors ? undefined : true,
    );

    // B knows neither who created the exec nor its connection.
    const asCreator = await within(gql(b, INPUT, { id: execId, data: 'x\n' }), 5_000, 'B');
    expect(asCreator.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'exec.owner',
    });
    expect(asCreator.errors?.[0]?.message).toContain('not created through this Wharf instance');
    const asAdmin = await within(
      gql(b, INPUT, { id: execId, data: 'x\n' }, TOKENS.admin),
      5_000,
      'B as admin',
    );
    expect(asAdmin.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(asAdmin.errors?.[0]?.message).toContain('not attached on this Wharf instance');
    // Nor can B attach it: not for its creator, and not a second time for admin.
    const creatorAttach = follow<Attach>(wsClient(b), ATTACH, { id: execId });
    await within(creatorAttach.done, 5_000, "the creator's attach on B");
    expect(creatorAttach.errors[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'exec.owner',
    });
    const takeover = follow<Attach>(wsClient(b, TOKENS.admin), ATTACH, { id: execId });
    await within(takeover.done, 5_000, "admin's attach on B");
    expect(takeover.errors[0]?.extensions?.code).toBe('CONFLICT');

    // A's session never saw B's input, and goes on.
    await data(a, INPUT, { id: execId, data: 'hello\n', close: true });
    await attached.until('the exit', (items) =>
      items.some((item) => item.execAttach.__typename === 'ExecExit'),
    );
    expect(attached.items.map((item) => item.execAttach)).toEqual([
      { __typename: 'ExecOutput', text: 'got:hello\n' },
      { __typename: 'ExecExit', exitCode: 0 },
    ]);
  });

  it('without the cache, opens its one stream for the first listener and closes it after the last', async () => {
    const c = await startInstance('C', 'off');
    expect(c.proxy.eventStreamsOpened()).toBe(0);
    const idle = await scope.shell('idle', 'sleep 300');
    const client = wsClient(c);
    const live = follow<Listed>(client, LIVE, { label: scope.label });
    const events = [
      follow<Events>(client, EVENTS),
      follow<Events>(client, EVENTS, { filter: { container: [idle] } }),
    ];
    await live.until('the live query', (items) => items.length > 0);
    await eventually('every events subscriber', async () => {
      await docker('pause', idle);
      await docker('unpause', idle);
      return events.every((s) => saw(s.items, idle, 'pause')) ? true : undefined;
    });
    expect(c.proxy.openEventStreams()).toBe(1);
    // The live query follows the same stream: it stays open for it alone (a change made after the
    // events subscribers left still reaches it), then closes.
    for (const s of events) await s.stop();
    const later = scope.name('later');
    await docker('create', ...scope.labelArgs, '--name', later, FIXTURE_IMAGE, 'true');
    await live.until('the live query to follow', (items) =>
      Boolean(items.at(-1)?.containers.edges.some((edge) => edge.node.name === later)),
    );
    expect(c.proxy.openEventStreams()).toBe(1);
    await live.stop();
    await eventually('the stream closed', async () =>
      c.proxy.openEventStreams() === 0 ? true : undefined,
    );
    expect(c.proxy.eventStreamsOpened()).toBe(1);
    for (const s of [live, ...events]) expect(s.errors).toEqual([]);
  });

  it('never opened a second /events stream on either instance', () => {
    for (const instance of [a, b]) {
      expect(instance.proxy.eventStreamsOpened(), instance.name).toBe(1);
      expect(instance.proxy.openEventStreams(), instance.name).toBe(1);
    }
  });
});
