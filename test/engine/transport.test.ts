import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngineApi } from '../../src/engine/api.ts';
import { type CallScope, runInCallScope } from '../../src/engine/call-scope.ts';
import {
  EngineError,
  EngineNotFoundError,
  EngineUnavailableError,
} from '../../src/engine/errors.ts';
import { createTransport, type EngineCall, type Transport } from '../../src/engine/transport.ts';
import { rejection } from '../helpers/errors.ts';
import {
  type FakeEngine,
  type FakeHandler,
  sendJson,
  sendPing,
  startFakeEngine,
  within,
} from '../helpers/fake-engine.ts';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Dispatches on `METHOD /path` (query ignored); anything else gets the engine's 404. */
function routes(table: Record<string, Route>): FakeHandler {
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://docker').pathname;
    const route = table[`${req.method} ${pathname}`];
    if (route) route(req, res);
    else sendJson(res, 404, { message: 'page not found' });
  };
}

const ping =
  (version: string | undefined): Route =>
  (_req, res) =>
    sendPing(res, version);
const json =
  (value: unknown, status = 200): Route =>
  (_req, res) =>
    sendJson(res, status, value);
const neverAnswer: Route = () => {};

let engines: FakeEngine[] = [];
let transports: Transport[] = [];

afterEach(async () => {
  // The fake engine first: it drops every connection, so no transport waits on a hung request.
  await Promise.all(engines.map((engine) => engine.close()));
  await within(Promise.all(transports.map((transport) => transport.close())), 5000, 'close()');
  engines = [];
  transports = [];
});

interface Options {
  timeoutMs?: number;
  maxConnections?: number;
  maxStreams?: number;
  onCall?: (call: EngineCall) => void;
}

function transportFor(socketPath: string, options: Options = {}): Transport {
  const transport = createTransport({
    engine: 'test',
    endpoint: { kind: 'unix', socketPath, origin: 'http://docker' },
    timeoutMs: options.timeoutMs ?? 5000,
    maxConnections: options.maxConnections ?? 4,
    maxStreams: options.maxStreams,
    onCall: options.onCall,
  });
  transports.push(transport);
  return transport;
}

async function setup(handler: FakeHandler, options: Options = {}) {
  const engine = await startFakeEngine(handler);
  engines.push(engine);
  return { engine, transport: transportFor(engine.socketPath, options) };
}

/** Awaits a rejection and returns the error (fails the test if the promise resolves). */

