import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditContext, AuditEntry } from '../../src/audit.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/principal.ts';
import type { EngineClient } from '../../src/engine/client.ts';
import {
  attachExecOutput,
  createExecIn,
  type ExecEvent,
  runExecToEnd,
  writeExecInput,
} from '../../src/model/exec.ts';
import { rejection } from '../helpers/errors.ts';
import { collect, fakeClient, frame } from '../helpers/fake-client.ts';
import { type FakeEngine, sendJson, startFakeEngine, within } from '../helpers/fake-engine.ts';

const EXEC = 'e'.repeat(64);
const CONTAINER = 'c'.repeat(64);
const CONFIG = {
  Cmd: ['sh'],
  Tty: false,
  AttachStdin: true,
  AttachStdout: true as const,
  AttachStderr: true as const,
};

/** How the fake answers, per test. */
interface Script {
  /** Exec inspect; `calls` counts from 1. */
  exec: (calls: number) => { Running: boolean; ExitCode: number | null; tty?: boolean };
  /** The hijacked connection of `POST /exec/{id}/start` with Upgrade; `stdin` gets what the client writes. */
  attach?: (
    socket: Duplex,
    stdin: (onData: (data: Buffer) => void, onEnd: () => void) => void,
  ) => void;
  /** `POST /exec/{id}/start` without Upgrade: the output as a multiplexed body. */
  run?: (res: ServerResponse) => void;
  container?: { Running: boolean; Paused?: boolean };
}

let script: Script;
let execInspections = 0;
let fake: FakeEngine;
let client: EngineClient;

/** Answers the upgrade as Engine 20.10 does: labelled raw-stream though multiplexed without TTY. */
function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
  socket.write(
    'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n' +
      'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n',
  );
  // The request body (Content-Length bytes) comes first; what follows is stdin.
  let skip = Number(req.headers['content-length'] ?? 0);
  const stdin = (onData: (data: Buffer) => void, onEnd: () => void) => {
    const take = (chunk: Buffer) => {
      const data = chunk.subarray(Math.min(skip, chunk.length));
      skip = Math.max(0, skip - chunk.length);
      if (data.length > 0) onData(data);
    };
    take(head);
    socket.on('data', take);
    socket.on('end', onEnd);
  };
  script.attach?.(socket, stdin);
}

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    const url = new URL(req.url ?? '', 'http://docker');
    if (url.pathname === `/v1.41/exec/${EXEC}/json`) {
      execInspections += 1;
      const state = script.exec(execInspections);
      return sendJson(res, 200, {
        ID: EXEC,
        ContainerID: CONTAINER,
        Running: state.Running,
        ExitCode: state.ExitCode,
        ProcessConfig: { tty: state.tty ?? false, entrypoint: 'sh', arguments: [] },
      });
    }
    if (url.pathname === '/v1.41/containers/box/json') {
      const state = script.container ?? { Running: true };
      return sendJson(res, 200, { Id: CONTAINER, State: { Paused: false, ...state } });
    }
    if (url.pathname === `/v1.41/containers/${CONTAINER}/exec`) {
      return sendJson(res, 201, { Id: EXEC });
    }
    if (url.pathname === `/v1.41/exec/${EXEC}/start` && script.run) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      return script.run(res);
    }
    sendJson(res, 404, { message: `no route for ${url.pathname}` });
  });
  fake.server.on('upgrade', upgrade);
  client = fakeClient(fake);
});

afterEach(() => {
  fake.requests.length = 0;
  execInspections = 0;
  audits.length = 0;
});

/** The audit lines the exec sessions wrote. */
const audits: AuditEntry[] = [];
const ctx: AuditContext = {
  principal: LOCAL_PRINCIPAL,
  audit: (_principal, entry) => audits.push(entry),
};
const session = (end: Record<string, unknown>) => {
  const targets = [`${client.name}/${CONTAINER}`, `${client.name}/${EXEC}`];
  return [
    { operation: 'execSession.start', decision: 'allow', targets, details: { tty: false } },
    { operation: 'execSession.end', decision: 'allow', targets, details: { tty: false, ...end } },
  ];
};
/** An attached session's lines: its end counts the input it took (none in these tests). */
const attached = (end: Record<string, unknown>) => session({ ...end, inputs: 0, inputBytes: 0 });

afterAll(async () => {
  await client?.close();
  await fake?.close();
});

const notStarted = { Running: false, ExitCode: null };
const outputs = (events: ExecEvent[]) =>
  events.map((e) => (e.kind === 'output' ? [e.stream, e.text, e.data.toString('hex')] : e));

