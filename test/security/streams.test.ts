import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * Issue 7, finding 4: streams were unbounded. Thousands of log follows opened as many engine
 * connections (dockerd's fds), ws took 100 MiB messages, a silent socket stayed forever, and every
 * events subscriber looked the event's container up on its own. Each is bounded here, with small
 * configured caps, while the process stays alive and a bystander is answered within 1 s.
 */

const scope = testScope('streams');
let talker: string;

beforeAll(async () => {
  talker = await scope.shell('talker', 'while true; do echo tick; sleep 0.2; done');
});

afterAll(async () => {
  await scope.cleanup();
});

type Outcome = { kind: 'data' } | { kind: 'refused'; code: string | undefined };

/** The first thing a subscription yields: data, or the coded error that refused it. */
async function firstOutcome(iterator: AsyncIterableIterator<Result<unknown>>): Promise<Outcome> {
  try {
    const next = await within(iterator.next(), 10_000, 'the first result of a subscription');
    const errors = next.value?.errors;
    if (errors?.length) return { kind: 'refused', code: errors[0]?.extensions?.code };
    return { kind: 'data' };
  } catch (error) {
    // graphql-ws's client throws the `error` message's GraphQL errors.
    const errors = error as { extensions?: { code?: string } }[];
    return { kind: 'refused', code: errors[0]?.extensions?.code };
  }
}

/** A query no stream has anything to do with, answered in time while the attack runs. */
async function bystander(gateway: TestGateway): Promise<void> {
  const started = performance.now();
  const result = await gateway.query('{ containers(first: 1) { edges { node { name } } } }');
  expect(result.errors).toBeUndefined();
  expect(performance.now() - started).toBeLessThan(1000);
}

async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the engine stream cap', () => {
  const MAX_ENGINE_STREAMS = 16;
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({ streams: { maxEngineStreams: MAX_ENGINE_STREAMS } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('3 WebSockets × 10 log follows: the ones over the cap get TOO_MANY_STREAMS, the engine never sees more', async () => {
    const before = gateway.engine.openStreams;
    let highest = before;
    const watch = setInterval(() => {
      highest = Math.max(highest, gateway.engine.openStreams);
    }, 5);
    try {
      const follows = [1, 2, 3].flatMap(() => {
        const client = gateway.wsClient();
        return Array.from({ length: 10 }, () =>
          gateway.subscribe(
            `subscription($ref: String!) { containerLogs(ref: $ref, tail: 1) { __typename } }`,
            { ref: talker },
            client,
          ),
        );
      });
      const outcomes = await Promise.all(follows.map(firstOutcome));
      const served = outcomes.filter((outcome) => outcome.kind === 'data');
      const refused = outcomes.filter((outcome) => outcome.kind === 'refused');
      // Two of the 16 are kept for the shared upstreams (events, stats).
      expect(served).toHaveLength(14);
      expect(new Set(refused.map((outcome) => outcome.kind === 'refused' && outcome.code))).toEqual(
        new Set(['TOO_MANY_STREAMS']),
      );
      expect(highest).toBeLessThanOrEqual(MAX_ENGINE_STREAMS);

      // The served ones keep streaming, and the shared event stream still gets its slot.
      expect(await Promise.all(follows.slice(0, 3).map((follow) => follow.next()))).toBeTruthy();
      const events = gateway.subscribe<{ events: { action?: string } }>(
        `subscription($label: String!) { events(filter: { label: [$label] }) { ... on EngineEvent { action } } }`,
        { label: scope.label },
      );
      const created = events.next();
      await gateway.engine.events.whenConnected();
      await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
      expect((await within(created, 10_000, 'the create event')).value?.data?.events.action).toBe(
        'create',
      );
      await bystander(gateway);
      expect(highest).toBeLessThanOrEqual(MAX_ENGINE_STREAMS);

      await Promise.all([...follows, events].map((iterator) => iterator.return?.()));
      await until('every engine stream to close', () => gateway.engine.openStreams === before);
    } finally {
      clearInterval(watch);
    }
  }, 30_000);
});

describe('subscription caps per socket and per client', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      streams: { maxSubscriptionsPerSocket: 5, maxSubscriptionsPerClient: 8 },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  const EVENTS = `subscription($label: String!) { events(filter: { label: [$label] }) { ... on EngineEvent { action } } }`;

  it('refuses the subscription over a cap with TOO_MANY_STREAMS; the socket and the others go on', async () => {
    const first = gateway.wsClient();
    const second = gateway.wsClient();
    const onFirst = Array.from({ length: 7 }, () =>
      gateway.subscribe(EVENTS, { label: scope.label }, first),
    );
    const onSecond = Array.from({ length: 4 }, () =>
      gateway.subscribe(EVENTS, { label: scope.label }, second),
    );
    // Refusals come at once; the accepted ones wait for an event.
    const pending = [...onFirst, ...onSecond].map((iterator) => firstOutcome(iterator));
    await gateway.engine.events.whenConnected();
    await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
    const outcomes = await Promise.all(pending);
    const codes = outcomes.map((outcome) => (outcome.kind === 'data' ? 'data' : outcome.code));
    // Per socket: 5 of 7 on the first. Per client: 3 more on the second, then the cap of 8.
    expect(codes).toEqual([
      ...Array(5).fill('data'),
      'TOO_MANY_STREAMS',
      'TOO_MANY_STREAMS',
      ...Array(3).fill('data'),
      'TOO_MANY_STREAMS',
    ]);
    // The socket is still open: a query on it is answered.
    const query = first.iterate({ query: '{ engine { name } }' });
    expect((await query.next()).value?.data).toEqual({ engine: { name: 'local' } });
    await bystander(gateway);

    // Completing two frees two places for the client.
    await Promise.all(onFirst.slice(0, 2).map((iterator) => iterator.return?.()));
    const again = [1, 2, 3].map(() => gateway.subscribe(EVENTS, { label: scope.label }, second));
    const settled = again.map((iterator) => firstOutcome(iterator));
    await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
    expect((await Promise.all(settled)).map((o) => (o.kind === 'data' ? 'data' : o.code))).toEqual([
      'data',
      'data',
      'TOO_MANY_STREAMS',
    ]);
    await Promise.all([...onFirst, ...onSecond, ...again].map((iterator) => iterator.return?.()));
  }, 30_000);

  it('counts SSE subscriptions against the same per-client cap, and frees them when the client leaves', async () => {
    const socket = gateway.wsClient();
    const onSocket = Array.from({ length: 5 }, () =>
      gateway.subscribe(EVENTS, { label: scope.label }, socket),
    );
    // Starts each subscription; they wait for an event (or are refused at once).
    const waiting = onSocket.map((iterator) => iterator.next());
    const sse = () => {
      const controller = new AbortController();
      const response = fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: EVENTS, variables: { label: scope.label } }),
        signal: controller.signal,
      });
      return { controller, response };
    };
    await until('the WebSocket subscriptions to register', () => gateway.subscriptions() === 5);
    const accepted = [sse(), sse(), sse()];
    for (const { response } of accepted) expect((await response).status).toBe(200);
    await until('the SSE subscriptions to register', () => gateway.subscriptions() === 8);
    const refused = await (await sse().response).text();
    expect(refused).toContain('TOO_MANY_STREAMS');
    for (const { controller } of accepted) controller.abort();
    await until('the SSE subscriptions to end', () => gateway.subscriptions() === 5);
    const last = sse();
    expect((await last.response).status).toBe(200);
    await until('a new SSE subscription to be accepted', () => gateway.subscriptions() === 6);
    last.controller.abort();
    await Promise.all(onSocket.map((iterator) => iterator.return?.()));
    await Promise.allSettled(waiting);
  }, 30_000);
});