function urls(engine: FakeEngine): string[] {
  return engine.requests.map((request) => request.url);
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// Regression: the stream pool once asked undici for `connections: Number.POSITIVE_INFINITY`,
// which undici 8's Pool rejects (`invalid connections`), so createTransport() always threw.
describe('createTransport', () => {
  it('constructs without throwing (stream pool with unlimited connections)', async () => {
    let transport: Transport | undefined;
    expect(() => {
      transport = transportFor('/nonexistent/wharf-test.sock');
    }).not.toThrow();
    expect(transport?.engine).toBe('test');
  });
});

describe('createEngineApi: version negotiation', () => {
  it('speaks the version /_ping announces', async () => {
    const { engine, transport } = await setup(
      routes({ 'GET /_ping': ping('1.45'), 'GET /v1.45/info': json({ ID: 'x' }) }),
    );
    const api = createEngineApi(transport);
    expect(await api.json('GET', '/info')).toEqual({ ID: 'x' });
    expect(await api.version()).toEqual({ version: '1.45', engineMax: '1.45' });
    expect(urls(engine)).toEqual(['/_ping', '/v1.45/info']);
  });

  it('caps a newer engine at MAX_API_VERSION (1.47)', async () => {
    const { engine, transport } = await setup(
      routes({ 'GET /_ping': ping('1.99'), 'GET /v1.47/info': json({ ok: true }) }),
    );
    const api = createEngineApi(transport);
    expect(await api.json('GET', '/info')).toEqual({ ok: true });
    expect(await api.version()).toEqual({ version: '1.47', engineMax: '1.99' });
    expect(urls(engine)).toEqual(['/_ping', '/v1.47/info']);
  });

  it('refuses an engine below 1.41 with ENGINE_UNSUPPORTED and makes no versioned call', async () => {
    const { engine, transport } = await setup(routes({ 'GET /_ping': ping('1.30') }));
    const api = createEngineApi(transport);
    const error = await rejection(api.json('GET', '/info'));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ENGINE_UNSUPPORTED');
    expect((error as Error).message).toContain('1.30');
    expect(urls(engine)).toEqual(['/_ping']);
  });

  it('uses a pinned version over the engine maximum', async () => {
    const { engine, transport } = await setup(
      routes({ 'GET /_ping': ping('1.45'), 'GET /v1.41/info': json({ pinned: true }) }),
    );
    const api = createEngineApi(transport, '1.41');
    expect(await api.json('GET', '/info')).toEqual({ pinned: true });
    expect(urls(engine).filter((url) => url !== '/_ping')).toEqual(['/v1.41/info']);
  });

  it('a pinned version needs no /_ping at all', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /_ping': (_req, res) => sendJson(res, 500, { message: 'ping broken' }),
        'GET /v1.41/info': json({ pinned: true }),
      }),
    );
    const api = createEngineApi(transport, '1.41');
    expect(await api.json('GET', '/info')).toEqual({ pinned: true });
    expect(urls(engine)).toEqual(['/v1.41/info']);
  });

  it('refuses a pin below the floor before any call', async () => {
    const { engine, transport } = await setup(routes({ 'GET /_ping': ping('1.45') }));
    let error: unknown;
    try {
      createEngineApi(transport, '1.40');
    } catch (caught) {
      error = caught;
    }
    expect((error as EngineError).code).toBe('ENGINE_UNSUPPORTED');
    expect(urls(engine)).toEqual([]);
  });

  it('negotiates once for concurrent calls', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /_ping': (_req, res) => setTimeout(() => sendPing(res, '1.44'), 50),
        'GET /v1.44/info': json({}),
        'GET /v1.44/version': json({}),
        'GET /v1.44/containers/json': json([]),
      }),
    );
    const api = createEngineApi(transport);
    await Promise.all([
      api.json('GET', '/info'),
      api.json('GET', '/version'),
      api.json('GET', '/containers/json'),
    ]);
    await api.json('GET', '/info');
    expect(urls(engine).filter((url) => url === '/_ping')).toHaveLength(1);
  });

  it('negotiates again after a failed negotiation', async () => {
    let pings = 0;
    const { engine, transport } = await setup(
      routes({
        'GET /_ping': (_req, res) => {
          pings += 1;
          if (pings === 1) sendJson(res, 500, { message: 'starting up' });
          else sendPing(res, '1.43');
        },
        'GET /v1.43/info': json({ up: true }),
      }),
    );
    const api = createEngineApi(transport);
    const error = await rejection(api.json('GET', '/info'));
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as Error).message).toBe('starting up');
    expect(await api.json('GET', '/info')).toEqual({ up: true });
    expect(urls(engine)).toEqual(['/_ping', '/_ping', '/v1.43/info']);
  });

  it('fails with ENGINE_ERROR when /_ping has no Api-Version header', async () => {
    const { transport } = await setup(routes({ 'GET /_ping': ping(undefined) }));
    const error = await rejection(createEngineApi(transport).json('GET', '/info'));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as Error).message).toMatch(/Api-Version/);
  });

  it("one caller aborting does not fail another caller's negotiation", async () => {
    const { transport } = await setup(
      routes({
        'GET /_ping': (_req, res) => setTimeout(() => sendPing(res, '1.45'), 200),
        'GET /v1.45/info': json({ ok: true }),
      }),
    );
    const api = createEngineApi(transport);
    const first = new AbortController();
    const aborted = api.json('GET', '/info', { signal: first.signal });
    const other = api.json('GET', '/info');
    setTimeout(() => first.abort(new Error('first client went away')), 50);
    await expect(aborted).rejects.toThrow('first client went away');
    expect(await other).toEqual({ ok: true });
  });

  it('ping() calls the unversioned /_ping', async () => {
    const { engine, transport } = await setup(routes({ 'GET /_ping': ping('1.45') }));
    await createEngineApi(transport).ping();
    expect(urls(engine)).toEqual(['/_ping']);
  });

  it('call() returns a 304 as is and json() returns undefined for an empty body', async () => {
    const { transport } = await setup(
      routes({
        'GET /_ping': ping('1.45'),
        'POST /v1.45/containers/c1/start': (_req, res) => {
          res.statusCode = 304;
          res.end();
        },
        'POST /v1.45/containers/c1/stop': (_req, res) => {
          res.statusCode = 204;
          res.end();
        },
      }),
    );
    const api = createEngineApi(transport);
    const response = await api.call('POST', '/containers/c1/start');
    expect(response.statusCode).toBe(304);
    expect(response.body.length).toBe(0);
    expect(await api.json('POST', '/containers/c1/stop')).toBeUndefined();
  });

  it('stream() is versioned too', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /_ping': ping('1.46'),
        'GET /v1.46/events': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"Type":"container"}\n');
        },
      }),
    );
    const response = await createEngineApi(transport).stream('GET', '/events');
    expect(await readAll(response.body)).toBe('{"Type":"container"}\n');
    expect(urls(engine)).toEqual(['/_ping', '/v1.46/events']);
  });
});

