import { applyJSONPatch } from '@n1ru4l/graphql-live-query-patch-json-patch';
import { type Client, createClient } from 'graphql-ws';
import { Client as UndiciClient } from 'undici';
import WebSocket from 'ws';
import type { RawEngine } from './fixtures.ts';
import { percentile } from './measure.ts';
import type { Wharf } from './wharf.ts';

function wsClient(wharf: Pick<Wharf, 'url'>): Client {
  return createClient({
    url: `${wharf.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `sockets` × `perSocket` subscriptions on events of the fixture containers, selecting the
 * container with its image; `bursts` pause/unpause rounds over `targets` make the events. Latency
 * runs from the engine's `timeNano` to receipt.
 */
export async function eventFanout(
  wharf: Pick<Wharf, 'url'>,
  raw: RawEngine,
  options: {
    label: string;
    targets: readonly string[];
    sockets: number;
    perSocket: number;
    events: number;
  },
) {
  const query = `subscription($label: String!) { events(filter: { label: [$label] }) { ... on EngineEvent { timeNano container { name state image { tags } } } } }`;
  const latencies: number[] = [];
  const expected = options.sockets * options.perSocket * options.events;
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const clients = Array.from({ length: options.sockets }, () => wsClient(wharf));
  const disposers = clients.flatMap((client) =>
    Array.from({ length: options.perSocket }, () =>
      client.subscribe<{ events: { timeNano?: string } }>(
        { query, variables: { label: options.label } },
        {
          next: (result) => {
            const nano = result.data?.events.timeNano;
            if (nano) latencies.push(Date.now() - Number(BigInt(nano) / 1_000_000n));
            if (++received >= expected) done();
          },
          error: () => {},
          complete: () => {},
        },
      ),
    ),
  );
  await sleep(1_000 + options.sockets * options.perSocket);
  const start = performance.now();
  for (let i = 0; i < options.events; i += 2) {
    const target = options.targets[(i / 2) % options.targets.length] as string;
    await raw.call('POST', `/containers/${target}/pause`);
    await raw.call('POST', `/containers/${target}/unpause`);
  }
  await Promise.race([all, sleep(60_000)]);
  const elapsed = performance.now() - start;
  for (const dispose of disposers) dispose();
  await Promise.all(clients.map((client) => client.dispose()));
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered: received,
    expected,
    seconds: elapsed / 1000,
  };
}

/** RSS idle, with `count` idle subscriptions open (10 sockets), and after they close. */
export async function idleSubscriptions(wharf: Wharf, count: number) {
  const settle = async () => {
    await sleep(1_500);
    return wharf.rss();
  };
  const idle = await settle();
  const clients = Array.from({ length: 10 }, () => wsClient(wharf));
  // Each with a filter of its own: no two share one subscription, so each costs its own.
  const disposers = Array.from({ length: count }, (_, i) =>
    (clients[i % clients.length] as Client).subscribe(
      {
        query:
          'subscription($name: String!) { events(filter: { container: [$name] }) { __typename } }',
        variables: { name: `wharf-bench-nobody-${i}` },
      },
      { next: () => {}, error: () => {}, complete: () => {} },
    ),
  );
  const open = await settle();
  for (const dispose of disposers) dispose();
  await Promise.all(clients.map((client) => client.dispose()));
  const after = await settle();
  return { idle, open, after, perSubscription: (open - idle) / count };
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable with the engine's `timeNano`. */
const wallClock = () => performance.timeOrigin + performance.now();

/**
 * The engine's own `/events` for one container's `actions`, read raw on the socket as they come:
 * the times updates are measured from.
 */
async function containerEvents(container: string, actions: readonly string[]) {
  const client = new UndiciClient('http://localhost', { socketPath: '/var/run/docker.sock' });
  const filters = JSON.stringify({ type: ['container'], container: [container], event: actions });
  const abort = new AbortController();
  const response = await client.request({
    method: 'GET',
    path: `/v1.41/events?filters=${encodeURIComponent(filters)}`,
    signal: abort.signal,
  });
  const events: { action: string; at: number }[] = [];
  const reading = (async () => {
    let text = '';
    for await (const chunk of response.body) {
      text += chunk.toString();
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
        const event = JSON.parse(text.slice(0, end)) as { Action: string; timeNano: number };
        text = text.slice(end + 1);
        events.push({ action: event.Action, at: event.timeNano / 1e6 });
      }
    }
  })().catch(() => {});
  return {
    events,
    async stop() {
      abort.abort();
      await reading;
      await client.close();
    },
  };
}

type Node = { name: string; state: string; status: string | null };
type Page = { edges: { node: Node }[] };

type ListPage = {
  edges: unknown[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

/** The end cursor of each page of the list but the last, once every one of `total` is listed. */
async function pageCursors(wharf: Wharf, label: string, total: number): Promise<string[]> {
  const query = `query($label: String!, $after: String) { containers(all: true, first: 100, after: $after, filter: { label: [$label] }) { edges { cursor } pageInfo { hasNextPage endCursor } } }`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const cursors: string[] = [];
    let listed = 0;
    for (let after: string | null = null; ; ) {
      const page: ListPage = (await wharf.query<{ containers: ListPage }>(query, { label, after }))
        .data.containers;
      listed += page.edges.length;
      const { hasNextPage, endCursor } = page.pageInfo;
      if (!hasNextPage || !endCursor) break;
      cursors.push(endCursor);
      after = endCursor;
    }
    if (listed >= total) return cursors;
    if (Date.now() > deadline) throw new Error(`${wharf.name} listed ${listed} of ${total}`);
    await sleep(200);
  }
}

/**
 * A `@live` list of all `total` fixtures (connection pages are 100 at most, so one aliased page per
 * hundred, from cursors read once: a restart moves no container in the list) while `target`
 * restarts `restarts` times, the client taking whole results or JSON Patch (`patches`).
 *
 * Latency runs from each `die` and `start` event's own `timeNano` (a raw `/events` reader) to the
 * receipt of the first update that shows it: `die` shown by the target not running or started
 * anew, `start` by it running with "Up Less than a second". The target stays up over a second
 * before each restart, so no earlier run can show that.
 */
export async function liveRestarts(
  wharf: Wharf,
  raw: RawEngine,
  options: { label: string; total: number; target: string; restarts: number; patches: boolean },
) {
  const cursors = await pageCursors(wharf, options.label, options.total);
  const pages = [null, ...cursors].map(
    (_, i) =>
      `p${i}: containers(all: true, first: 100${i > 0 ? `, after: $a${i}` : ''}, filter: { label: [$label] }) { edges { node { id name state status } } }`,
  );
  const query = `query($label: String!${cursors.map((_, i) => `, $a${i + 1}: String!`).join('')}) @live { ${pages.join(' ')} }`;
  const variables = Object.fromEntries([
    ['label', options.label],
    ...cursors.map((cursor, i) => [`a${i + 1}`, cursor]),
  ]);
  const inspect = await raw.json<{ Name: string }>(`/containers/${options.target}/json`);
  const targetName = inspect.Name.replace(/^\//, '');
  const engine = await containerEvents(options.target, ['die', 'start']);

  const client = wsClient(wharf);
  const sent: { at: number; bytes: number; result: LiveResult }[] = [];
  let failure: unknown;
  const dispose = client.subscribe<Record<string, Page>>(
    {
      query,
      variables,
      ...(options.patches && { extensions: { livePatch: 'json-patch' } }),
    },
    {
      next: (result) =>
        sent.push({
          at: wallClock(),
          bytes: Buffer.byteLength(JSON.stringify(result)),
          result: result as LiveResult,
        }),
      error: (error) => {
        failure = error;
      },
      complete: () => {},
    },
  );
  await until(() => sent.length > 0 || failure !== undefined, 30_000);
  if (failure !== undefined || !sent[0] || sent[0].result.errors) {
    await Promise.all([client.dispose(), engine.stop()]);
    const why = failure ?? sent[0]?.result.errors ?? 'no first result in 30 s';
    throw new Error(`${wharf.name} @live: ${JSON.stringify(why)}`);
  }
  const restart = async () => {
    const from = engine.events.length;
    await raw.call('POST', `/containers/${options.target}/restart?t=0`);
    await until(() => engine.events.slice(from).some((event) => event.action === 'start'), 5_000);
    const start = engine.events.slice(from).find((event) => event.action === 'start');
    // Up a second at least before the next, so "Less than a second" tells a new start.
    await sleep(1_200);
    return start?.at ?? Number.POSITIVE_INFINITY;
  };
  // Not measured: a restart the list shows proves the change feed live (a cache still reading the
  // engine's objects publishes nothing yet).
  await sleep(1_200);
  const warmUp = await restart();
  await until(
    () =>
      targetViews(sent, targetName, options.patches).some(
        (view) => view.at >= warmUp && view.node.state === 'RUNNING' && isFresh(view.node),
      ),
    60_000,
  );
  const fromEvent = engine.events.length;
  const fromUpdate = sent.length;
  for (let i = 0; i < options.restarts; i++) await restart();
  dispose();
  await client.dispose();
  await engine.stop();

  const events = engine.events.slice(fromEvent);
  const views = targetViews(sent, targetName, options.patches);
  const later = sent.slice(fromUpdate);
  const latencies: number[] = [];
  let missed = 0;
  for (const event of events) {
    const shows =
      event.action === 'start'
        ? (view: Node) => view.state === 'RUNNING' && isFresh(view)
        : (view: Node) => view.state !== 'RUNNING' || isFresh(view);
    const update = views.find((view) => view.at >= event.at && shows(view.node));
    if (update) latencies.push(update.at - event.at);
    else missed++;
  }
  return {
    events: events.length,
    missed,
    updates: later.length,
    bytesPerUpdate:
      later.reduce((sum, update) => sum + update.bytes, 0) / Math.max(1, later.length),
    firstBytes: sent[0]?.bytes ?? 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

type LiveResult = {
  data?: Record<string, Page>;
  patch?: Parameters<typeof applyJSONPatch>[1];
  errors?: unknown;
};

const isFresh = (view: Node) => view.status?.endsWith('Less than a second') ?? false;

/** The target as each update showed it, patches applied to the data before them as a client does. */
function targetViews(sent: { at: number; result: LiveResult }[], name: string, patches: boolean) {
  let data: Record<string, Page> = {};
  const views: { at: number; node: Node }[] = [];
  for (const { at, result } of sent) {
    data =
      patches && result.patch
        ? (applyJSONPatch(data, result.patch) as Record<string, Page>)
        : (result.data ?? {});
    const node = Object.values(data)
      .flatMap((page) => page.edges)
      .find((edge) => edge.node.name === name)?.node;
    if (node) views.push({ at, node });
  }
  return views;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(20);
}
