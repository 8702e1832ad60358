import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerStreams, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

interface Line {
  stream: 'STDOUT' | 'STDERR';
  text: string;
  timestamp: string | null;
}

const scope = testScope('logs');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

/** Runs `script` to completion in a fresh labelled container and returns its name. */
async function ran(script: string, ...extra: string[]): Promise<string> {
  const name = scope.name('log');
  await docker(
    'run',
    ...scope.labelArgs,
    '--name',
    name,
    ...extra,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    script,
  ).catch(() => undefined);
  await eventually('the container to exit', async () =>
    (await docker('inspect', '-f', '{{.State.Status}}', name)) === 'exited' ? true : undefined,
  );
  return name;
}

async function logs(name: string, args = ''): Promise<Line[]> {
  const data = (await gateway.data(
    `{ container(ref: "${name}") { logs${args ? `(${args})` : ''} { stream text timestamp } } }`,
  )) as { container: { logs: Line[] } };
  return data.container.logs;
}

describe('container log history', () => {
  it('keeps stdout and stderr apart, in the order written per stream', async () => {
    const name = await ran('for i in 1 2 3; do echo out$i; echo err$i >&2; done');
    const lines = await logs(name);
    expect(lines.filter((l) => l.stream === 'STDOUT').map((l) => l.text)).toEqual([
      'out1',
      'out2',
      'out3',
    ]);
    expect(lines.filter((l) => l.stream === 'STDERR').map((l) => l.text)).toEqual([
      'err1',
      'err2',
      'err3',
    ]);
    // Ground truth: docker logs writes the same streams to the same fds.
    const cli = await dockerStreams('logs', name);
    expect(cli.out).toBe('out1\nout2\nout3\n');
    expect(cli.err).toBe('err1\nerr2\nerr3\n');
  });

  it('gives each line the timestamp the engine recorded when asked, and none by default (as containerLogs)', async () => {
    const name = await ran('echo one; echo two');
    const withTimes = await logs(name, 'timestamps: true');
    const cli = (await docker('logs', '--timestamps', name)).split('\n');
    expect(withTimes.map((l) => `${l.timestamp} ${l.text}`)).toEqual(cli);
    const without = await logs(name);
    expect(without).toEqual([
      { stream: 'STDOUT', text: 'one', timestamp: null },
      { stream: 'STDOUT', text: 'two', timestamp: null },
    ]);
  });

  it('decodes a TTY container as one raw stream without carriage returns', async () => {
    const name = await ran('echo hello; echo oops >&2; printf "no newline"', '-t');
    const lines = await logs(name, 'timestamps: true');
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['STDOUT', 'hello'],
      ['STDOUT', 'oops'],
      ['STDOUT', 'no newline'],
    ]);
    expect(lines.every((l) => l.timestamp !== null)).toBe(true);
  });

  it('joins lines the engine split at 16 KiB into one line', async () => {
    const name = await ran("head -c 40000 /dev/zero | tr '\\0' a; echo; echo short >&2");
    const lines = await logs(name, 'timestamps: true');
    // The engine copies stdout and stderr concurrently: only the order within a stream is defined.
    const stdout = lines.filter((l) => l.stream === 'STDOUT');
    expect(stdout.map((l) => l.text)).toEqual(['a'.repeat(40_000)]);
    expect(stdout[0]?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(lines.filter((l) => l.stream === 'STDERR').map((l) => l.text)).toEqual(['short']);
  });

  it('keeps multi-byte characters that the 16 KiB split cut in two intact', async () => {
    // The json-file driver stores lines as JSON strings and so replaces a cut character with
    // U+FFFD before Wharf sees it; the local driver keeps the bytes, so the join is Wharf's alone.
    const name = await ran(
      "head -c 40000 /dev/zero | tr '\\0' a; for i in $(seq 1 3000); do printf 'é€𝄞'; done; echo",
      '--log-driver',
      'local',
    );
    const lines = await logs(name);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.text).toBe(`${'a'.repeat(40_000)}${'é€𝄞'.repeat(3000)}`);
  });

  it('honours tail, stdout/stderr selection and since/until', async () => {
    const name = await ran('for i in $(seq 1 10); do echo line$i; done; echo bad >&2');
    // Ground truth for the tail: whatever three lines the engine keeps, docker logs shows the same.
    const tail = (await logs(name, 'tail: 3')).map((l) => l.text).sort();
    const { out, err } = await dockerStreams('logs', '--tail', '3', name);
    const cliTail = `${out}${err}`.trim().split('\n').sort();
    expect(tail).toHaveLength(3);
    expect(tail).toEqual(cliTail);
    expect((await logs(name, 'stdout: false')).map((l) => l.text)).toEqual(['bad']);
    expect((await logs(name, 'stderr: false')).map((l) => l.text)).toHaveLength(10);
    const all = await logs(name, 'timestamps: true');
    const cut = all[4]?.timestamp as string;
    const until = (await logs(name, `until: "${cut}"`)).map((l) => l.text);
    expect(until).not.toContain('line10');
    expect(await logs(name, 'since: "2999-01-01T00:00:00Z"')).toEqual([]);
  });
});

describe('processes', () => {
  it('lists what docker top lists for a running container, and null when it is stopped', async () => {
    const name = scope.name('top');
    await docker('run', '-d', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'sleep', '300');
    const data = (await gateway.data(
      `{ container(ref: "${name}") { processes { titles rows } } }`,
    )) as {
      container: { processes: { titles: string[]; rows: string[][] } };
    };
    expect(data.container.processes.titles).toContain('PID');
    expect(data.container.processes.rows.some((row) => row.join(' ').includes('sleep 300'))).toBe(
      true,
    );
    await docker('stop', '-t', '0', name);
    const stopped = (await gateway.data(
      `{ container(ref: "${name}") { processes { titles } } }`,
    )) as {
      container: { processes: null };
    };
    expect(stopped.container.processes).toBeNull();
  });
});