describe('transport.request', () => {
  it('returns status, headers and the whole body', async () => {
    const { transport } = await setup(
      routes({
        'GET /v1.45/info': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'x-engine': 'fake' });
          res.write('{"a":');
          setTimeout(() => res.end('1}'), 20);
        },
      }),
    );
    const response = await transport.request('GET', '/v1.45/info');
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-engine']).toBe('fake');
    expect(response.body.toString()).toBe('{"a":1}');
  });

  it('encodes query parameters and omits undefined values', async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/containers/json': json([]) }));
    const filters = JSON.stringify({ label: ['com.example=a b&c'], status: ['running'] });
    await transport.request('GET', '/v1.45/containers/json', {
      query: { all: 1, size: undefined, filters, verbose: false, name: 'x y/z?' },
    });
    const url = new URL(engine.requests[0]?.url ?? '', 'http://docker');
    expect(url.pathname).toBe('/v1.45/containers/json');
    expect([...url.searchParams.keys()]).toEqual(['all', 'filters', 'verbose', 'name']);
    expect(url.searchParams.get('all')).toBe('1');
    expect(url.searchParams.get('filters')).toBe(filters);
    expect(url.searchParams.get('verbose')).toBe('false');
    expect(url.searchParams.get('name')).toBe('x y/z?');
    expect(url.searchParams.has('size')).toBe(false);
  });

  it('sends no query string when every value is undefined', async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/info': json({}) }));
    await transport.request('GET', '/v1.45/info', { query: { a: undefined, b: undefined } });
    expect(urls(engine)).toEqual(['/v1.45/info']);
  });

  it('sends a JSON body with content-type application/json', async () => {
    const { engine, transport } = await setup(
      routes({ 'POST /v1.45/containers/create': json({ Id: 'new' }, 201) }),
    );
    const body = { Image: 'alpine', Cmd: ['echo', 'é'], Labels: { a: 'b' } };
    const response = await transport.request('POST', '/v1.45/containers/create', {
      query: { name: 'web' },
      body,
    });
    expect(response.statusCode).toBe(201);
    const request = engine.requests[0];
    await request?.ended;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1.45/containers/create?name=web');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(body);
  });

  it('sends no body and no content-type without a body', async () => {
    const { engine, transport } = await setup(
      routes({ 'DELETE /v1.45/containers/c1': (_req, res) => res.writeHead(204).end() }),
    );
    await transport.request('DELETE', '/v1.45/containers/c1');
    const request = engine.requests[0];
    await request?.ended;
    expect(request?.method).toBe('DELETE');
    expect(request?.headers['content-type']).toBeUndefined();
    expect(request?.body).toBe('');
  });
});