describe('event subscribers in the hundreds', () => {
  const CLIENT_CAP = 200;
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      streams: { maxSubscriptionsPerSocket: 100, maxSubscriptionsPerClient: CLIENT_CAP },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('caps them per client, and resolves one event’s relations once for all subscribers', async () => {
    const sockets = [1, 2, 3].map(() => gateway.wsClient());
    const subscribers = sockets.flatMap((socket) =>
      Array.from({ length: 100 }, () =>
        gateway.subscribe<{
          events: { action: string; container: { name: string; image: { tags: string[] } } };
        }>(
          `subscription($label: String!) {
            events(filter: { label: [$label], type: [CONTAINER], action: ["create"] }) {
              ... on EngineEvent { action container { name state image { tags } } }
            }
          }`,
          { label: scope.label },
          socket,
        ),
      ),
    );
    const firsts = subscribers.map((iterator) =>
      within(iterator.next(), 20_000, 'a first result').then(
        (next) => next.value,
        (errors: { extensions?: { code?: string } }[]) => ({ errors }) as Result<never>,
      ),
    );
    await gateway.engine.events.whenConnected();
    await until('the subscribers to register', () => gateway.subscriptions() >= CLIENT_CAP);
    await bystander(gateway);

    const name = scope.name('watched');
    const start = gateway.calls.length;
    await docker('create', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'true');
    const results = await Promise.all(firsts);
    const calls = gateway.calls.slice(start).filter((call) => !call.path.includes('/events'));

    const delivered = results.filter((result) => result?.data);
    const refused = results.filter((result) => result?.errors);
    expect(delivered).toHaveLength(CLIENT_CAP);
    expect(refused).toHaveLength(300 - CLIENT_CAP);
    expect(new Set(refused.map((result) => result?.errors?.[0]?.extensions?.code))).toEqual(
      new Set(['TOO_MANY_STREAMS']),
    );
    for (const result of delivered) {
      expect(result?.data?.events.container).toMatchObject({
        name,
        image: { tags: [FIXTURE_IMAGE] },
      });
    }
    // A container and an image lookup, not 3 × 200: the 200 share one subscription.
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(gateway.engine.events.subscribers).toBe(1);
    await Promise.all(subscribers.map((iterator) => iterator.return?.()));
    await until('the hub to be left', () => gateway.engine.events.subscribers === 0);
  }, 60_000);
});

