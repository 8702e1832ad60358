import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngineApi } from '../../src/engine/api.ts';
import { framingOf } from '../../src/engine/decode/framing.ts';
import { type Frame, MultiplexedDecoder } from '../../src/engine/decode/multiplexed.ts';
import type { EngineEndpoint } from '../../src/engine/docker-host.ts';
import { EngineError, EngineUnavailableError, type WharfError } from '../../src/engine/errors.ts';
import { type Hijacked, hijack } from '../../src/engine/hijack.ts';
import { createTransport, type Transport } from '../../src/engine/transport.ts';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { rejection } from '../helpers/errors.ts';
import {
  type RawFakeEngine,
  readRawRequest,
  startRawFakeEngine,
  within,
} from '../helpers/fake-engine.ts';

const UPGRADED =
  'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n' +
  'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n';

let engines: RawFakeEngine[] = [];
let hijacked: Hijacked[] = [];

afterEach(async () => {
  for (const h of hijacked) h.close();
  await Promise.all(engines.map((engine) => engine.close()));
  engines = [];
  hijacked = [];
});

function unix(socketPath: string): EngineEndpoint {
  return { kind: 'unix', socketPath, origin: 'http://docker' };
}

async function fakeEngine(onConnection: (socket: Socket) => void) {
  const engine = await startRawFakeEngine(onConnection);
  engines.push(engine);
  return engine;
}

async function start(
  engine: RawFakeEngine,
  options: { path?: string; body?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Hijacked> {
  const result = await hijack(unix(engine.socketPath), {
    method: 'POST',
    path: options.path ?? '/v1.41/exec/abc/start',
    body: 'body' in options ? options.body : { Detach: false, Tty: false },
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.signal && { signal: options.signal }),
  });
  hijacked.push(result);
  return result;
}

/** Awaits a rejection and returns the error (fails the test if the promise resolves). */

/** Resolves with the next chunk the stream delivers. */
function nextChunk(stream: Duplex): Promise<string> {
  return within(
    new Promise<string>((resolve) =>
      stream.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    ),
    5000,
    'a chunk',
  );
}

function closed(socket: Socket): Promise<void> {
  return within(
    new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    }),
    5000,
    'the server side to close',
  );
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads the request and never answers (reading, so it notices when the client goes away). */
const neverAnswer = (socket: Socket) => {
  socket.resume();
};