describe('engine error mapping', () => {
  it('maps 404 to EngineNotFoundError (NOT_FOUND) with the engine message', async () => {
    const { transport } = await setup(
      routes({ 'GET /v1.45/containers/x/json': json({ message: 'No such container: x' }, 404) }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/containers/x/json'));
    expect(error).toBeInstanceOf(EngineNotFoundError);
    expect((error as EngineNotFoundError).code).toBe('NOT_FOUND');
    expect((error as EngineNotFoundError).statusCode).toBe(404);
    expect((error as Error).message).toBe('No such container: x');
  });

  it('maps 409 to CONFLICT', async () => {
    const { transport } = await setup(
      routes({
        'POST /v1.45/containers/c/start': json({ message: 'container is paused' }, 409),
      }),
    );
    const error = await rejection(transport.request('POST', '/v1.45/containers/c/start'));
    expect((error as EngineError).code).toBe('CONFLICT');
    expect((error as Error).message).toBe('container is paused');
  });

  it('maps a 500 plain-text body to ENGINE_ERROR with the text', async () => {
    const { transport } = await setup(
      routes({
        'GET /v1.45/info': (_req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('  something broke in the daemon\n');
        },
      }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as EngineError).statusCode).toBe(500);
    expect((error as Error).message).toBe('something broke in the daemon');
  });

  it('maps 400 to BAD_USER_INPUT', async () => {
    const { transport } = await setup(
      routes({ 'GET /v1.45/containers/json': json({ message: 'invalid filter "x"' }, 400) }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/containers/json'));
    expect((error as EngineError).code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toBe('invalid filter "x"');
  });

  it('maps the 20.10 ambiguous-prefix 500 to AMBIGUOUS_REF', async () => {
    const { transport } = await setup(
      routes({
        'GET /v1.45/containers/a/json': json(
          { message: 'Multiple IDs found with provided prefix: a' },
          500,
        ),
      }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/containers/a/json'));
    expect((error as EngineError).code).toBe('AMBIGUOUS_REF');
  });

  it('gives an empty error body a message naming the status', async () => {
    const { transport } = await setup(
      routes({ 'GET /v1.45/info': (_req, res) => res.writeHead(503).end() }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as Error).message).toBe('engine answered HTTP 503');
  });

  it('uses the JSON text itself when it has no string message', async () => {
    const { transport } = await setup(routes({ 'GET /v1.45/info': json({ error: 'nope' }, 500) }));
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as Error).message).toBe('{"error":"nope"}');
  });

  it('caps how much of an error body it keeps', async () => {
    const { transport } = await setup(
      routes({
        'GET /v1.45/info': (_req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('x'.repeat(1024 * 1024));
        },
      }),
    );
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_ERROR');
    expect((error as Error).message.length).toBeLessThanOrEqual(64 * 1024);
    expect((error as Error).message.length).toBeGreaterThan(0);
  });

  it('maps error statuses of stream() the same way', async () => {
    const { transport } = await setup(
      routes({ 'GET /v1.45/containers/x/logs': json({ message: 'No such container: x' }, 404) }),
    );
    const error = await rejection(transport.stream('GET', '/v1.45/containers/x/logs'));
    expect((error as EngineError).code).toBe('NOT_FOUND');
    expect((error as Error).message).toBe('No such container: x');
  });
});

describe('onCall', () => {
  it('sees every call, /_ping included, with path, query and streaming flag', async () => {
    const calls: EngineCall[] = [];
    const { transport } = await setup(
      routes({
        'GET /_ping': ping('1.45'),
        'GET /v1.45/containers/json': json([]),
        'GET /v1.45/containers/c1/json': json({ message: 'No such container: c1' }, 404),
        'GET /v1.45/events': (_req, res) => res.writeHead(200).end(),
      }),
      { onCall: (call) => calls.push(call) },
    );
    const api = createEngineApi(transport);
    await api.json('GET', '/containers/json', { query: { all: 1, size: undefined } });
    await rejection(api.json('GET', '/containers/c1/json'));
    const events = await api.stream('GET', '/events', { query: { since: 10 } });
    await readAll(events.body);
    await api.ping();
    expect(calls).toEqual([
      { engine: 'test', method: 'GET', path: '/_ping', streaming: false },
      { engine: 'test', method: 'GET', path: '/v1.45/containers/json?all=1', streaming: false },
      { engine: 'test', method: 'GET', path: '/v1.45/containers/c1/json', streaming: false },
      { engine: 'test', method: 'GET', path: '/v1.45/events?since=10', streaming: true },
      { engine: 'test', method: 'GET', path: '/_ping', streaming: false },
    ]);
  });

  it('sees calls that fail to connect', async () => {
    const calls: EngineCall[] = [];
    const transport = transportFor('/nonexistent/wharf-test.sock', {
      onCall: (call) => calls.push(call),
    });
    await rejection(transport.request('GET', '/_ping'));
    expect(calls).toEqual([{ engine: 'test', method: 'GET', path: '/_ping', streaming: false }]);
  });
});

describe('unavailable engines and deadlines', () => {
  it('rejects a call that gets no answer with ENGINE_UNAVAILABLE at the deadline', async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/info': neverAnswer }), {
      timeoutMs: 300,
    });
    const started = performance.now();
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    const elapsed = performance.now() - started;
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect((error as Error).message).toContain('300 ms');
    expect(elapsed).toBeLessThan(2000);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    const request = engine.requests[0];
    expect(request?.url).toBe('/v1.45/info');
    await within(request?.closed ?? Promise.resolve(), 1000, 'the server to see the close');
    expect(request?.aborted).toBe(true);
  });

  it('applies the deadline to a body that stalls halfway', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /v1.45/info': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"half":');
        },
      }),
      { timeoutMs: 300 },
    );
    const started = performance.now();
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(2000);
    await within(engine.requests[0]?.closed ?? Promise.resolve(), 1000, 'close');
  });

  it("rejects with the caller's abort reason when the caller aborts", async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/info': neverAnswer }));
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(
      transport.request('GET', '/v1.45/info', { signal: controller.signal }),
    );
    expect(error).toBe(reason);
    await within(engine.requests[0]?.closed ?? Promise.resolve(), 1000, 'close');
    expect(engine.requests[0]?.aborted).toBe(true);
  });

  it('rejects promptly with ENGINE_UNAVAILABLE when the socket does not exist, without the path', async () => {
    const { engine } = await setup(routes({}));
    const socketPath = join(dirname(engine.socketPath), 'missing', 'docker.sock');
    const transport = transportFor(socketPath, { timeoutMs: 5000 });
    const started = performance.now();
    const error = await rejection(transport.request('GET', '/_ping'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect((error as Error).message).not.toContain(socketPath);
    expect((error as Error).message).not.toContain(dirname(engine.socketPath));
    expect((error as Error).message).toContain('test');
  });

  it('rejects with ENGINE_UNAVAILABLE when nothing listens on the path', async () => {
    const { engine } = await setup(routes({}));
    const socketPath = join(dirname(engine.socketPath), 'not-a-socket');
    await writeFile(socketPath, '');
    const error = await rejection(transportFor(socketPath).request('GET', '/_ping'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect((error as Error).message).not.toContain(socketPath);
  });

  it('maps a connection the engine drops mid-request to ENGINE_UNAVAILABLE', async () => {
    const { engine, transport } = await setup((req) => req.socket.destroy());
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect(engine.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('maps a connection dropped on accept to ENGINE_UNAVAILABLE', async () => {
    const { engine, transport } = await setup(() => {});
    engine.server.prependListener('connection', (socket) => socket.destroy());
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
  });

  it('maps a connection dropped after the headers to ENGINE_UNAVAILABLE', async () => {
    const { transport } = await setup((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await rejection(transport.request('GET', '/v1.45/info'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
  });
});

describe('transport.stream', () => {
  it('has no body idle timeout: a 1.5 s silence with timeoutMs 300 does not cut it', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /v1.45/containers/c/logs': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
          res.write('first|');
          setTimeout(() => res.end('second'), 1500);
        },
      }),
      { timeoutMs: 300 },
    );
    const started = performance.now();
    const response = await transport.stream('GET', '/v1.45/containers/c/logs', {
      query: { follow: 1 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    expect(await readAll(response.body)).toBe('first|second');
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
    expect(engine.requests[0]?.aborted).toBe(false);
  }, 10_000);

  it('keeps its headers deadline: no answer at all is ENGINE_UNAVAILABLE', async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/events': neverAnswer }), {
      timeoutMs: 300,
    });
    const started = performance.now();
    const error = await rejection(transport.stream('GET', '/v1.45/events'));
    expect((error as EngineError).code).toBe('ENGINE_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(2000);
    await within(engine.requests[0]?.closed ?? Promise.resolve(), 1000, 'close');
  });

  it("closes the server-side request when the caller's signal aborts mid-stream", async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /v1.45/events': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"n":1}\n');
        },
      }),
    );
    const controller = new AbortController();
    const response = await transport.stream('GET', '/v1.45/events', {
      signal: controller.signal,
    });
    const iterator = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('{"n":1}\n');
    controller.abort(new Error('subscription ended'));
    const request = engine.requests[0];
    await within(request?.closed ?? Promise.resolve(), 1000, 'the server to see the close');
    expect(request?.aborted).toBe(true);
    await expect(iterator.next()).rejects.toThrow();
  });

  it("rejects with the caller's reason when aborted before the headers", async () => {
    const { engine, transport } = await setup(routes({ 'GET /v1.45/events': neverAnswer }));
    const controller = new AbortController();
    const reason = new Error('gone');
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(
      transport.stream('GET', '/v1.45/events', { signal: controller.signal }),
    );
    expect(error).toBe(reason);
    await within(engine.requests[0]?.closed ?? Promise.resolve(), 1000, 'close');
  });

  it('refuses to open a stream for an already aborted signal', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /v1.45/events': (_req, res) => {
          res.writeHead(200);
          res.write('\n');
        },
      }),
    );
    const reason = new Error('already gone');
    const error = await rejection(
      transport.stream('GET', '/v1.45/events', { signal: AbortSignal.abort(reason) }),
    );
    expect(error).toBe(reason);
    await sleep(50);
    expect(engine.requests.every((request) => request.aborted)).toBe(true);
  });

  it('does not take connections from short calls', async () => {
    const { transport } = await setup(
      routes({
        'GET /v1.45/events': (_req, res) => {
          res.writeHead(200);
          res.write('\n');
        },
        'GET /v1.45/info': json({ ok: true }),
      }),
      { maxConnections: 1 },
    );
    const controller = new AbortController();
    const streams = await Promise.all([
      transport.stream('GET', '/v1.45/events', { signal: controller.signal }),
      transport.stream('GET', '/v1.45/events', { signal: controller.signal }),
    ]);
    expect(streams).toHaveLength(2);
    const response = await transport.request('GET', '/v1.45/info');
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
    controller.abort();
  });
});