describe('attachExecOutput', () => {
  it('yields output per stream, a character split between frames whole, then the exit', async () => {
    const e = Buffer.from('é');
    script = {
      exec: (calls) => (calls === 1 ? notStarted : { Running: false, ExitCode: 3 }),
      attach: (socket) => {
        socket.write(
          Buffer.concat([frame(1, Buffer.from([0x68, e[0] as number])), frame(2, 'oops\n')]),
        );
        socket.end(frame(1, Buffer.from([e[1] as number, 0x0a])));
      },
    };
    const events = await within(
      collect(attachExecOutput(ctx, client, EXEC, new AbortController().signal)),
      5_000,
      'the exec',
    );
    expect(outputs(events)).toEqual([
      ['stdout', 'h', `68${e.subarray(0, 1).toString('hex')}`],
      ['stderr', 'oops\n', Buffer.from('oops\n').toString('hex')],
      ['stdout', 'é\n', `${e.subarray(1).toString('hex')}0a`],
      { kind: 'exit', exitCode: 3 },
    ]);
    expect(client.execs.isAttached(EXEC)).toBe(false);
    expect(audits).toEqual(attached({ exitCode: 3 }));
  });

  it('waits for an exit the engine records well after the output ended, as a busy engine does', async () => {
    let endedAt = Number.POSITIVE_INFINITY;
    script = {
      exec: (calls) => {
        if (calls === 1) return notStarted;
        return performance.now() - endedAt < 2_000
          ? { Running: true, ExitCode: null }
          : { Running: false, ExitCode: 7 };
      },
      attach: (socket) => {
        endedAt = performance.now();
        socket.end(frame(1, 'bye\n'));
      },
    };
    const events = await within(
      collect(attachExecOutput(ctx, client, EXEC, new AbortController().signal)),
      5_000,
      'the exec',
    );
    expect(events.at(-1)).toEqual({ kind: 'exit', exitCode: 7 });
    expect(audits).toEqual(attached({ exitCode: 7 }));
  });

  it('writes the end line when the subscriber leaves before the process ends', async () => {
    script = {
      exec: () => notStarted,
      attach: (socket) => socket.write(frame(1, 'ready\n')),
    };
    for await (const event of attachExecOutput(ctx, client, EXEC, new AbortController().signal)) {
      if (event.kind === 'output') break;
    }
    // Released when the closed connection's socket closes, before the next test attaches.
    await vi.waitFor(() => expect(client.execs.isAttached(EXEC)).toBe(false));
    expect(audits).toEqual(attached({ exitCode: null, error: 'CLIENT_GONE' }));
  });

  it('holds the connection while attached, so input reaches the process', async () => {
    script = {
      exec: (calls) => (calls === 1 ? notStarted : { Running: false, ExitCode: 0 }),
      attach: (socket, stdin) => {
        socket.write(frame(1, 'ready\n'));
        const got: Buffer[] = [];
        stdin(
          (data) => got.push(data),
          () => socket.end(frame(1, `got:${Buffer.concat(got).toString()}`)),
        );
      },
    };
    const events: ExecEvent[] = [];
    for await (const event of attachExecOutput(ctx, client, EXEC, new AbortController().signal)) {
      events.push(event);
      if (event.kind === 'output' && event.text === 'ready\n') {
        expect(client.execs.isAttached(EXEC)).toBe(true);
        await writeExecInput(client, EXEC, Buffer.from('hello'), true);
      }
    }
    expect(outputs(events).map((e) => (Array.isArray(e) ? e[1] : e))).toEqual([
      'ready\n',
      'got:hello',
      { kind: 'exit', exitCode: 0 },
    ]);
  });

  it('refuses an exec already started, and input for an exec nobody holds', async () => {
    script = { exec: () => ({ Running: true, ExitCode: null }) };
    expect(
      await rejection(collect(attachExecOutput(ctx, client, EXEC, new AbortController().signal))),
    ).toMatchObject({
      code: 'CONFLICT',
    });
    // Never started: no session to audit.
    expect(audits).toEqual([]);
    expect(await rejection(writeExecInput(client, EXEC, Buffer.from('x'), false))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await rejection(writeExecInput(client, '../x', Buffer.from('x'), false))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('turns a connection the engine drops mid-frame into STREAM_DECODE_ERROR', async () => {
    script = {
      exec: () => notStarted,
      attach: (socket) => socket.end(frame(1, 'cut short').subarray(0, 12)),
    };
    expect(
      await rejection(collect(attachExecOutput(ctx, client, EXEC, new AbortController().signal))),
    ).toMatchObject({
      code: 'STREAM_DECODE_ERROR',
    });
    expect(audits).toEqual(attached({ exitCode: null, error: 'STREAM_DECODE_ERROR' }));
  });
});

describe('runExecToEnd', () => {
  it('keeps each stream up to the cap in JSON bytes, charging what it keeps', async () => {
    script = {
      exec: () => ({ Running: false, ExitCode: 0 }),
      run: (res) => {
        res.write(frame(1, 'x'.repeat(6)));
        res.write(frame(2, 'ab\u0000cd'));
        res.end(frame(1, 'y'.repeat(6)));
      },
    };
    const charged: number[] = [];
    const result = await runExecToEnd(ctx, { name: client.name, api: client.api }, 'box', CONFIG, {
      outputCap: 8,
      charge: (bytes) => charged.push(bytes),
    });
    // A NUL is six bytes of JSON: `ab` and the NUL fill the eight.
    expect(result).toEqual({
      exitCode: 0,
      stdout: 'xxxxxxyy',
      stderr: 'ab\u0000',
      truncated: true,
    });
    expect(charged).toEqual([6, 8, 2]);
    const create = fake.requests.find((r) => r.url.endsWith('/exec'));
    expect(JSON.parse(create?.body ?? '{}')).toEqual(CONFIG);
    expect(audits).toEqual(session({ exitCode: 0 }));
  });

  it('refuses a container that is not running, creating nothing', async () => {
    script = { exec: () => notStarted, container: { Running: false } };
    expect(
      await rejection(
        createExecIn(LOCAL_PRINCIPAL, { name: client.name, api: client.api }, 'box', CONFIG),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
      message: 'container box is not running',
    });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });
});
