import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('subscriptions');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

/** graphql-ws rejects the iteration with the operation's errors. */
async function firstErrorCode(query: string, variables: Record<string, unknown>) {
  try {
    const first = await gateway.subscribe(query, variables).next();
    return first.value?.errors?.[0]?.extensions?.code;
  } catch (errors) {
    return (errors as { extensions?: { code?: string } }[])[0]?.extensions?.code;
  }
}

interface LogPayload {
  containerLogs:
    | { __typename: 'LogLines'; lines: { stream: string; text: string; cursor: string | null }[] }
    | { __typename: 'LogEnd'; reason: string; exitCode: number | null };
}

const LOGS = `subscription ($ref: String!, $follow: Boolean!, $tail: Int) {
  containerLogs(ref: $ref, follow: $follow, tail: $tail) {
    __typename
    ... on LogLines { lines { stream text cursor } }
    ... on LogEnd { reason exitCode }
  }
}`;

/** Reads a log subscription to its LogEnd. */
async function readToEnd(results: AsyncIterableIterator<Result<LogPayload>>) {
  const lines: { stream: string; text: string }[] = [];
  for await (const result of results) {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const event = result.data?.containerLogs;
    if (event?.__typename === 'LogLines') lines.push(...event.lines);
    if (event?.__typename === 'LogEnd') return { lines, end: event };
  }
  throw new Error('the stream completed without LogEnd');
}

