import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeEngine,
  sendJson,
  sendPing,
  startFakeEngine,
  within,
} from '../helpers/fake-engine.ts';
import {
  type GraphQLError,
  type Result,
  startGateway,
  type TestGateway,
} from '../helpers/gateway.ts';

/**
 * A fake engine that answers logs and events with broken bytes: bad frame types, absurd frame
 * lengths, frames cut short, in-band daemon errors, JSON split or mangled. Every case must end in a
 * coded GraphQL error (or be survived), never in a crash, a hang or a huge allocation.
 */

const ID = 'c0ffee'.padEnd(64, '0');

const INSPECT = {
  Id: ID,
  Name: '/x',
  Config: { Tty: false, Image: 'x', Labels: {} },
  State: {
    Status: 'exited',
    Running: false,
    Paused: false,
    Dead: false,
    ExitCode: 0,
    // An exited container: the engine stamps when its run ended.
    StartedAt: '2026-01-01T00:00:01Z',
    FinishedAt: '2026-01-01T00:00:02Z',
  },
  NetworkSettings: { Ports: {}, Networks: {} },
  Mounts: [],
  HostConfig: {},
  Created: '2026-01-01T00:00:00Z',
  Path: 'x',
  Args: [],
  Image: 'sha256:x',
  RestartCount: 0,
};

/** What the fake answers on the logs path; each test sets its own. */
let logsBody: (res: ServerResponse) => void = (res) => res.end();

/** The fake's event buffer, replayed from `since` as dockerd does; live responses get new lines. */
let eventBuffer: { nanos: bigint; line: string }[] = [];
const liveEvents = new Set<ServerResponse>();
let clock = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

let fake: FakeEngine;
let gateway: TestGateway;
/** A second gateway, on the real engine, in the same process. */
let real: TestGateway;

const toNanos = (value: string | null) =>
  value === null ? undefined : BigInt(value.replace('.', '').padEnd(19, '0'));

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    const url = new URL(req.url ?? '', 'http://docker');
    if (url.pathname === '/_ping') return sendPing(res, '1.41');
    if (
      url.pathname === '/v1.41/containers/x/json' ||
      url.pathname === `/v1.41/containers/${ID}/json`
    )
      return sendJson(res, 200, INSPECT);
    if (url.pathname === `/v1.41/containers/${ID}/logs`) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      res.flushHeaders();
      return logsBody(res);
    }
    if (url.pathname === '/v1.41/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      // dockerd flushes the head at once; node would hold it until the first event.
      res.flushHeaders();
      const since = toNanos(url.searchParams.get('since'));
      if (since !== undefined) {
        for (const { nanos, line } of eventBuffer) if (nanos >= since) res.write(`${line}\n`);
      }
      liveEvents.add(res);
      res.on('close', () => liveEvents.delete(res));
      return;
    }
    sendJson(res, 404, { message: `no route for ${url.pathname}` });
  });
  gateway = await startGateway({ dockerHost: `unix://${fake.socketPath}`, timeoutMs: 2_000 });
  real = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
  await real?.stop();
  await fake?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One multiplexed frame: [type, 0, 0, 0, uint32 BE length] + payload. */
function frame(type: number, payload: string | Buffer, announced?: number): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(announced ?? data.length, 4);
  return Buffer.concat([header, data]);
}

/** A stdout log message as the engine sends it with timestamps on. */
const line = (text: string, n = 1) => frame(1, `2026-01-01T00:00:0${n}.000000001Z ${text}\n`);

const LOGS = `subscription {
  containerLogs(ref: "x", follow: true) {
    __typename
    ... on LogLines { lines { stream text } }
    ... on LogEnd { reason exitCode }
  }
}`;

type LogEvent =
  | { __typename: 'LogLines'; lines: { stream: string; text: string }[] }
  | { __typename: 'LogEnd'; reason: string; exitCode: number | null };

/**
 * Reads a log subscription to its end: the lines, then the errors it ended with (graphql-ws
 * rejects the iteration with the errors array, or sends them in a result).
 */
async function readLogs(client = gateway) {
  const texts: string[] = [];
  const events: LogEvent[] = [];
  let errors: GraphQLError[] | undefined;
  const started = Date.now();
  try {
    for await (const result of client.subscribe<{ containerLogs: LogEvent }>(LOGS)) {
      if (result.errors) {
        errors = result.errors;
        break;
      }
      const event = (result as Result<{ containerLogs: LogEvent }>).data?.containerLogs;
      if (event) events.push(event);
      if (event?.__typename === 'LogLines') texts.push(...event.lines.map((l) => l.text));
    }
  } catch (thrown) {
    if (!Array.isArray(thrown)) throw thrown;
    errors = thrown as GraphQLError[];
  }
  return { texts, events, errors, ms: Date.now() - started };
}