describe('connection bound', () => {
  it('serves 6 concurrent calls over at most maxConnections (2) connections', async () => {
    let active = 0;
    let maxActive = 0;
    const { engine, transport } = await setup(
      routes({
        'GET /v1.45/info': (_req, res) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          setTimeout(() => {
            active -= 1;
            sendJson(res, 200, { ok: true });
          }, 300);
        },
      }),
      { maxConnections: 2, timeoutMs: 5000 },
    );
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => transport.request('GET', '/v1.45/info')),
    );
    const elapsed = performance.now() - started;
    expect(responses.map((response) => response.statusCode)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
    expect(engine.requests).toHaveLength(6);
    expect(maxActive).toBe(2);
    expect(engine.maxActiveRequests).toBeLessThanOrEqual(2);
    expect(engine.maxOpenConnections).toBeLessThanOrEqual(2);
    expect(engine.connectionCount).toBeLessThanOrEqual(2);
    // Three rounds of 300 ms, not one.
    expect(elapsed).toBeGreaterThanOrEqual(850);
  });
});

/** A call scope as the GraphQL layer makes one: a client, a signal, and a charge that may refuse. */
function scopeOf(
  client: string,
  options: { signal?: AbortSignal; charge?: CallScope['charge'] } = {},
) {
  return {
    client,
    signal: options.signal ?? new AbortController().signal,
    charge: options.charge ?? (() => {}),
  } satisfies CallScope;
}

