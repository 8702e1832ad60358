import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../../src/auth/principal.ts';
import type { EngineClient } from '../../src/engine/client.ts';
import { ResponseTooLargeError } from '../../src/engine/errors.ts';
import {
  followLogs,
  type LogEntry,
  type LogEvent,
  type LogSelection,
  readLogHistory,
} from '../../src/model/logs.ts';
import { rejection } from '../helpers/errors.ts';
import { collect, fakeClient, frame } from '../helpers/fake-client.ts';
import { type FakeEngine, sendJson, startFakeEngine, within } from '../helpers/fake-engine.ts';

const ID = 'feed'.padEnd(64, '0');
const TS1 = '2026-01-01T00:00:01.000000001Z';
const TS2 = '2026-01-01T00:00:02.000000001Z';
const TS3 = '2026-01-01T00:00:03.5Z';

function inspect(state: { Status: string; Dead?: boolean; ExitCode: number }, tty = false) {
  return {
    Id: ID,
    Name: '/talker',
    Config: { Tty: tty },
    State: {
      Running: state.Status === 'running',
      Paused: false,
      Restarting: false,
      Dead: false,
      // The engine stamps the end of a run; a zero time means none ended.
      FinishedAt: state.Status === 'running' ? '0001-01-01T00:00:00Z' : '2026-11-28T00:23:49Z',
      ...state,
    },
  };
}

/** A stdout (1) or stderr (2) log message as the engine sends it with timestamps on. */
const message = (type: 1 | 2, timestamp: string, text: string) =>
  frame(type, `${timestamp} ${text}\n`);

/** The head of a multiplexed log body, flushed at once as the engine does. */
function multiplexed(res: ServerResponse): ServerResponse {
  res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
  res.flushHeaders();
  return res;
}

/** How the fake answers, per test: container inspect, the log follow, and history reads. */
interface Script {
  inspect: (res: ServerResponse, calls: number) => void;
  logs: (res: ServerResponse, query: URLSearchParams) => void;
}

let script: Script;
/** Container inspections in this test so far. */
let inspections = 0;
let fake: FakeEngine;
let client: EngineClient;

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    const url = new URL(req.url ?? '', 'http://docker');
    if (
      url.pathname === '/v1.41/containers/talker/json' ||
      url.pathname === `/v1.41/containers/${ID}/json`
    ) {
      inspections += 1;
      return script.inspect(res, inspections);
    }
    if (url.pathname === `/v1.41/containers/${ID}/logs`) return script.logs(res, url.searchParams);
    sendJson(res, 404, { message: `no route for ${url.pathname}` });
  });
  client = fakeClient(fake);
});

afterEach(() => {
  fake.requests.length = 0;
  inspections = 0;
});

afterAll(async () => {
  await client?.close();
  await fake?.close();
});

const ALL: LogSelection & { follow: boolean } = {
  follow: true,
  stdout: true,
  stderr: true,
  timestamps: false,
};

const texts = (events: LogEvent[]) =>
  events.map((event) => (event.kind === 'lines' ? event.lines.map((l) => l.text) : event));

function follow(selection: Partial<LogSelection & { follow: boolean }> = {}, signal?: AbortSignal) {
  return followLogs(
    LOCAL_PRINCIPAL,
    client.api,
    'talker',
    { ...ALL, ...selection },
    signal ?? new AbortController().signal,
  );
}

