import { applyLiveQueryJSONPatch } from '@n1ru4l/graphql-live-query-patch-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('live-queries');

const LIVE = /* GraphQL */ `
  query Live($label: String!) @live {
    containers(all: true, filter: { label: [$label] }) {
      edges { node { id name state } }
    }
  }
`;

type Live = { containers: { edges: { node: { id: string; name: string; state: string } }[] } };

/** A result as it went over the wire: whole (`data`), or with patches `{ patch, revision }`. */
type Sent = {
  data?: Live | null;
  errors?: { extensions?: { code?: string } }[];
  patch?: unknown;
  revision?: number;
};

const ASK_PATCHES = { livePatch: 'json-patch' };

/** Reads results into `seen` until stopped. */
function collect(results: AsyncIterable<Sent>) {
  const seen: Sent[] = [];
  const done = (async () => {
    for await (const result of results) seen.push(result);
  })();
  return { seen, done };
}

/** The same results, each also kept in `sent` as it arrived. */
async function* recording(source: AsyncIterable<Sent>, sent: Sent[]) {
  for await (const result of source) {
    sent.push(result);
    yield result;
  }
}

/** The `next` results of an SSE response. */
async function* sseResults(body: ReadableStream<Uint8Array>): AsyncGenerator<Sent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end >= 0) {
      const message = text.slice(0, end);
      text = text.slice(end + 2);
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (message.startsWith('event: next') && data) yield JSON.parse(data) as Sent;
      end = text.indexOf('\n\n');
    }
  }
}

/** The first result whole, each later one a patch of the one before it. */
function expectPatches(sent: Sent[]) {
  expect(sent[0]).toMatchObject({ revision: 1, data: { containers: expect.anything() } });
  expect(sent[0]).not.toHaveProperty('patch');
  expect(sent.length).toBeGreaterThan(1);
  sent.slice(1).forEach((update, i) => {
    expect(update).not.toHaveProperty('data');
    expect(update.revision).toBe(i + 2);
    expect(Array.isArray(update.patch) && update.patch.length > 0).toBe(true);
  });
}

const states = (result: { data?: Live | null } | undefined) =>
  result?.data?.containers.edges.map((edge) => `${edge.node.name}:${edge.node.state}`).sort() ?? [];

describe.each([true, false])('@live queries (cache %s)', (cache) => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway({ cache });
  });
  afterAll(async () => {
    await gateway.stop();
    await scope.cleanup();
  });

  it('refuses a patch format it does not know, and holds nothing for it', async () => {
    // First of its file: nothing else holds a stream yet.
    expect(gateway.subscriptions()).toBe(0);
    const refused = collect(
      gateway.wsClient().iterate({
        query: LIVE,
        variables: { label: scope.label },
        extensions: { livePatch: 'jsondiffpatch' },
      }) as AsyncIterableIterator<Sent>,
    );
    await refused.done;
    expect(refused.seen).toHaveLength(1);
    expect(refused.seen[0]?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.seen[0]?.data).toBeUndefined();
    expect(gateway.subscriptions()).toBe(0);
  });

  it('re-sends the result over graphql-ws when a container it read changes, and when one appears', async () => {
    const first = await scope.shell(`ws${cache}`, 'sleep 300');
    const live = collect(gateway.subscribe<Live>(LIVE, { label: scope.label }));
    await eventually('the first result', async () => (live.seen.length > 0 ? true : undefined));
    expect(states(live.seen[0])).toContain(`${first}:RUNNING`);

    await docker('pause', first);
    await eventually('the paused state', async () =>
      states(live.seen.at(-1)).includes(`${first}:PAUSED`) ? true : undefined,
    );

    const second = scope.name('new');
    await docker(
      'create',
      '--label',
      scope.label,
      '--name',
      second,
      'wharf-fixture:busybox',
      'true',
    );
    await eventually('the new container', async () =>
      states(live.seen.at(-1)).includes(`${second}:CREATED`) ? true : undefined,
    );
    await docker('unpause', first);
    expect(live.seen.every((result) => result.errors === undefined)).toBe(true);
  });

  it('streams over SSE, and ending the stream releases the engine stream it needed', async () => {
    const name = await scope.shell(`sse${cache}`, 'sleep 300');
    const before = gateway.engine.openStreams;
    const abort = new AbortController();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: LIVE, variables: { label: scope.label } }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const read = async (until: (text: string) => boolean) => {
      while (!until(text)) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended: ${text}`);
        text += Buffer.from(chunk.value).toString();
      }
    };
    await read((t) => t.includes(`${name}","state":"RUNNING"`));
    await docker('stop', '-t', '0', name);
    await read((t) => t.includes(`${name}","state":"EXITED"`));
    abort.abort();
    await reader.cancel().catch(() => {});
    // With the cache the events stream is the cache's own; without, the live query's, now gone.
    await eventually('the engine stream released', async () =>
      gateway.engine.openStreams <= before ? true : undefined,
    );
  });

  it('sends JSON Patch over graphql-ws to a client that asks, rebuilding what a whole-result client gets', async () => {
    const name = await scope.shell(`patchws${cache}`, 'sleep 300');
    const whole = collect(gateway.subscribe<Live>(LIVE, { label: scope.label }));
    const sent: Sent[] = [];
    const source = gateway.wsClient().iterate({
      query: LIVE,
      variables: { label: scope.label },
      extensions: ASK_PATCHES,
    }) as AsyncIterableIterator<Sent>;
    const patched = collect(applyLiveQueryJSONPatch(recording(source, sent)));
    const bothShow = (state: string) =>
      eventually(`${name}:${state} in both`, async () =>
        [whole, patched].every((client) => states(client.seen.at(-1)).includes(`${name}:${state}`))
          ? true
          : undefined,
      );

    await bothShow('RUNNING');
    await docker('stop', '-t', '0', name);
    await bothShow('EXITED');
    expect(patched.seen.at(-1)?.data).toEqual(whole.seen.at(-1)?.data);
    await docker('start', name);
    await bothShow('RUNNING');
    expect(patched.seen.at(-1)?.data).toEqual(whole.seen.at(-1)?.data);

    expectPatches(sent);
    // A client that did not ask is unchanged: whole results only.
    for (const result of whole.seen) {
      expect(result.data?.containers).toBeDefined();
      expect(result).not.toHaveProperty('patch');
      expect(result).not.toHaveProperty('revision');
    }
    await source.return?.();
  });

  it('sends JSON Patch over SSE to a client that asks, rebuilding the result a plain query gets', async () => {
    const name = await scope.shell(`patchsse${cache}`, 'sleep 300');
    const abort = new AbortController();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        query: LIVE,
        variables: { label: scope.label },
        extensions: ASK_PATCHES,
      }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const sent: Sent[] = [];
    const patched = collect(
      applyLiveQueryJSONPatch(recording(sseResults(response.body as ReadableStream), sent)),
    );
    await eventually('the first result', async () =>
      states(patched.seen.at(-1)).includes(`${name}:RUNNING`) ? true : undefined,
    );
    await docker('stop', '-t', '0', name);
    await eventually('the stop', async () =>
      states(patched.seen.at(-1)).includes(`${name}:EXITED`) ? true : undefined,
    );
    const plain = await gateway.data<Live>(LIVE.replace(' @live', ''), { label: scope.label });
    expect(patched.seen.at(-1)?.data).toEqual(plain);
    expectPatches(sent);
    abort.abort();
    await patched.done.catch(() => {});
  });
});