/** Ends a stream as its consumer would: the abort that follows is expected. */
function close(response: { body: NodeJS.ReadableStream & { destroy(): void } } | undefined): void {
  response?.body.on('error', () => {});
  response?.body.destroy();
}

/** A route that holds every request until the test answers it. */
function held() {
  const waiting: ServerResponse[] = [];
  const route: Route = (_req, res) => {
    waiting.push(res);
  };
  return {
    route,
    waiting,
    answer(count = 1) {
      for (const res of waiting.splice(0, count)) sendJson(res, 200, { ok: true });
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await sleep(5);
    })(),
    2000,
    what,
  );
}

describe('call scopes', () => {
  it('charges every call (request, stream, hijack) to the current scope before sending', async () => {
    const charged: EngineCall[] = [];
    const { transport } = await setup(
      routes({ 'GET /a': json({}), 'GET /s': json({}), 'POST /h': json({}, 500) }),
    );
    const scope = scopeOf('a', { charge: (call) => charged.push(call) });
    await runInCallScope(scope, async () => {
      await transport.request('GET', '/a', { query: { x: 1 } });
      close(await transport.stream('GET', '/s'));
      await rejection(transport.hijack('/h'));
    });
    expect(charged.map((call) => `${call.method} ${call.path} ${call.streaming}`)).toEqual([
      'GET /a?x=1 false',
      'GET /s true',
      'POST /h true',
    ]);
  });

  it('a refused charge sends nothing', async () => {
    const { engine, transport } = await setup(routes({ 'GET /a': json({}) }));
    const refusal = new Error('budget spent');
    const scope = scopeOf('a', {
      charge: () => {
        throw refusal;
      },
    });
    expect(await rejection(runInCallScope(scope, () => transport.request('GET', '/a')))).toBe(
      refusal,
    );
    expect(await rejection(runInCallScope(scope, () => transport.stream('GET', '/a')))).toBe(
      refusal,
    );
    expect(engine.requests).toHaveLength(0);
    expect(transport.openStreams).toBe(0);
  });

  it("the scope's abort ends its calls, in flight and streaming", async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /slow': neverAnswer,
        'GET /events': (_req, res) => {
          res.writeHead(200);
          res.write('{}\n');
        },
      }),
    );
    const controller = new AbortController();
    const scope = scopeOf('a', { signal: controller.signal });
    const slow = rejection(runInCallScope(scope, () => transport.request('GET', '/slow')));
    const stream = await runInCallScope(scope, () => transport.stream('GET', '/events'));
    stream.body.on('error', () => {});
    await until(() => engine.requests.length === 2, 'both calls at the engine');
    const reason = new Error('operation over');
    controller.abort(reason);
    expect(await slow).toBe(reason);
    await within(
      Promise.all(engine.requests.map((request) => request.closed)),
      1000,
      'the engine to see both calls end',
    );
    expect(engine.requests.every((request) => request.aborted)).toBe(true);
    await until(() => stream.body.destroyed, 'the stream to end');
    await until(() => transport.openStreams === 0, 'the stream slot to be released');
  });

  it('version negotiation runs outside the scope: neither charged nor aborted with it', async () => {
    let answer: (() => void) | undefined;
    const { transport } = await setup(
      routes({
        'GET /_ping': (_req, res) => {
          answer = () => sendPing(res, '1.45');
        },
        'GET /v1.45/info': json({ ok: true }),
      }),
    );
    const api = createEngineApi(transport);
    const controller = new AbortController();
    const charged: string[] = [];
    const scope = scopeOf('a', { signal: controller.signal, charge: (c) => charged.push(c.path) });
    const first = rejection(runInCallScope(scope, () => api.json('GET', '/info')));
    const second = api.json('GET', '/info');
    await until(() => answer !== undefined, 'the /_ping');
    controller.abort(new Error('first client gone'));
    answer?.();
    expect(await second).toEqual({ ok: true });
    expect(((await first) as Error).message).toBe('first client gone');
    expect(charged).not.toContain('/_ping');
  });
});