describe('followLogs', () => {
  it('catches up from history when the engine closes a follow early, then ends EXITED', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'exited', ExitCode: 3 })),
      logs: (res, query) => {
        if (query.get('follow') === '1') {
          multiplexed(res).end(Buffer.concat([message(1, TS1, 'one'), message(2, TS2, 'two')]));
          return;
        }
        // The history from the last delivered timestamp on: `two` again, then what the follow missed.
        multiplexed(res).end(
          Buffer.concat([
            message(2, TS2, 'two'),
            message(1, TS3, 'three'),
            message(2, TS3, 'four'),
          ]),
        );
      },
    };
    const events = await collect(follow());
    expect(texts(events)).toEqual([
      ['one', 'two'],
      ['three', 'four'],
      { kind: 'end', reason: 'EXITED', exitCode: 3 },
    ]);
    const history = fake.requests.find(
      (r) => r.url.includes('/logs') && !r.url.includes('follow=1'),
    );
    expect(new URL(history?.url ?? '', 'http://docker').searchParams.get('since')).toBe(
      '1767225602.000000001',
    );
  });

  it('skips in the catch-up what two batches of the follow delivered with one timestamp', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'exited', ExitCode: 0 })),
      logs: (res, query) => {
        if (query.get('follow') === '1') {
          const body = multiplexed(res);
          body.write(Buffer.concat([message(1, TS1, 'zero'), message(1, TS2, 'a')]));
          setTimeout(
            () => body.end(Buffer.concat([message(2, TS2, 'b'), message(1, TS2, 'c')])),
            50,
          );
          return;
        }
        multiplexed(res).end(
          Buffer.concat([
            message(1, TS2, 'a'),
            message(2, TS2, 'b'),
            message(1, TS2, 'c'),
            message(2, TS2, 'missed'),
            message(1, TS2, 'missed too'),
            message(1, TS3, 'later'),
          ]),
        );
      },
    };
    expect(texts(await collect(follow()))).toEqual([
      ['zero', 'a'],
      ['b', 'c'],
      ['missed', 'missed too', 'later'],
      { kind: 'end', reason: 'EXITED', exitCode: 0 },
    ]);
  });

  it('keeps cursors always and timestamps only when asked', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'exited', ExitCode: 0 })),
      logs: (res) => multiplexed(res).end(message(1, TS1, 'one')),
    };
    const [plain] = await collect(follow({ follow: false }));
    const [stamped] = await collect(follow({ follow: false, timestamps: true }));
    expect(plain).toEqual({
      kind: 'lines',
      lines: [{ stream: 'stdout', text: 'one', timestamp: null, cursor: TS1 }],
    });
    expect(stamped).toEqual({
      kind: 'lines',
      lines: [{ stream: 'stdout', text: 'one', timestamp: TS1, cursor: TS1 }],
    });
  });

  it('ends with HISTORY_END after the history when not following, with no catch-up read', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) =>
        multiplexed(res).end(
          Buffer.concat([message(1, TS1, 'one'), frame(1, `${TS2} no newline`)]),
        ),
    };
    const events = await collect(follow({ follow: false, tail: 2 }));
    expect(texts(events)).toEqual([
      ['one'],
      ['no newline'],
      { kind: 'end', reason: 'HISTORY_END', exitCode: null },
    ]);
    const reads = fake.requests.filter((r) => r.url.includes('/logs'));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.url).toContain('tail=2');
  });

  it('ends REMOVED when the container is gone after the follow', async () => {
    script = {
      inspect: (res, calls) =>
        calls === 1
          ? sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 }))
          : sendJson(res, 404, { message: 'No such container' }),
      logs: (res, query) => {
        if (query.get('follow') === '1') multiplexed(res).end(message(1, TS1, 'bye'));
        else sendJson(res, 404, { message: 'No such container' });
      },
    };
    const events = await collect(follow());
    expect(texts(events)).toEqual([['bye'], { kind: 'end', reason: 'REMOVED', exitCode: null }]);
  });

  it('ends REMOVED with the exit code while the engine is removing the container', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'removing', ExitCode: 137 })),
      logs: (res) => multiplexed(res).end(),
    };
    const events = await collect(follow());
    expect(events).toEqual([{ kind: 'end', reason: 'REMOVED', exitCode: 137 }]);
  });

  it('ends ENGINE_GONE when the engine drops the connection mid-stream', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) => {
        multiplexed(res).write(message(1, TS1, 'hi'));
        setTimeout(() => res.socket?.destroy(), 50);
      },
    };
    const events = await within(collect(follow()), 5_000, 'the end of the stream');
    expect(texts(events)).toEqual([['hi'], { kind: 'end', reason: 'ENGINE_GONE', exitCode: null }]);
  });

  it('ends quietly, closing the engine stream, when its signal aborts', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) => multiplexed(res).write(message(1, TS1, 'hi')),
    };
    const stop = new AbortController();
    const events: LogEvent[] = [];
    for await (const event of follow({}, stop.signal)) {
      events.push(event);
      stop.abort();
    }
    expect(texts(events)).toEqual([['hi']]);
    const stream = fake.requests.find((r) => r.url.includes('follow=1'));
    await within(stream?.closed ?? Promise.reject(new Error('no follow')), 5_000, 'the close');
    expect(stream?.aborted).toBe(true);
  });

  it('names the ref it could not find, and refuses a negative tail before any call', async () => {
    script = {
      inspect: (res) => sendJson(res, 404, { message: 'No such container: talker' }),
      logs: (res) => multiplexed(res).end(),
    };
    expect(await rejection(collect(follow()))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no container matches "talker"',
    });
    fake.requests.length = 0;
    expect(await rejection(collect(follow({ tail: -1 })))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('readLogHistory', () => {
  const budget = (max: number, kept: string[] = []) => {
    let raw = 0;
    return {
      read(bytes: number) {
        raw += bytes;
        if (raw > max) throw new ResponseTooLargeError('too much');
      },
      line(line: { text: string }) {
        kept.push(line.text);
      },
    };
  };

  it('reads whole lines, framed as the content type says, counting each against the budget', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) =>
        multiplexed(res).end(Buffer.concat([message(1, TS1, 'a'), message(2, TS2, 'b')])),
    };
    const kept: string[] = [];
    const lines: LogEntry[] = await readLogHistory(
      client.api,
      ID,
      { stdout: true, stderr: true, tail: 10, timestamps: true },
      { tty: async () => true, budget: budget(1024, kept) },
    );
    expect(lines).toEqual([
      { stream: 'stdout', text: 'a', timestamp: TS1, cursor: TS1 },
      { stream: 'stderr', text: 'b', timestamp: TS2, cursor: TS2 },
    ]);
    expect(kept).toEqual(['a', 'b']);
  });

  it('reads a TTY container raw, as its Tty setting says, though the engine labels no framing', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 }, true)),
      logs: (res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
        res.end(`${TS1} one\r\n${TS2} two\r\n`);
      },
    };
    const lines = await readLogHistory(
      client.api,
      ID,
      { stdout: true, stderr: true, timestamps: false },
      { tty: async () => true, budget: budget(1024) },
    );
    expect(lines).toEqual([
      { stream: 'stdout', text: 'one', timestamp: null, cursor: TS1 },
      { stream: 'stdout', text: 'two', timestamp: null, cursor: TS2 },
    ]);
  });

  it("ends with its caller's signal's reason when that is a coded error", async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) => multiplexed(res).write(message(1, TS1, 'then nothing')),
    };
    const caller = new AbortController();
    const reading = readLogHistory(
      client.api,
      ID,
      { stdout: true, stderr: true, timestamps: false },
      { tty: async () => false, budget: budget(1024), signal: caller.signal },
    );
    setTimeout(() => caller.abort(new ResponseTooLargeError('the operation is over budget')), 50);
    expect(await rejection(reading)).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      message: 'the operation is over budget',
    });
  });

  it('stops at the budget and closes the engine stream', async () => {
    script = {
      inspect: (res) => sendJson(res, 200, inspect({ Status: 'running', ExitCode: 0 })),
      logs: (res) => {
        multiplexed(res).write(message(1, TS1, 'x'.repeat(4096)));
        // The rest never comes: the reader must not wait for it.
      },
    };
    const error = await rejection(
      readLogHistory(
        client.api,
        ID,
        { stdout: true, stderr: true, timestamps: false },
        { tty: async () => false, budget: budget(1024) },
      ),
    );
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    const stream = fake.requests.find((r) => r.url.includes('/logs'));
    await within(stream?.closed ?? Promise.reject(new Error('no read')), 5_000, 'the close');
  });
});
