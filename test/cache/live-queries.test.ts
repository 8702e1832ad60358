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

/** Reads results into `seen` until stopped. */
function collect(results: AsyncIterableIterator<{ data?: Live | null; errors?: unknown }>) {
  const seen: { data?: Live | null; errors?: unknown }[] = [];
  const done = (async () => {
    for await (const result of results) seen.push(result);
  })();
  return { seen, done };
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
});