describe('fair short-call queue', () => {
  it("serves another client's call next, ahead of a heavy client's 100 queued calls", async () => {
    const slow = held();
    const { engine, transport } = await setup(
      routes({ 'GET /a': slow.route, 'GET /b': json({ ok: true }) }),
      // Deadlines are not the subject: the last heavy call waits for all the others, under load too.
      { maxConnections: 2, timeoutMs: 30_000 },
    );
    const heavy = Array.from({ length: 100 }, () =>
      runInCallScope(scopeOf('10.0.0.1'), () => transport.request('GET', '/a')),
    );
    await until(() => engine.requests.length === 2, 'two calls in flight');
    const light = runInCallScope(scopeOf('10.0.0.2'), () => transport.request('GET', '/b'));
    await sleep(50);
    expect(engine.requests).toHaveLength(2);
    slow.answer();
    expect((await within(light, 5000, "the light client's call")).statusCode).toBe(200);
    expect(urls(engine).slice(0, 3)).toEqual(['/a', '/a', '/b']);
    // Then the heavy client gets its turn again, two at a time. Each call is answered once it has
    // arrived: the two freed slots' calls reach the engine one after the other, so answering "two"
    // when one had come answered one, and waiting for two then hung (seen under load).
    for (let answered = 1; answered < heavy.length; ) {
      await until(() => slow.waiting.length > 0, 'a heavy call');
      answered += slow.waiting.length;
      slow.answer(slow.waiting.length);
    }
    await within(Promise.all(heavy), 5000, "the heavy client's calls");
    expect(engine.requests).toHaveLength(101);
    expect(engine.maxActiveRequests).toBe(2);
  });

  it('starts the deadline when the call is sent, not when it is queued', async () => {
    const { transport } = await setup(
      routes({
        'GET /a': (_req, res) => {
          setTimeout(() => sendJson(res, 200, { ok: true }), 250);
        },
      }),
      { maxConnections: 1, timeoutMs: 400 },
    );
    const started = performance.now();
    const responses = await Promise.all([
      transport.request('GET', '/a'),
      transport.request('GET', '/a'),
    ]);
    // The second waited ~250 ms and then took ~250 ms: more than the 400 ms deadline in all.
    expect(performance.now() - started).toBeGreaterThanOrEqual(480);
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
  });

  it('bounds the wait for a connection on its own: ENGINE_BUSY, never sent', async () => {
    const { engine, transport } = await setup(
      routes({
        'GET /a': (_req, res) => {
          setTimeout(() => sendJson(res, 200, { ok: true }), 180);
        },
      }),
      { maxConnections: 1, timeoutMs: 300 },
    );
    const results = await Promise.allSettled([
      transport.request('GET', '/a'),
      transport.request('GET', '/a'),
      transport.request('GET', '/a'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(((results[2] as PromiseRejectedResult).reason as EngineError).code).toBe('ENGINE_BUSY');
    expect(engine.requests).toHaveLength(2);
  });

  it('a call aborted while queued leaves the queue and is never sent', async () => {
    const slow = held();
    const { engine, transport } = await setup(
      routes({ 'GET /a': slow.route, 'GET /b': json({ ok: true }) }),
      { maxConnections: 1 },
    );
    const first = transport.request('GET', '/a');
    await until(() => engine.requests.length === 1, 'the first call');
    const caller = new AbortController();
    const operation = new AbortController();
    const byCaller = rejection(transport.request('GET', '/b', { signal: caller.signal }));
    const byScope = rejection(
      runInCallScope(scopeOf('x', { signal: operation.signal }), () =>
        transport.request('GET', '/b'),
      ),
    );
    const callerReason = new Error('caller gone');
    const scopeReason = new Error('operation deadline');
    caller.abort(callerReason);
    operation.abort(scopeReason);
    expect(await within(byCaller, 500, 'the caller abort')).toBe(callerReason);
    expect(await within(byScope, 500, 'the scope abort')).toBe(scopeReason);
    slow.answer();
    await first;
    expect((await transport.request('GET', '/b')).statusCode).toBe(200);
    expect(urls(engine)).toEqual(['/a', '/b']);
  });
});

describe('engine stream cap', () => {
  const streaming: Route = (_req, res) => {
    res.writeHead(200);
    res.write('{}\n');
  };

  it('refuses streams over the cap with TOO_MANY_STREAMS and no engine call; a slot for shared upstreams stays free', async () => {
    const calls: EngineCall[] = [];
    const { engine, transport } = await setup(
      routes({ 'GET /logs': streaming, 'GET /events': streaming }),
      { maxStreams: 4, onCall: (call) => calls.push(call) },
    );
    const scope = scopeOf('a');
    const open = [];
    for (let i = 0; i < 3; i += 1) {
      open.push(await runInCallScope(scope, () => transport.stream('GET', '/logs')));
    }
    const refused = await rejection(runInCallScope(scope, () => transport.stream('GET', '/logs')));
    expect((refused as EngineError).code).toBe('TOO_MANY_STREAMS');
    const hijackRefused = await rejection(runInCallScope(scope, () => transport.hijack('/exec')));
    expect((hijackRefused as EngineError).code).toBe('TOO_MANY_STREAMS');
    // Outside any scope (the event hub's upstream) the reserved slot is there, then nothing.
    open.push(await transport.stream('GET', '/events'));
    expect(((await rejection(transport.stream('GET', '/events'))) as EngineError).code).toBe(
      'TOO_MANY_STREAMS',
    );
    expect(transport.openStreams).toBe(4);
    expect(engine.requests).toHaveLength(4);
    expect(calls).toHaveLength(4);

    close(open.shift());
    await until(() => transport.openStreams === 3, 'a slot to be released');
    open.push(await runInCallScope(scope, () => transport.stream('GET', '/logs')));
    for (const response of open) close(response);
    await until(() => transport.openStreams === 0, 'every slot to be released');
  });

  it('releases the slot of a stream the engine refuses', async () => {
    const { transport } = await setup(routes({}), { maxStreams: 2 });
    for (let i = 0; i < 3; i += 1) {
      expect(((await rejection(transport.stream('GET', '/nope'))) as EngineError).code).toBe(
        'NOT_FOUND',
      );
    }
    expect(transport.openStreams).toBe(0);
  });
});