describe('containerLogs', () => {
  it('follows a container until it is killed: every line, on its stream, then LogEnd 137', async () => {
    const name = await scope.shell(
      'killed',
      'i=0; while true; do i=$((i+1)); echo out$i; echo err$i >&2; sleep 0.05; done',
    );
    const results = gateway.subscribe<LogPayload>(LOGS, { ref: name, follow: true });
    const done = readToEnd(results);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await docker('kill', name);
    const { lines, end } = await within(done, 15_000, 'LogEnd');
    expect(end).toMatchObject({ reason: 'EXITED', exitCode: 137 });
    const out = lines.filter((l) => l.stream === 'STDOUT').map((l) => l.text);
    const err = lines.filter((l) => l.stream === 'STDERR').map((l) => l.text);
    expect(out.length).toBeGreaterThan(3);
    // Every line the container wrote, in order, none lost or doubled.
    expect(out).toEqual(out.map((_, i) => `out${i + 1}`));
    expect(err).toEqual(err.map((_, i) => `err${i + 1}`));
    // Ground truth: what the engine kept is what we got.
    const stored = (await docker('logs', name)).split('\n');
    expect(out).toEqual(stored.filter((line) => line.startsWith('out')));
  });

  it('ends with REMOVED when the container is removed mid-follow', async () => {
    const name = await scope.shell('removed', 'echo hello; sleep 300');
    const done = readToEnd(gateway.subscribe<LogPayload>(LOGS, { ref: name, follow: true }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await docker('rm', '-f', name);
    const { lines, end } = await within(done, 15_000, 'LogEnd');
    expect(lines.map((l) => l.text)).toEqual(['hello']);
    expect(end.reason).toBe('REMOVED');
  });

  it('ends with HISTORY_END when not following, and gives cursors', async () => {
    const name = scope.name('history');
    await docker(
      'run',
      ...scope.labelArgs,
      '--name',
      name,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'echo a; echo b; echo c',
    );
    const { lines, end } = await readToEnd(
      gateway.subscribe<LogPayload>(LOGS, { ref: name, follow: false, tail: 2 }),
    );
    expect(lines.map((l) => l.text)).toEqual(['b', 'c']);
    expect(end.reason).toBe('HISTORY_END');
  });

  it('reports NOT_FOUND for an unknown container and BAD_USER_INPUT for a bad ref', async () => {
    expect(await firstErrorCode(LOGS, { ref: `${scope.run}-none`, follow: true })).toBe(
      'NOT_FOUND',
    );
    expect(await firstErrorCode(LOGS, { ref: '../../x', follow: true })).toBe('BAD_USER_INPUT');
  });

  it('closes the engine stream within a second of unsubscribing from a quiet container', async () => {
    const name = await scope.shell('quiet', 'echo one; sleep 300');
    const results = gateway.subscribe<LogPayload>(LOGS, { ref: name, follow: true });
    const first = await results.next();
    expect(first.value?.data?.containerLogs.__typename).toBe('LogLines');
    expect(gateway.engine.openStreams).toBeGreaterThan(0);
    const open = gateway.engine.openStreams;
    const started = Date.now();
    await results.return?.();
    await eventually(
      'the upstream logs stream to close',
      async () => (gateway.engine.openStreams === open - 1 ? true : undefined),
      1_000,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('events', () => {
  const EVENTS = `subscription ($filter: EventFilter, $after: String) {
    events(filter: $filter, after: $after) {
      __typename
      ... on EngineEvent { type action actorId cursor container { name state } attributes { key value } }
      ... on EventGap { reason }
    }
  }`;

  interface EventPayload {
    events: {
      __typename: string;
      type: string;
      action: string;
      actorId: string;
      cursor: string;
      container: { name: string; state: string } | null;
    };
  }

  it('streams a container lifecycle in order, with the container as it is at each event', async () => {
    const results = gateway.subscribe<EventPayload>(EVENTS, {
      filter: { label: [scope.label], type: ['CONTAINER'] },
    });
    const got: EventPayload['events'][] = [];
    const reading = (async () => {
      for await (const result of results) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        const event = result.data?.events;
        if (event) got.push(event);
        if (event?.action === 'destroy') return;
      }
    })();
    await eventually('the event stream to open', async () =>
      gateway.engine.events.subscribers > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const name = scope.name('lifecycle');
    await docker('create', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    await docker('start', name);
    await docker('rm', '-f', name);
    await within(reading, 15_000, 'the destroy event');
    const actions = got.map((e) => e.action);
    expect(actions[0]).toBe('create');
    expect(actions).toContain('start');
    expect(actions.at(-1)).toBe('destroy');
    expect(actions.indexOf('start')).toBeLessThan(actions.indexOf('die'));
    expect(got[0]?.container?.name).toBe(name);
    expect(got.at(-1)?.container).toBeNull();
    expect(new Set(got.map((e) => e.cursor)).size).toBe(got.length);
  });

  it('shares one engine connection between subscribers and closes it after the last', async () => {
    const before = gateway.calls.filter((c) => /^\/v1\.\d+\/events/.test(c.path)).length;
    const volume = scope.name('vol');
    // Different filters, so they do not share one subscription (shared-subscriptions.test.ts)
    // and each is a subscriber of the hub.
    const a = gateway.subscribe<EventPayload>(EVENTS, { filter: { volume: [volume] } });
    const b = gateway.subscribe<EventPayload>(EVENTS, {
      filter: { volume: [volume, `${volume}-other`] },
    });
    const na = a.next();
    const nb = b.next();
    await eventually('both subscribers', async () =>
      gateway.engine.events.subscribers === 2 ? true : undefined,
    );
    await docker('volume', 'create', '--label', scope.label, volume);
    expect((await within(na, 10_000, 'a')).value?.data?.events.action).toBe('create');
    expect((await within(nb, 10_000, 'b')).value?.data?.events.action).toBe('create');
    expect(gateway.calls.filter((c) => /^\/v1\.\d+\/events/.test(c.path)).length - before).toBe(1);
    await a.return?.();
    await b.return?.();
    await eventually(
      'the hub to close',
      async () => (gateway.engine.events.subscribers === 0 ? true : undefined),
      2_000,
    );
  });

  it('resumes after a cursor without duplicates', async () => {
    const net = scope.name('net');
    const first = gateway.subscribe<EventPayload>(EVENTS, { filter: { network: [net] } });
    const next = first.next();
    await eventually('the subscriber', async () =>
      gateway.engine.events.subscribers > 0 ? true : undefined,
    );
    await docker('network', 'create', '--label', scope.label, net);
    const created = (await within(next, 10_000, 'network create')).value?.data?.events;
    expect(created?.action).toBe('create');
    await first.return?.();
    await docker('network', 'rm', net);
    const resumed = gateway.subscribe<EventPayload>(EVENTS, {
      filter: { network: [net] },
      after: created?.cursor,
    });
    const replayed = (await within(resumed.next(), 10_000, 'replay')).value?.data?.events;
    // Either the engine replayed the destroy (continuity proven) or Wharf says it could not.
    expect(
      replayed?.__typename === 'EventGap' ||
        (replayed?.action === 'destroy' && replayed.actorId !== ''),
    ).toBe(true);
    if (replayed?.__typename !== 'EventGap') expect(replayed?.action).toBe('destroy');
    await resumed.return?.();
  });

  it('refuses a malformed cursor with BAD_USER_INPUT', async () => {
    expect(await firstErrorCode(EVENTS, { after: 'nope' })).toBe('BAD_USER_INPUT');
  });
});

describe('containerStats', () => {
  it('gives numbers that agree with the engine, one shared stream per container', async () => {
    const name = scope.name('stats');
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      name,
      '--memory',
      '64m',
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'while true; do :; done',
    );
    const query = `subscription ($ref: String!) { containerStats(ref: $ref) {
      read cpuPercent memoryUsage memoryLimit memoryPercent networkRxBytes networkTxBytes blockReadBytes blockWriteBytes pids } }`;
    const a = gateway.subscribe<{ containerStats: Record<string, number> }>(query, { ref: name });
    const b = gateway.subscribe<{ containerStats: Record<string, number> }>(query, { ref: name });
    await a.next();
    await b.next();
    const sample = (await a.next()).value?.data?.containerStats;
    expect(sample?.memoryLimit).toBe(64 * 1024 * 1024);
    expect(sample?.cpuPercent).toBeGreaterThan(20); // a busy loop on one CPU
    expect(sample?.pids).toBe(1);
    expect(sample?.memoryPercent).toBeCloseTo(
      ((sample?.memoryUsage ?? 0) / (64 * 1024 * 1024)) * 100,
      5,
    );
    expect(gateway.engine.stats.size).toBe(1);
    await a.return?.();
    expect(gateway.engine.stats.size).toBe(1);
    await b.return?.();
    await eventually(
      'the stats stream to close',
      async () => (gateway.engine.stats.size === 0 ? true : undefined),
      1_000,
    );
  });
});

describe('exec', () => {
  let container = '';
  beforeAll(async () => {
    container = scope.name('exec');
    await docker(
      'run',
      '-d',
      ...scope.labelArgs,
      '--name',
      container,
      FIXTURE_IMAGE,
      'sleep',
      '300',
    );
  });

  it('runs a one-shot command with stdout, stderr and the exit code apart', async () => {
    const data = (await gateway.data(
      `mutation ($c: String!) {
      exec(container: $c, cmd: ["sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 7"], env: ["GREETING=hé"]) {
        exitCode stdout stderr truncated
      } }`,
      { c: container },
    )) as { exec: Record<string, unknown> };
    expect(data.exec).toEqual({
      exitCode: 7,
      stdout: 'out\nhé\n',
      stderr: 'err\n',
      truncated: false,
    });
  });

  it('caps one-shot output and says so', async () => {
    const data = (await gateway.data(
      `mutation ($c: String!) {
      exec(container: $c, cmd: ["sh", "-c", "head -c 3000000 /dev/zero | tr '\\\\0' x"]) { exitCode stdout truncated } }`,
      { c: container },
    )) as {
      exec: { exitCode: number; stdout: string; truncated: boolean };
    };
    expect(data.exec.exitCode).toBe(0);
    expect(data.exec.stdout.length).toBe(1024 * 1024);
    expect(data.exec.truncated).toBe(true);
  });

  it('attaches interactively: stdin in, output out, then ExecExit', async () => {
    const created = (await gateway.data(
      `mutation ($c: String!) {
      execCreate(input: { container: $c, cmd: ["sh", "-c", "read a; echo got:$a; read b; echo err:$b >&2; exit 3"], stdin: true }) { execId running exitCode } }`,
      { c: container },
    )) as { execCreate: { execId: string; running: boolean; exitCode: number | null } };
    expect(created.execCreate).toMatchObject({ running: false, exitCode: null });
    const id = created.execCreate.execId;
    const events = gateway.subscribe<{
      execAttach: { __typename: string; stream?: string; text?: string; exitCode?: number };
    }>(
      `subscription ($id: String!) { execAttach(execId: $id) { __typename ... on ExecOutput { stream text } ... on ExecExit { exitCode } } }`,
      { id },
    );
    const collected: { __typename: string; stream?: string; text?: string; exitCode?: number }[] =
      [];
    const reading = (async () => {
      for await (const result of events) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        const event = result.data?.execAttach;
        if (event) collected.push(event);
        if (event?.__typename === 'ExecExit') return;
      }
    })();
    await eventually('the attach', async () =>
      gateway.engine.execs.isAttached(id) ? true : undefined,
    );
    await gateway.data(`mutation ($id: String!) { execInput(execId: $id, data: "hello\\n") }`, {
      id,
    });
    await gateway.data(
      `mutation ($id: String!) { execInput(execId: $id, data: "world\\n", closeStdin: true) }`,
      { id },
    );
    await within(reading, 10_000, 'ExecExit');
    const output = collected.filter((e) => e.__typename === 'ExecOutput');
    expect(
      output
        .filter((e) => e.stream === 'STDOUT')
        .map((e) => e.text)
        .join(''),
    ).toBe('got:hello\n');
    expect(
      output
        .filter((e) => e.stream === 'STDERR')
        .map((e) => e.text)
        .join(''),
    ).toBe('err:world\n');
    expect(collected.at(-1)).toEqual({ __typename: 'ExecExit', exitCode: 3 });
    expect(gateway.engine.execs.isAttached(id)).toBe(false);
  });

  it('refuses input for an exec nobody attached, and bad exec input', async () => {
    const notAttached = await gateway.query(
      `mutation { execInput(execId: "${'a'.repeat(64)}", data: "x") }`,
    );
    expect(notAttached.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badId = await gateway.query('mutation { execInput(execId: "../x", data: "x") }');
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badEnv = await gateway.query(
      `mutation { exec(container: "${container}", cmd: ["true"], env: ["NOEQUALS"]) { exitCode } }`,
    );
    expect(badEnv.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const stopped = scope.name('stopped');
    await docker('create', ...scope.labelArgs, '--name', stopped, FIXTURE_IMAGE, 'true');
    const conflict = await gateway.query(
      `mutation { exec(container: "${stopped}", cmd: ["true"]) { exitCode } }`,
    );
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('caps one-shot exec input as containerCreate does, before any engine call', async () => {
    const EXEC = `mutation ($c: String!, $cmd: [String!]!, $env: [String!], $dir: String) {
      exec(container: $c, cmd: $cmd, env: $env, workingDir: $dir) { exitCode } }`;
    for (const bad of [
      { cmd: ['echo', 'x'.repeat(70 * 1024)] },
      { cmd: ['true'], env: Array.from({ length: 1025 }, (_, i) => `K${i}=v`) },
      { cmd: ['echo', 'a\u0000b'] },
      { cmd: ['true'], dir: '/tmp\nx' },
    ]) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.query(EXEC, { c: container, ...bad }),
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(calls).toEqual([]);
    }
  });
});
