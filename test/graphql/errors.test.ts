import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('errors');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

function codes(result: Result<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

/** What a production client sees must never carry internals. */
function expectNothingInternal(result: Result<unknown>, socketPath?: string) {
  const text = JSON.stringify(result);
  expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  expect(text).not.toContain('stack');
  expect(text).not.toContain('originalError');
  if (socketPath) expect(text).not.toContain(socketPath);
}

describe('bad input against the real engine', () => {
  const cases: [string, string][] = [
    ['a ref with a path', '{ container(ref: "../../images/json") { name } }'],
    ['a ref with a space', '{ container(ref: "a b") { name } }'],
    ['an image ref with ..', '{ image(ref: "../x") { tags } }'],
    ['a volume name with a slash', '{ volume(name: "a/b") { name } }'],
    ['a network ref with a query', '{ network(ref: "x?y=1") { name } }'],
    ['negative first', '{ containers(first: -1) { edges { node { name } } } }'],
    ['a garbage cursor', '{ containers(after: "garbage") { edges { node { name } } } }'],
    [
      'a label filter without key',
      '{ containers(filter: { label: ["=x"] }) { edges { node { name } } } }',
    ],
    [
      'a filter value with a control character',
      '{ containers(filter: { name: ["a\\u0001b"] }) { edges { node { name } } } }',
    ],
    ['an empty filter value', '{ volumes(filter: { name: [""] }) { edges { node { name } } } }'],
    [
      'a negative exit code filter',
      '{ containers(filter: { exited: [-1] }) { edges { node { name } } } }',
    ],
    [
      'a 1 MB filter value',
      `{ networks(filter: { name: ["${'x'.repeat(1_000_000)}"] }) { edges { node { name } } } }`,
    ],
    ['a malformed global id', '{ node(id: "%%%") { id } }'],
    ['a malformed date', '{ containers { edges { node { logs(since: "yesterday") { text } } } } }'],
  ];

  for (const [what, query] of cases) {
    it(`answers BAD_USER_INPUT for ${what}`, async () => {
      const { result, calls } = await gateway.countCalls(() => gateway.query(query));
      expect(codes(result)).toContain('BAD_USER_INPUT');
      expectNothingInternal(result);
      // Caught before the engine: nothing was sent for it.
      expect(calls.filter((call) => !call.path.includes('/containers/json'))).toEqual([]);
    });
  }

  it('answers BAD_USER_INPUT for a negative tail, and the engine is left alone', async () => {
    const name = scope.name('tail');
    await docker('create', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'true');
    const result = await gateway.query(`{ container(ref: "${name}") { logs(tail: -1) { text } } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers null, not an error, for refs that name nothing', async () => {
    const result = await gateway.query(`{
      container(ref: "${scope.run}-none") { name }
      image(ref: "${scope.run}-none:latest") { tags }
      network(ref: "${scope.run}-none") { name }
      volume(name: "${scope.run}-none") { name }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ container: null, image: null, network: null, volume: null });
  });

  it('answers AMBIGUOUS_REF when an id prefix matches several containers', async () => {
    const seen = new Map<string, string>();
    let prefix: string | undefined;
    // Sixteen hex digits: seventeen containers always share a first digit; a handful usually do.
    for (let i = 0; i < 17 && !prefix; i++) {
      const id = await docker('create', ...scope.labelArgs, FIXTURE_IMAGE, 'true');
      const first = id.slice(0, 1);
      if (seen.has(first)) prefix = first;
      seen.set(first, id);
    }
    expect(prefix).toBeDefined();
    const result = await gateway.query(`{ container(ref: "${prefix}") { name } }`);
    expect(codes(result)).toEqual(['AMBIGUOUS_REF']);
    expect(result.errors?.[0]?.path).toEqual(['container']);
    expect(result.data).toEqual({ container: null });
  });
});

describe('engine faults', () => {
  let fake: FakeEngine | undefined;
  let faulty: TestGateway | undefined;

  afterEach(async () => {
    await faulty?.stop();
    await fake?.close();
    faulty = undefined;
    fake = undefined;
  });

  it('answers ENGINE_UNAVAILABLE promptly when the socket is missing; /readyz 503, /healthz 200', async () => {
    const socketPath = join(await mkdtemp(join(tmpdir(), 'wharf-missing-')), 'docker.sock');
    faulty = await startGateway({ dockerHost: `unix://${socketPath}`, timeoutMs: 2_000 });
    const started = Date.now();
    const result = await faulty.query(
      '{ containers { edges { node { name } } } engine { version } }',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(codes(result)).toContain('ENGINE_UNAVAILABLE');
    expectNothingInternal(result, socketPath);
    expect((await fetch(`${faulty.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${faulty.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).not.toContain(socketPath);
    // Still serving after the failures.
    expect((await fetch(`${faulty.url}/healthz`)).status).toBe(200);
  });

  it('answers ENGINE_UNAVAILABLE within the deadline when the engine never answers', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') sendPing(res, '1.41');
      // Everything else hangs.
    });
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}`, timeoutMs: 500 });
    const started = Date.now();
    const result = await faulty.query('{ containers { edges { node { name } } } }');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(codes(result)).toEqual(['ENGINE_UNAVAILABLE']);
    expectNothingInternal(result, fake.socketPath);
  });

  it("passes the engine's message through as ENGINE_ERROR", async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      sendJson(res, 500, { message: 'layer store is broken' });
    });
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}` });
    const result = await faulty.query('{ volumes { edges { node { name } } } }');
    expect(result.errors?.[0]).toMatchObject({
      message: 'layer store is broken',
      extensions: { code: 'ENGINE_ERROR' },
    });
  });

  it('masks what Wharf did not expect: no stack, no internals, a stable code', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      // Valid JSON of the wrong shape: a list call answered with an object.
      sendJson(res, 200, { surprise: true });
    });
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}` });
    const result = await faulty.query('{ containers { edges { node { name } } } }');
    expect(result.errors?.[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expectNothingInternal(result, fake.socketPath);
  });

  it('answers ENGINE_ERROR when the engine sends a body that is not JSON', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"Id": "trunc');
    });
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}` });
    const result = await faulty.query('{ networks { edges { node { name } } } }');
    expect(codes(result)).toEqual(['ENGINE_ERROR']);
  });

  it('refuses an engine older than Engine API 1.41 with ENGINE_UNSUPPORTED', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.40');
      sendJson(res, 200, []);
    });
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}` });
    const result = await faulty.query('{ containers { edges { node { name } } } }');
    expect(codes(result)).toEqual(['ENGINE_UNSUPPORTED']);
    expect(fake.requests.map((request) => request.url)).toEqual(['/_ping']);
  });
});