/** Answers an error as the engine does: JSON with Content-Length, connection left open. */
function answerError(status: string, message: string) {
  return async (socket: Socket) => {
    await readRawRequest(socket);
    const body = JSON.stringify({ message });
    socket.write(
      `HTTP/1.1 ${status}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
}

describe('hijack against a fake engine', () => {
  it('sends the request, delivers early bytes first, then echoes both ways and half-closes', async () => {
    let request: Awaited<ReturnType<typeof readRawRequest>> | undefined;
    let serverSawEnd = false;
    const engine = await fakeEngine(async (socket) => {
      request = await readRawRequest(socket);
      // Head and the first bytes of the stream in one write, as the engine may send them.
      socket.write(`${UPGRADED}early-bytes|`);
      socket.on('data', (chunk) => socket.write(chunk));
      socket.on('end', () => {
        serverSawEnd = true;
        socket.end('bye');
      });
    });
    const result = await start(engine, { body: { Detach: false, Tty: false, note: 'é' } });

    expect(result.statusCode).toBe(101);
    expect(result.contentType).toBe('application/vnd.docker.multiplexed-stream');
    expect(result.headers).toEqual({
      'content-type': 'application/vnd.docker.multiplexed-stream',
      connection: 'Upgrade',
      upgrade: 'tcp',
    });
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1.41/exec/abc/start');
    expect(request?.headers).toMatchObject({
      host: 'docker',
      'content-type': 'application/json',
      connection: 'Upgrade',
      upgrade: 'tcp',
    });
    const json = JSON.stringify({ Detach: false, Tty: false, note: 'é' });
    expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(json)));
    expect(JSON.parse(request?.body ?? '')).toEqual({ Detach: false, Tty: false, note: 'é' });

    // A consumer that starts reading late still gets the early bytes, first.
    await sleep(30);
    const received: string[] = [];
    const ended = new Promise<void>((resolve) => result.socket.once('end', resolve));
    result.socket.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    await within(
      (async () => {
        while (received.join('') !== 'early-bytes|') await sleep(5);
      })(),
      5000,
      'the early bytes',
    );
    result.socket.write('ping|');
    await within(
      (async () => {
        while (received.join('') !== 'early-bytes|ping|') await sleep(5);
      })(),
      5000,
      'the echo',
    );
    result.socket.end();
    await within(ended, 5000, 'the end of the stream');
    expect(serverSawEnd).toBe(true);
    expect(received.join('')).toBe('early-bytes|ping|bye');
  });

  it('delivers early bytes to a for-await consumer, also when the engine ends at once', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.end(`${UPGRADED}all of it`);
    });
    const result = await start(engine);
    expect((await readAll(result.socket)).toString()).toBe('all of it');
  });

  it('reads a response head that arrives in pieces', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      for (const piece of [UPGRADED.slice(0, 5), UPGRADED.slice(5, 40), UPGRADED.slice(40, -1)]) {
        socket.write(piece);
        await sleep(10);
      }
      socket.write(`${UPGRADED.slice(-1)}x`);
      socket.on('data', (chunk) => socket.write(chunk));
    });
    const result = await start(engine);
    expect(result.statusCode).toBe(101);
    expect(await nextChunk(result.socket)).toBe('x');
    result.socket.write('y');
    expect(await nextChunk(result.socket)).toBe('y');
  });

  it('accepts a 200 answer followed by the raw stream (older engines)', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw');
    });
    const result = await start(engine);
    expect(result.statusCode).toBe(200);
    expect(result.contentType).toBe('application/vnd.docker.raw-stream');
    expect((await readAll(result.socket)).toString()).toBe('raw');
  });

  it('sends no body and no Content-Type when there is no body', async () => {
    let request: Awaited<ReturnType<typeof readRawRequest>> | undefined;
    const engine = await fakeEngine(async (socket) => {
      request = await readRawRequest(socket);
      socket.end(UPGRADED);
    });
    await start(engine, { path: '/v1.41/containers/c1/attach?stream=1&stdin=1', body: undefined });
    expect(request?.path).toBe('/v1.41/containers/c1/attach?stream=1&stdin=1');
    expect(request?.headers['content-length']).toBe('0');
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.body).toBe('');
  });

  it('turns 404 into NOT_FOUND with the engine message and closes the socket', async () => {
    const engine = await fakeEngine(answerError('404 Not Found', 'No such exec instance: abc'));
    const error = await rejection(start(engine));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('NOT_FOUND');
    expect((error as EngineError).statusCode).toBe(404);
    expect((error as Error).message).toBe('No such exec instance: abc');
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    await closed(server);
  });

  it('turns 409 into CONFLICT', async () => {
    const engine = await fakeEngine(answerError('409 Conflict', 'Container abc is not running'));
    const error = await rejection(start(engine));
    expect((error as EngineError).code).toBe('CONFLICT');
    expect((error as Error).message).toBe('Container abc is not running');
  });

  it('reads a chunked error body', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      const body = JSON.stringify({ message: 'something broke' });
      socket.write(
        'HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n' +
          `5\r\n${body.slice(0, 5)}\r\n`,
      );
      await sleep(10);
      socket.write(`${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\n\r\n`);
    });
    const error = await rejection(start(engine));
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as EngineError).statusCode).toBe(500);
    expect((error as Error).message).toBe('something broke');
  });

  it('reads an error body without length until the engine closes', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\nplain text problem\n');
    });
    const error = await rejection(start(engine));
    expect((error as EngineError).code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toBe('plain text problem');
  });

  it('fails with ENGINE_UNAVAILABLE quickly when the socket is missing, without the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-hijack-'));
    const socketPath = join(dir, 'nothing-here.sock');
    try {
      const started = Date.now();
      const error = await rejection(
        hijack(unix(socketPath), { method: 'POST', path: '/v1.41/exec/x/start', timeoutMs: 5000 }),
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(EngineUnavailableError);
      expect((error as WharfError).code).toBe('ENGINE_UNAVAILABLE');
      expect((error as Error).message).not.toContain(socketPath);
      expect((error as Error).message).not.toContain(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with ENGINE_UNAVAILABLE when the engine never answers, and closes the socket', async () => {
    const engine = await fakeEngine(neverAnswer);
    const started = Date.now();
    const error = await rejection(start(engine, { timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error as WharfError).code).toBe('ENGINE_UNAVAILABLE');
    expect((error as Error).message).toContain('300');
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    await closed(server);
  });

  it('fails with ENGINE_UNAVAILABLE when the engine closes before answering', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.end('HTTP/1.1 101 UPGR');
    });
    const error = await rejection(start(engine));
    expect((error as WharfError).code).toBe('ENGINE_UNAVAILABLE');
  });

  it('rejects a response head over 64 KiB with STREAM_DECODE_ERROR and closes the socket', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.write('HTTP/1.1 101 UPGRADED\r\n');
      for (let i = 0; i < 80; i++) socket.write(`X-Pad-${i}: ${'p'.repeat(1000)}\r\n`);
    });
    const error = await rejection(start(engine));
    expect((error as WharfError).code).toBe('STREAM_DECODE_ERROR');
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    await closed(server);
  });

  it('rejects an invalid status line with STREAM_DECODE_ERROR', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.write('SSH-2.0-OpenSSH\r\n\r\n');
    });
    const error = await rejection(start(engine));
    expect((error as WharfError).code).toBe('STREAM_DECODE_ERROR');
  });

  it('aborting mid-stream destroys the socket; the server sees close', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.write(UPGRADED);
    });
    const controller = new AbortController();
    const result = await start(engine, { signal: controller.signal });
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    const serverClosed = closed(server);
    const reason = new Error('client went away');
    const reading = rejection(readAll(result.socket));
    controller.abort(reason);
    await serverClosed;
    expect(result.socket.destroyed).toBe(true);
    expect(await reading).toBe(reason);
  });

  it('aborting while waiting for the answer rejects with the reason and closes the socket', async () => {
    const engine = await fakeEngine(neverAnswer);
    const controller = new AbortController();
    const reason = new Error('gave up');
    const pending = start(engine, { signal: controller.signal });
    await within(
      (async () => {
        while (engine.sockets.length === 0) await sleep(5);
      })(),
      5000,
      'the connection',
    );
    controller.abort(reason);
    expect(await rejection(pending)).toBe(reason);
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    await closed(server);
  });

  it('an already aborted signal rejects without connecting', async () => {
    const engine = await fakeEngine(neverAnswer);
    const reason = new Error('too late');
    const error = await rejection(start(engine, { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    await sleep(20);
    expect(engine.sockets).toHaveLength(0);
  });

  it('close() ends the connection', async () => {
    const engine = await fakeEngine(async (socket) => {
      await readRawRequest(socket);
      socket.write(UPGRADED);
    });
    const result = await start(engine);
    const [server] = engine.sockets;
    if (!server) throw new Error('no connection');
    result.close();
    await closed(server);
  });

  it('refuses a path that would break the request line', async () => {
    const engine = await fakeEngine(neverAnswer);
    const error = await rejection(start(engine, { path: '/v1.41/exec/x/start HTTP/1.1\r\nX: y' }));
    expect((error as WharfError).code).toBe('BAD_USER_INPUT');
    expect(engine.sockets).toHaveLength(0);
  });
});

describe('hijack against the real engine', () => {
  const scope = testScope('hijack');
  const endpoint: EngineEndpoint = {
    kind: 'unix',
    socketPath: '/var/run/docker.sock',
    origin: 'http://docker',
  };
  let transport: Transport;
  let containerId: string;

  beforeAll(async () => {
    transport = createTransport({ engine: 'test', endpoint, timeoutMs: 10_000, maxConnections: 2 });
    containerId = await docker('run', '-d', ...scope.labelArgs, FIXTURE_IMAGE, 'sleep', '60');
  });

  afterAll(async () => {
    await scope.cleanup();
    await transport.close();
  });

  it('runs an exec with stdin, stdout and stderr over POST /exec/{id}/start', async () => {
    const api = createEngineApi(transport);
    const exec = await api.json<{ Id: string }>('POST', `/containers/${containerId}/exec`, {
      body: {
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Cmd: ['sh', '-c', 'read line; echo got:$line; echo oops >&2'],
      },
    });
    const result = await hijack(endpoint, {
      method: 'POST',
      path: `/v1.41/exec/${exec.Id}/start`,
      body: { Detach: false, Tty: false },
      timeoutMs: 10_000,
    });
    hijacked.push(result);

    // Engine 20.10: `101 UPGRADED`, labelled raw-stream although the stream is multiplexed.
    expect(result.statusCode).toBe(101);
    expect(result.headers).toMatchObject({ connection: 'Upgrade', upgrade: 'tcp' });
    expect(result.contentType).toMatch(/^application\/vnd\.docker\.(raw|multiplexed)-stream$/);
    expect(framingOf(result.contentType, false)).toBe('multiplexed');

    result.socket.write('hello\n');
    const bytes = await within(readAll(result.socket), 20_000, 'the exec to finish');
    const decoder = new MultiplexedDecoder();
    const frames: Frame[] = decoder.push(bytes);
    decoder.end();
    const text = (stream: string) =>
      Buffer.concat(frames.filter((f) => f.stream === stream).map((f) => f.data)).toString();
    expect(text('stdout')).toBe('got:hello\n');
    expect(text('stderr')).toBe('oops\n');

    // The stream ends as the process exits; the exit code may land a moment later.
    const exitCode = await eventually('the exec exit code', async () => {
      const inspect = await api.json<{ ExitCode: number | null; Running: boolean }>(
        'GET',
        `/exec/${exec.Id}/json`,
      );
      return inspect.Running ? undefined : inspect.ExitCode;
    });
    expect(exitCode).toBe(0);
  });
});