async function streamsClosed() {
  const deadline = Date.now() + 2_000;
  while (gateway.engine.openStreams !== 0) {
    if (Date.now() > deadline) throw new Error('the engine stream stayed open');
    await sleep(10);
  }
}

describe('containerLogs over a malformed multiplexed stream', () => {
  beforeEach(() => {
    logsBody = (res) => res.end();
  });

  it('(a) stream type 7: the lines before it arrive, then STREAM_DECODE_ERROR', async () => {
    logsBody = async (res) => {
      res.write(Buffer.concat([line('first', 1), line('second', 2)]));
      await sleep(100);
      res.write(Buffer.concat([frame(7, 'what is this'), line('never', 3)]));
    };
    const { texts, events, errors } = await within(readLogs(), 10_000, 'the logs to fail');
    expect(texts).toEqual(['first', 'second']);
    expect(events.every((e) => e.__typename === 'LogLines')).toBe(true);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['STREAM_DECODE_ERROR']);
    expect(errors?.[0]?.message).toMatch(/stream type 7/);
    await streamsClosed();
  });

  it('(a) stream type 7 in the same read as the good frames: still the lines before it, then STREAM_DECODE_ERROR', async () => {
    // The same bytes as above in one write: what arrives must not depend on how reads split them.
    logsBody = (res) => {
      res.write(
        Buffer.concat([line('first', 1), line('second', 2), frame(7, 'what is this'), line('x')]),
      );
    };
    const { texts, errors } = await within(readLogs(), 10_000, 'the logs to fail');
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['STREAM_DECODE_ERROR']);
    expect(texts).toEqual(['first', 'second']);
    await streamsClosed();
  });

  it('(b) a header announcing 0xFFFFFFFF bytes: STREAM_DECODE_ERROR at once, without buffering toward it', async () => {
    const rssBefore = process.memoryUsage().rss;
    logsBody = async (res) => {
      res.write(line('before', 1));
      await sleep(50);
      // The header and a little payload, then the connection stays open and quiet: the decoder
      // must refuse on the header alone instead of waiting for (and buffering) 4 GiB.
      res.write(frame(1, 'x'.repeat(1024), 0xffffffff));
    };
    const { texts, errors, ms } = await within(readLogs(), 5_000, 'the logs to fail');
    expect(texts).toEqual(['before']);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['STREAM_DECODE_ERROR']);
    expect(errors?.[0]?.message).toMatch(/4294967295/);
    expect(ms).toBeLessThan(2_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    await streamsClosed();
    // The quiet fake response was abandoned by the gateway, not left hanging.
    const logsRequest = fake.requests.filter((r) => r.url.includes('/logs')).at(-1);
    await within(logsRequest?.closed ?? Promise.resolve(), 2_000, 'the fake logs request to close');
  });

  it('(c) a frame cut short by the end of the response: the complete lines, then STREAM_DECODE_ERROR', async () => {
    logsBody = async (res) => {
      res.write(Buffer.concat([line('one', 1), line('two', 2)]));
      await sleep(50);
      // Announces 100 bytes, sends 10, and the response ends cleanly (chunked terminator).
      res.end(frame(1, '2026-01-01', 100));
    };
    const { texts, errors } = await within(readLogs(), 10_000, 'the logs to fail');
    expect(texts).toEqual(['one', 'two']);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['STREAM_DECODE_ERROR']);
    expect(errors?.[0]?.message).toMatch(/ended inside a frame/);
    await streamsClosed();
  });

  it('(d) a system frame (type 3) saying "boom": ENGINE_ERROR with the message', async () => {
    logsBody = async (res) => {
      res.write(line('fine', 1));
      await sleep(50);
      res.write(frame(3, 'boom'));
    };
    const { texts, errors } = await within(readLogs(), 10_000, 'the logs to fail');
    expect(texts).toEqual(['fine']);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['ENGINE_ERROR']);
    expect(errors?.[0]?.message).toContain('boom');
    await streamsClosed();
  });

  it('(e) keeps serving afterwards: the same process answers queries and health checks', async () => {
    const engine = await real.data<{ engine: { name: string } }>('{ engine { name } }');
    expect(engine.engine.name).toBe('local');
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    // And the fake-engine gateway still streams a well-formed log to its end.
    logsBody = (res) => res.end(Buffer.concat([line('ok', 1)]));
    const { texts, events, errors } = await within(readLogs(), 10_000, 'a good log');
    expect(errors).toBeUndefined();
    expect(texts).toEqual(['ok']);
    expect(events.at(-1)).toEqual({ __typename: 'LogEnd', reason: 'EXITED', exitCode: 0 });
  });
});

