import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import {
  type GraphQLError,
  type Result,
  startGateway,
  type TestGateway,
} from '../helpers/gateway.ts';

/**
 * One gateway, three transports (graphql-ws, SSE, plain HTTP): the same operation must give the
 * same results and the same masked errors on each, and a client that goes away on any of them must
 * close the engine stream it was fed by.
 */

const scope = testScope('transports');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

type LogEvent =
  | {
      __typename: 'LogLines';
      lines: { stream: string; text: string; cursor: string | null }[];
    }
  | { __typename: 'LogEnd'; reason: string; exitCode: number | null };

interface LogPayload {
  containerLogs: LogEvent;
}

const LOGS = `subscription ($ref: String!, $follow: Boolean!) {
  containerLogs(ref: $ref, follow: $follow) {
    __typename
    ... on LogLines { lines { stream text cursor } }
    ... on LogEnd { reason exitCode }
  }
}`;

interface SseFrame {
  event: string;
  data: string;
}

/** Splits an SSE body into frames (`event:` / `data:` lines, blank-line separated). */
async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = '';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
          else if (line.startsWith('data:')) data.push(line.slice('data:'.length).trimStart());
          // Lines starting with ':' are keep-alive comments.
        }
        if (event || data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Opens a subscription over SSE (yoga's single-connection-per-operation mode). */
async function sseOpen(
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Response> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    ...(signal && { signal }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  if (!response.body) throw new Error('SSE response without a body');
  return response;
}

/** Every `next` payload of an SSE subscription, until `event: complete`. */
async function sseResults<T>(query: string, variables: Record<string, unknown>) {
  const response = await sseOpen(query, variables);
  const results: Result<T>[] = [];
  for await (const frame of sseFrames(response.body as ReadableStream<Uint8Array>)) {
    if (frame.event === 'complete') return results;
    if (frame.event === 'next') results.push(JSON.parse(frame.data) as Result<T>);
  }
  throw new Error('the SSE stream ended without `event: complete`');
}

/** Every result of a graphql-ws operation; the errors array when graphql-ws rejects with it. */
async function wsResults<T>(query: string, variables?: Record<string, unknown>) {
  const results: Result<T>[] = [];
  try {
    for await (const result of gateway.subscribe<T>(query, variables)) results.push(result);
  } catch (errors) {
    if (!Array.isArray(errors)) throw errors;
    results.push({ errors: errors as GraphQLError[] });
  }
  return results;
}

/** The lines (in order) and the LogEnd of a log subscription's results; fails on errors. */
function logOutcome(results: Result<LogPayload>[]) {
  const events = results.map((result) => {
    expect(result.errors).toBeUndefined();
    return result.data?.containerLogs as LogEvent;
  });
  const last = events.at(-1);
  // LogLines batches, then exactly one LogEnd, last.
  expect(last?.__typename).toBe('LogEnd');
  expect(events.slice(0, -1).every((event) => event.__typename === 'LogLines')).toBe(true);
  return {
    // Batching follows engine reads, which no transport controls: compare the lines themselves.
    lines: events.flatMap((event) => (event.__typename === 'LogLines' ? event.lines : [])),
    end: last,
  };
}

/** A labelled container that printed one line and now sleeps: a quiet, running log stream. */
async function quietContainer(): Promise<string> {
  const name = await scope.shell('quiet', 'echo one; sleep 300');
  return name;
}

/** Waits (at most 1 s) for `openStreams` to be back at `value`. */
async function openStreamsBackTo(value: number) {
  const started = Date.now();
  await eventually(
    `openStreams to drop back to ${value}`,
    async () => (gateway.engine.openStreams === value ? true : undefined),
    1_000,
  );
  expect(Date.now() - started).toBeLessThan(1_100);
}

describe('one subscription, two transports', () => {
  it('gives the same lines and the same LogEnd over graphql-ws and over SSE', async () => {
    const name = scope.name('three');
    await docker(
      'run',
      ...scope.labelArgs,
      '--name',
      name,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'echo line1; echo line2 >&2; echo line3',
    );
    const variables = { ref: name, follow: false };
    const overWs = logOutcome(await wsResults<LogPayload>(LOGS, variables));
    const overSse = logOutcome(await sseResults<LogPayload>(LOGS, variables));

    // The engine copies stdout and stderr apart, so only the order within a stream is defined.
    const texts = (stream: string) =>
      overWs.lines.filter((l) => l.stream === stream).map((l) => l.text);
    expect(texts('STDOUT')).toEqual(['line1', 'line3']);
    expect(texts('STDERR')).toEqual(['line2']);
    // `docker run` waited for it: it has exited, and the end says how.
    expect(overWs.end).toEqual({ __typename: 'LogEnd', reason: 'HISTORY_END', exitCode: 0 });
    // Cursors are the engine's own timestamps, so even they must agree.
    expect(overWs.lines.every((l) => typeof l.cursor === 'string')).toBe(true);
    expect(overSse).toEqual(overWs);
  });

  it('reports an unknown container over SSE as NOT_FOUND, exactly as over graphql-ws', async () => {
    const variables = { ref: `${scope.run}-none`, follow: false };
    const overSse = await sseResults<LogPayload>(LOGS, variables);
    expect(overSse).toHaveLength(1);
    expect(overSse[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(overSse[0]?.errors?.[0]?.message).toContain(`${scope.run}-none`);
    const overWs = await wsResults<LogPayload>(LOGS, variables);
    expect(overWs).toHaveLength(1);
    expect(overWs[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(overSse[0]?.errors?.map(({ message, extensions }) => ({ message, extensions }))).toEqual(
      overWs[0]?.errors?.map(({ message, extensions }) => ({ message, extensions })),
    );
  });

  it('answers a query and masks its errors the same over HTTP GET, HTTP POST and graphql-ws', async () => {
    const query = '{ container(ref: "../x") { name } }';
    const get = (await (
      await fetch(`${gateway.url}/graphql?query=${encodeURIComponent(query)}`, {
        // GETs carry the CSRF header (issue 7): a page could send a GET without a preflight.
        headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1' },
      })
    ).json()) as Result<unknown>;
    const post = await gateway.query(query);
    const ws = await wsResults(query);
    expect(ws).toHaveLength(1);

    for (const result of [get, post, ws[0]]) {
      expect(result?.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      // Masked: the code and Wharf's message, nothing of the server's internals.
      expect(Object.keys(result?.errors?.[0]?.extensions ?? {})).toEqual(['code']);
      expect(JSON.stringify(result)).not.toMatch(/stack|docker\.sock|at .*\.ts/);
    }
    expect(post).toEqual(get);
    expect(ws[0]).toEqual(get);

    // And a query that succeeds gives the same data on all three.
    const ok = '{ engine { name apiVersion } }';
    const okGet = (await (
      await fetch(`${gateway.url}/graphql?query=${encodeURIComponent(ok)}`, {
        // GETs carry the CSRF header (issue 7): a page could send a GET without a preflight.
        headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1' },
      })
    ).json()) as Result<unknown>;
    expect(okGet.errors).toBeUndefined();
    expect(await gateway.query(ok)).toEqual(okGet);
    expect(await wsResults(ok)).toEqual([okGet]);
  });
});

/** A raw graphql-transport-ws socket: every message parsed, in order. */
async function rawSocket() {
  const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/graphql`, [
    'graphql-transport-ws',
  ]);
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    wake?.();
  });
  socket.on('error', () => {});
  await within(once(socket, 'open'), 5_000, 'the WebSocket to open');
  expect(socket.protocol).toBe('graphql-transport-ws');
  return {
    socket,
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    /** The next message not read yet. */
    async next() {
      while (messages.length === 0) {
        await within(
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
          10_000,
          'a graphql-ws message',
        );
      }
      return messages.shift() as { type: string; id?: string; payload?: unknown };
    },
  };
}

describe('graphql-ws keep-alive and disconnects', () => {
  it('acknowledges connection_init, and pings an idle client every 12 s', async () => {
    // The server's ping interval is created per connection; faking only setInterval (for the
    // time it takes to connect and advance) makes 12 s pass without waiting for them.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const raw = await rawSocket();
      raw.send({ type: 'connection_init' });
      expect(await raw.next()).toEqual({ type: 'connection_ack' });
      let pings = 0;
      raw.socket.on('ping', () => {
        pings += 1;
      });
      vi.advanceTimersByTime(11_900);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pings).toBe(0);
      vi.advanceTimersByTime(100);
      await eventually('a server ping', async () => (pings === 1 ? true : undefined), 2_000);
      // ws answers with a pong by itself; the connection stays up.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(raw.socket.readyState).toBe(WebSocket.OPEN);
      raw.socket.close(1000);
      await once(raw.socket, 'close');
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes the engine stream within 1 s of a client vanishing mid-subscription', async () => {
    const name = await quietContainer();
    const before = gateway.engine.openStreams;
    const raw = await rawSocket();
    raw.send({ type: 'connection_init' });
    expect((await raw.next()).type).toBe('connection_ack');
    raw.send({
      id: '1',
      type: 'subscribe',
      payload: { query: LOGS, variables: { ref: name, follow: true } },
    });
    const first = await raw.next();
    expect(first).toMatchObject({
      id: '1',
      type: 'next',
      payload: { data: { containerLogs: { __typename: 'LogLines' } } },
    });
    expect(gateway.engine.openStreams).toBe(before + 1);
    // No close frame, no complete: the TCP connection just goes away.
    raw.socket.terminate();
    await openStreamsBackTo(before);
  });
});

describe('SSE disconnects', () => {
  it('closes the engine stream within 1 s of the SSE client aborting its fetch', async () => {
    const name = await quietContainer();
    const before = gateway.engine.openStreams;
    const controller = new AbortController();
    const response = await sseOpen(LOGS, { ref: name, follow: true }, controller.signal);
    const frames = sseFrames(response.body as ReadableStream<Uint8Array>);
    const first = await within(frames.next(), 10_000, 'the first SSE frame');
    expect(first.value?.event).toBe('next');
    expect(JSON.parse(first.value?.data ?? '{}')).toMatchObject({
      data: { containerLogs: { __typename: 'LogLines', lines: [{ text: 'one' }] } },
    });
    expect(gateway.engine.openStreams).toBe(before + 1);
    controller.abort();
    await frames.return(undefined).catch(() => {});
    await openStreamsBackTo(before);
  });
});