describe('WebSocket guards', () => {
  let gateway: TestGateway;
  let wsUrl: string;

  beforeAll(async () => {
    gateway = await startGateway({ streams: { wsInitTimeoutMs: 500 } });
    wsUrl = `${gateway.url.replace('http', 'ws')}/graphql`;
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  function open(): Promise<WebSocket> {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  function closed(socket: WebSocket): Promise<number> {
    return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  /**
   * Sends one 90 MB text frame the way an attacker streams it (header first, then the payload in
   * 1 MiB writes, so this process never holds it) and resolves with the close code the server sent.
   */
  async function sendHugeFrame(bytes: number): Promise<{ code: number; sent: number }> {
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      [
        'GET /graphql HTTP/1.1',
        `Host: ${new URL(gateway.url).host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: graphql-transport-ws',
        '',
        '',
      ].join('\r\n'),
    );
    let received = Buffer.alloc(0);
    const upgraded = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        expect(received.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
        received = received.subarray(end + 4);
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
    await within(upgraded, 3000, 'the upgrade');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    // FIN + text, masked, 64-bit length, then the mask key.
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(bytes), 2);
    socket.write(header);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    while (sent < bytes && !socket.destroyed && socket.writable) {
      if (!socket.write(chunk)) {
        await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
      }
      sent += chunk.length;
    }
    await within(closed, 10_000, 'the server to close the connection');
    // The server's close frame: 0x88, length 2, then the code.
    expect(received[0]).toBe(0x88);
    return { code: received.readUInt16BE(2), sent };
  }

  it('closes a 90 MB message with 1009 before reading it, prints nothing, and stays up', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    try {
      const rssBefore = process.memoryUsage().rss;
      const { code, sent } = await sendHugeFrame(90 * 1024 * 1024);
      expect(code).toBe(1009);
      // Refused on the frame header: nowhere near the 90 MB were read.
      expect(sent).toBeLessThan(90 * 1024 * 1024);
      await bystander(gateway);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
      expect(consoleError).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      consoleError.mockRestore();
    }
  });

  it('closes a message just over 1 MiB sent by an ordinary client the same way', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      const socket = await open();
      socket.on('error', () => {});
      const acked = new Promise((resolve) => socket.once('message', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      expect(String(await within(acked, 3000, 'the ack'))).toContain('connection_ack');
      const code = closed(socket);
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: `{ engine { name } } #${'x'.repeat(1024 * 1024)}` },
        }),
      );
      expect(await within(code, 5000, 'the close')).toBe(1009);
      await bystander(gateway);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('closes a socket that never sends connection_init (4408)', async () => {
    const socket = await open();
    const started = performance.now();
    expect(await within(closed(socket), 3000, 'the close')).toBe(4408);
    expect(performance.now() - started).toBeLessThan(2000);
    await bystander(gateway);
  });
});