describe('events over a malformed JSON stream', () => {
  /** Adds an event to the fake's buffer and returns its line, without sending it. */
  function event(action: string): { nanos: bigint; line: string } {
    clock += 1_000_000n;
    const body = {
      Type: 'container',
      Action: action,
      Actor: { ID: ID, Attributes: { name: 'x' } },
      scope: 'local',
      time: Number(clock / 1_000_000_000n),
      timeNano: '§',
    };
    // timeNano as the engine writes it: exact, beyond what a JS number holds.
    const entry = { nanos: clock, line: JSON.stringify(body).replace('"§"', String(clock)) };
    eventBuffer.push(entry);
    return entry;
  }
  const writeLive = (text: string) => {
    for (const res of liveEvents) res.write(text);
  };
  const eventsRequests = () => fake.requests.filter((r) => r.url.startsWith('/v1.41/events'));

  /** An events subscription whose items are collected as they come. */
  async function subscribeEvents() {
    eventBuffer = [];
    const received: { __typename: string; action?: string; timeNano?: string }[] = [];
    let failure: unknown;
    const subscription = gateway.subscribe<{
      events: { __typename: string; action?: string; timeNano?: string };
    }>(
      `subscription { events {
        __typename
        ... on EngineEvent { action timeNano }
        ... on EventGap { reason }
      } }`,
    );
    const reading = (async () => {
      try {
        for await (const result of subscription) {
          if (result.errors) throw result.errors;
          if (result.data) received.push(result.data.events);
        }
      } catch (error) {
        failure = error;
      }
    })();
    const waitForLive = async () => {
      const deadline = Date.now() + 5_000;
      while (liveEvents.size === 0) {
        if (Date.now() > deadline) throw new Error('the hub never connected');
        await sleep(10);
      }
    };
    await waitForLive();
    return {
      received,
      waitForLive,
      async waitFor(count: number, what: string) {
        const deadline = Date.now() + 5_000;
        while (received.length < count) {
          if (failure) throw new Error(`the subscription failed: ${JSON.stringify(failure)}`);
          if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(received)}`);
          }
          await sleep(10);
        }
      },
      async stop() {
        // Nothing more, and nothing twice.
        await sleep(100);
        expect(failure).toBeUndefined();
        await subscription.return?.();
        await within(reading, 2_000, 'the subscription to end');
        const deadline = Date.now() + 2_000;
        while (gateway.engine.events.subscribers !== 0 || liveEvents.size !== 0) {
          if (Date.now() > deadline) throw new Error('the hub did not let go of /events');
          await sleep(10);
        }
      },
    };
  }

  it('joins split lines, splits joined ones, and survives a line that is not JSON', async () => {
    const events = await subscribeEvents();
    const { received, waitFor } = events;

    // One event written in two pieces, 50 ms apart.
    const split = event('split');
    writeLive(split.line.slice(0, 25));
    await sleep(50);
    writeLive(`${split.line.slice(25)}\n`);
    await waitFor(1, 'the split event');
    expect(received[0]).toEqual({
      __typename: 'EngineEvent',
      action: 'split',
      timeNano: String(split.nanos),
    });

    // Two events in one write.
    const a = event('two-a');
    const b = event('two-b');
    writeLive(`${a.line}\n${b.line}\n`);
    await waitFor(3, 'both events of one write');

    // A line that is not JSON between two events: the hub drops that connection, reconnects with
    // `since` = the last event it saw, and the fake replays from there.
    const requestsBefore = eventsRequests().length;
    const before = event('before-garbage');
    writeLive(`${before.line}\n`);
    await waitFor(4, 'the event before the garbage');
    writeLive('this is not json\n');
    const after = event('after-garbage');
    writeLive(`${after.line}\n`);
    await waitFor(5, 'the event after the garbage');
    expect(eventsRequests().length).toBe(requestsBefore + 1);
    const resumed = new URL(eventsRequests().at(-1)?.url ?? '', 'http://docker');
    expect(toNanos(resumed.searchParams.get('since'))).toBe(before.nanos);

    // And live events flow on the new connection.
    await events.waitForLive();
    const live = event('live');
    writeLive(`${live.line}\n`);
    await waitFor(6, 'a live event after the reconnect');

    await events.stop();
    // Every event exactly once, in order, and no gap: the replay proved continuity.
    expect(received.map((e) => e.action ?? e.__typename)).toEqual([
      'split',
      'two-a',
      'two-b',
      'before-garbage',
      'after-garbage',
      'live',
    ]);
  });

  it('delivers every event exactly once when a good line and a bad one share a read', async () => {
    const events = await subscribeEvents();
    const first = event('first');
    writeLive(`${first.line}\n`);
    await events.waitFor(1, 'the first event');
    // The good line is parsed in the same push that meets the bad one; whether the hub takes it
    // from this connection or from the replay, it must arrive once.
    const good = event('good');
    const after = event('after');
    writeLive(`${good.line}\n{not json\n${after.line}\n`);
    await events.waitFor(3, 'the events around the garbage');
    await events.stop();
    expect(events.received.map((e) => e.action ?? e.__typename)).toEqual([
      'first',
      'good',
      'after',
    ]);
  });
});
