import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/access-log.ts';
import { EngineUnavailableError } from '../../src/engine/errors.ts';
import { createLogger, routeConsole, serializeError } from '../../src/log.ts';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { rawRequest } from '../helpers/raw-http.ts';

type Entry = Record<string, unknown>;

/** A logger that keeps every line, as production would write it (debug on, rate-limited). */
function capture(ratePerSecond = 50) {
  const lines: string[] = [];
  const logger = createLogger(
    'debug',
    (line) => {
      lines.push(line);
      return true;
    },
    { ratePerSecond },
  );
  return {
    logger,
    lines,
    text: () => lines.join(''),
    entries: () => lines.map((line) => JSON.parse(line) as Entry),
    operations: () =>
      lines.map((line) => JSON.parse(line) as Entry).filter((e) => e.msg === 'operation'),
  };
}

/** Limits loose enough that the amplification query reaches execution (and the engine checks). */
const LOOSE = {
  maxAliases: 10_000,
  maxTokens: 100_000,
  maxCost: 1_000_000_000,
  maxEngineCalls: 100_000,
};

const scope = testScope('logging');
let log: ReturnType<typeof capture>;
let gateway: TestGateway;

beforeAll(async () => {
  log = capture();
  gateway = await startGateway({ logger: log.logger, limits: LOOSE });
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

/** Lines written while `fn` ran. */
async function linesOf(fn: () => Promise<unknown>): Promise<string[]> {
  const start = log.lines.length;
  await fn();
  // The access line is written as the answer leaves: give it a turn.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return log.lines.slice(start);
}

describe('refused requests', () => {
  it('logs a refused Host or Origin with its code and client, never the refused text', async () => {
    const lines = await linesOf(async () => {
      const rebound = await rawRequest(gateway.url, '/graphql', {
        headers: { host: 'rebound-evil.example:4000' },
      });
      expect(rebound.status).toBe(421);
      const foreign = await rawRequest(gateway.url, '/graphql', {
        method: 'POST',
        headers: { origin: 'http://foreign-evil.example', 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(foreign.status).toBe(403);
    });
    const refused = lines.map((line) => JSON.parse(line) as Entry);
    expect(refused).toEqual([
      expect.objectContaining({
        msg: 'request refused',
        code: 'UNKNOWN_HOST',
        client: '127.0.0.1',
      }),
      expect.objectContaining({ msg: 'request refused', code: 'FORBIDDEN_ORIGIN', status: 403 }),
    ]);
    expect(lines.join('')).not.toMatch(/evil/);
  });
});

describe('error-log amplification', () => {
  it('logs a 76 KB query with 2,000 bad refs in a few lines, without the query', async () => {
    const pad = 'x'.repeat(14);
    const aliases = Array.from(
      { length: 2_000 },
      (_, i) => `a${i}: container(ref: "bad/ref ${pad}${i}") { name }`,
    );
    const query = `query Amplify { ${aliases.join(' ')} }`;
    expect(query.length).toBeGreaterThan(76_000);
    const lines = await linesOf(async () => {
      const result = await gateway.query(query);
      expect(result.errors).toHaveLength(2_000);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
    const text = lines.join('');
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toContain('bad/ref');
    expect(text).not.toContain(pad);
    const entries = lines.map((line) => JSON.parse(line) as Entry);
    expect(entries.filter((e) => e.level === 'error')).toEqual([]);
    const access = entries.filter((e) => e.msg === 'operation');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 'info',
      operation: 'Amplify',
      type: 'query',
      code: 'BAD_USER_INPUT',
      errors: 2_000,
      client: '127.0.0.1',
    });
    expect(entries.find((e) => e.msg === 'operation errors')).toMatchObject({
      level: 'debug',
      codes: { BAD_USER_INPUT: 2_000 },
    });
  });

  it('never logs a secret written inline in a query or in its variables', async () => {
    const image = `wharf-none-${scope.run}:latest`;
    const lines = await linesOf(async () => {
      const inline = await gateway.query(
        `mutation { containerCreate(input: { image: "${image}", env: ["DB_PASSWORD=hunter2"],
          labels: [{ key: "org.wharf.test", value: "${scope.run}" }] }) { name } }`,
      );
      expect(inline.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const filter = await gateway.query(
        '{ containers(filter: { label: ["DB_PASSWORD=hunter2\\u0001"] }) { edges { node { name } } } }',
      );
      expect(filter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const variables = await gateway.query(
        'query ($l: [String!]) { containers(filter: { label: $l }) { edges { node { name } } } }',
        { l: ['DB_PASSWORD=hunter2\u0001'] },
      );
      expect(variables.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const syntax = await gateway.query('{ containers(filter: "DB_PASSWORD=hunter2" ');
      expect(syntax.errors).toHaveLength(1);
    });
    expect(lines.join('')).not.toContain('hunter2');
    const codes = lines
      .map((line) => JSON.parse(line) as Entry)
      .filter((e) => e.msg === 'operation')
      .map((e) => e.code);
    expect(codes).toEqual([
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'GRAPHQL_PARSE_FAILED',
    ]);
  });
});

describe('access log', () => {
  it('writes one info line per operation over HTTP, with its fields', async () => {
    const lines = await linesOf(() => gateway.data('query Probe { engine { name version } }'));
    const access = lines
      .map((line) => JSON.parse(line) as Entry)
      .filter((e) => e.msg === 'operation');
    expect(access).toHaveLength(1);
    const [line] = access;
    expect(line).toMatchObject({
      level: 'info',
      operation: 'Probe',
      type: 'query',
      transport: 'http',
      code: 'ok',
      errors: 0,
      client: '127.0.0.1',
    });
    expect(line?.durationMs).toEqual(expect.any(Number));
    expect(line?.engineCalls).toBeGreaterThan(0);
  });

  it('logs a subscription when it starts and when it ends, over graphql-ws and SSE', async () => {
    const name = await scope.shell('lines', 'echo one; echo two');
    await eventually('the container to exit', async () =>
      (await docker('inspect', '--format', '{{.State.Status}}', name)) === 'exited'
        ? true
        : undefined,
    );
    const LOGS = `subscription Tail($ref: String!) { containerLogs(ref: $ref, follow: false) {
      __typename ... on LogLines { lines { text } } } }`;

    const ws = await linesOf(async () => {
      for await (const result of gateway.subscribe(LOGS, { ref: name })) {
        expect(result.errors).toBeUndefined();
      }
    });
    const sse = await linesOf(async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: LOGS, variables: { ref: name } }),
      });
      expect(await response.text()).toContain('event: complete');
    });
    for (const [lines, transport] of [
      [ws, 'ws'],
      [sse, 'sse'],
    ] as const) {
      const entries = lines.map((line) => JSON.parse(line) as Entry);
      expect(entries.filter((e) => e.msg === 'subscription started')).toEqual([
        expect.objectContaining({ operation: 'Tail', type: 'subscription', transport }),
      ]);
      const access = entries.filter((e) => e.msg === 'operation');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({
        operation: 'Tail',
        type: 'subscription',
        transport,
        code: 'ok',
        client: '127.0.0.1',
      });
      expect(access[0]?.events).toBeGreaterThanOrEqual(1);
      expect(access[0]?.engineCalls).toBeGreaterThan(0);
    }
  });

  it('writes only JSON lines', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    for (const line of log.lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});

describe('server-side and unexpected errors', () => {
  let fake: FakeEngine | undefined;
  let faulty: TestGateway | undefined;

  afterEach(async () => {
    await faulty?.stop();
    await fake?.close();
    faulty = undefined;
    fake = undefined;
  });

  it('logs an unexpected error at error with its stack, the client sees only the code', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      // Valid JSON of the wrong shape: a list call answered with an object breaks the code.
      sendJson(res, 200, { surprise: true });
    });
    const own = capture();
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}`, logger: own.logger });
    const result = await faulty.query('query Broken { containers { edges { node { name } } } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const errors = own.entries().filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'unexpected error',
      operation: 'Broken',
      code: 'INTERNAL_SERVER_ERROR',
      error: { name: 'TypeError', stack: expect.stringContaining('TypeError') },
    });
    expect(own.operations()).toEqual([
      expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR', operation: 'Broken' }),
    ]);
  });

  it("logs ENGINE_UNAVAILABLE at warn with the socket error's code, syscall and address", async () => {
    const socket = `/tmp/wharf-no-engine-${scope.run}.sock`;
    const own = capture();
    faulty = await startGateway({ dockerHost: `unix://${socket}`, logger: own.logger });
    const result = await faulty.query('{ volumes { edges { node { name } } } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failure = own.entries().find((e) => e.msg === 'engine failure');
    expect(failure).toMatchObject({ level: 'warn', code: 'ENGINE_UNAVAILABLE' });
    expect(JSON.stringify(failure?.cause)).toContain('"code":"ENOENT"');
    expect(JSON.stringify(failure?.cause)).toContain('"syscall":"connect"');
    expect(JSON.stringify(failure?.cause)).toContain(socket);
  });

  it('reports a container a failed create left behind: orphanedId for the client, warn in the log', async () => {
    const id = 'f'.repeat(64);
    fake = await startFakeEngine((req, res) => {
      const path = new URL(req.url ?? '', 'http://docker').pathname;
      if (path === '/_ping') return sendPing(res, '1.41');
      if (req.method === 'GET' && /^\/v1\.41\/networks\/(front|back)$/.test(path)) {
        const name = path.split('/').at(-1);
        return sendJson(res, 200, { Name: name, Id: `${name}-id`, Driver: 'bridge' });
      }
      if (path === '/v1.41/containers/create') return sendJson(res, 201, { Id: id, Warnings: [] });
      if (path === '/v1.41/networks/back/connect') {
        return sendJson(res, 500, { message: 'cannot connect' });
      }
      if (req.method === 'DELETE') return sendJson(res, 500, { message: 'removal stuck' });
      sendJson(res, 404, { message: `not here: ${path}` });
    });
    const own = capture();
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}`, logger: own.logger });
    const result = await faulty.query(
      `mutation { containerCreate(input: { image: "busybox", networks: [{ network: "front" }, { network: "back" }] }) { name } }`,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'ENGINE_ERROR', orphanedId: id });
    expect(fake.requests.some((r) => r.method === 'DELETE')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      own.entries().find((e) => e.msg === 'container left behind after a failed create'),
    ).toMatchObject({
      level: 'warn',
      orphanedId: id,
      cause: { message: 'removal stuck' },
    });
  });

  it('reports a lost event stream at warn (the hub no longer swallows it)', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      // Answers, then drops the connection: the hub's upstream is lost.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const own = capture();
    faulty = await startGateway({ dockerHost: `unix://${fake.socketPath}`, logger: own.logger });
    const events = faulty.engine.events.subscribe();
    const next = events.next();
    await eventually('the hub to report', async () =>
      own.entries().find((e) => e.msg === 'engine event stream lost; reconnecting'),
    );
    await events.return?.();
    await next.catch(() => {});
  });
});

describe('serializeError', () => {
  it('keeps name, message, errno fields, stack and the cause chain, bounded', () => {
    const errno = Object.assign(new Error('connect EACCES /var/run/docker.sock'), {
      code: 'EACCES',
      syscall: 'connect',
      address: '/var/run/docker.sock',
    });
    const error = new EngineUnavailableError('engine "local" is not reachable', {
      cause: new TypeError('fetch failed', { cause: errno }),
    });
    expect(serializeError(error)).toMatchObject({
      name: 'EngineUnavailableError',
      code: 'ENGINE_UNAVAILABLE',
      stack: expect.stringContaining('EngineUnavailableError'),
      cause: {
        name: 'TypeError',
        cause: { code: 'EACCES', syscall: 'connect', address: '/var/run/docker.sock' },
      },
    });

    let deep: Error = new Error('bottom');
    for (let i = 0; i < 100; i++)
      deep = new Error(`level ${i} ${'m'.repeat(5_000)}`, { cause: deep });
    expect(JSON.stringify(serializeError(deep)).length).toBeLessThan(40_000);
  });

  it('drops the user:password of a URL', () => {
    const error = Object.assign(new Error('connect to tcp://admin:s3cret@host:2376 failed'), {
      address: 'tcp://admin:s3cret@host:2376',
    });
    expect(JSON.stringify(serializeError(error))).not.toContain('s3cret');
  });

  it('classifies by the code the client sees', () => {
    expect(classifyError(new TypeError('x'), 'BAD_USER_INPUT')).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      kind: 'unexpected',
    });
    expect(classifyError(new EngineUnavailableError('down'), 'X')).toMatchObject({
      code: 'ENGINE_UNAVAILABLE',
      kind: 'server',
    });
  });
});

describe('rate limit and console', () => {
  it('keeps N lines a second of one message from one client, and says how many it dropped', async () => {
    const own = capture(5);
    for (let i = 0; i < 100; i++) own.logger.info('operation', { client: '10.0.0.1' });
    own.logger.info('operation', { client: '10.0.0.2' });
    expect(own.operations()).toHaveLength(6);
    await eventually('the summary', async () =>
      own.entries().find((e) => e.msg === 'log lines suppressed'),
    );
    expect(own.entries().find((e) => e.msg === 'log lines suppressed')).toMatchObject({
      level: 'warn',
      suppressedMsg: 'operation',
      client: '10.0.0.1',
      suppressed: 95,
    });
  });

  it('routes console output (graphql-ws prints there) into JSON lines', () => {
    const own = capture();
    const restore = routeConsole(own.logger);
    try {
      console.error(
        'Internal error occurred during message handling. Please check your implementation.',
        new Error('boom'),
      );
      console.log('plain');
    } finally {
      restore();
    }
    expect(own.entries()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'Internal error occurred during message handling. Please check your implementation.',
        error: expect.objectContaining({ message: 'boom', stack: expect.any(String) }),
      }),
      expect.objectContaining({ level: 'info', msg: 'plain' }),
    ]);
  });
});
