import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { RawEngine } from './fixtures.ts';
import { percentile } from './measure.ts';
import type { Wharf } from './wharf.ts';

function wsClient(wharf: Wharf): Client {
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
  wharf: Wharf,
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

/**
 * A `@live` list of the fixtures while one of them restarts `restarts` times: bytes per update and
 * the delay from the restart's answer (the engine emits `start` just before it) to the update.
 */
export async function liveRestarts(
  wharf: Wharf,
  raw: RawEngine,
  options: { label: string; target: string; restarts: number },
) {
  const query = `query($label: String!) @live { containers(all: true, first: 100, filter: { label: [$label] }) { edges { node { id name state status } } } }`;
  const client = wsClient(wharf);
  const updates: { at: number; bytes: number }[] = [];
  const dispose = client.subscribe(
    { query, variables: { label: options.label } },
    {
      next: (result) =>
        updates.push({ at: Date.now(), bytes: Buffer.byteLength(JSON.stringify(result)) }),
      error: () => {},
      complete: () => {},
    },
  );
  await sleep(1_500);
  const first = updates.length;
  const starts: number[] = [];
  for (let i = 0; i < options.restarts; i++) {
    await raw.call('POST', `/containers/${options.target}/restart?t=0`);
    starts.push(Date.now());
    await sleep(200);
  }
  await sleep(1_000);
  dispose();
  await client.dispose();
  const later = updates.slice(first);
  // Each restart's last event precedes its answer; the first update after it is the one it caused.
  const delays = starts.map(
    (at) => (later.find((update) => update.at >= at - 50)?.at ?? Number.NaN) - at,
  );
  return {
    updates: later.length,
    bytesPerUpdate:
      later.reduce((sum, update) => sum + update.bytes, 0) / Math.max(1, later.length),
    p50: percentile(delays.filter(Number.isFinite), 50),
  };
}
