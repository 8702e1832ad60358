import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/** `docker attach` through Wharf: containerAttach, containerInput, containerResize. */
const scope = testScope('attach');
let gateway: TestGateway;
type Role = keyof typeof TOKENS;

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
});

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

interface AttachEvent {
  __typename: string;
  stream?: string;
  text?: string;
  exitCode?: number | null;
}

/** Attaches; `events` fills as output comes, `done` settles with the exit. */
function attach(role: Role, ref: string) {
  const events: AttachEvent[] = [];
  const results = gateway.subscribe<{ containerAttach: AttachEvent }>(
    `subscription ($ref: String!) { containerAttach(ref: $ref) { __typename ... on ExecOutput { stream text } ... on ExecExit { exitCode } } }`,
    { ref },
    gateway.wsClient(TOKENS[role]),
  );
  const done = (async () => {
    for await (const result of results) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      const event = result.data?.containerAttach;
      if (event) events.push(event);
      if (event?.__typename === 'ExecExit') return;
    }
  })();
  const text = (stream = 'STDOUT') =>
    events
      .filter((event) => event.stream === stream)
      .map((event) => event.text)
      .join('');
  return { events, done, text, stop: () => results.return?.() };
}

/** graphql-ws rejects the iteration with the operation's errors: the first one's code and message. */
async function refusal(role: Role, ref: string) {
  try {
    await attach(role, ref).done;
    return undefined;
  } catch (error) {
    type Errors = { message: string; extensions: { code: string } }[];
    const [first] = Array.isArray(error)
      ? (error as Errors)
      : (JSON.parse((error as Error).message) as Errors);
    return { code: first?.extensions.code, message: first?.message };
  }
}

const attached = (name: string) =>
  eventually(`${name} attached`, async () => {
    const id = await docker('inspect', '-f', '{{.Id}}', name);
    return gateway.engine.attaches.isAttached(id) ? true : undefined;
  });

const input = (role: Role, ref: string, data: string, closeStdin = false) =>
  gateway.query(
    `mutation ($ref: String!, $data: String!, $close: Boolean!) { containerInput(ref: $ref, data: $data, closeStdin: $close) }`,
    { ref, data, close: closeStdin },
    TOKENS[role],
  );

describe('containerAttach', () => {
  it("streams the main process's output apart per stream, feeds its stdin, and ends with its exit code", async () => {
    const name = scope.name('reader');
    await docker(
      'run',
      '-d',
      '-i',
      ...scope.labelArgs,
      '--name',
      name,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'for i in 1 2; do read line; echo "got:$line"; echo "err:$line" >&2; done; exit 4',
    );
    const session = attach('admin', name);
    await attached(name);
    expect((await input('admin', name, 'hello\n')).errors).toBeUndefined();
    expect((await input('admin', name, 'world\n')).errors).toBeUndefined();
    await session.done;
    expect(session.text('STDOUT')).toBe('got:hello\ngot:world\n');
    expect(session.text('STDERR')).toBe('err:hello\nerr:world\n');
    expect(session.events.at(-1)).toEqual({ __typename: 'ExecExit', exitCode: 4 });
    expect(await docker('inspect', '-f', '{{.State.ExitCode}}', name)).toBe('4');
  });

  it('drives a TTY: input echoes, resize reaches the terminal, detaching leaves it running', async () => {
    const name = scope.name('tty');
    await docker('run', '-d', '-i', '-t', ...scope.labelArgs, '--name', name, FIXTURE_IMAGE, 'sh');
    const session = attach('admin', name);
    await attached(name);
    const resized = await gateway.query(
      `mutation ($ref: String!) { containerResize(ref: $ref, rows: 31, cols: 101) }`,
      { ref: name },
      TOKENS.admin,
    );
    expect(resized.errors).toBeUndefined();
    await input('admin', name, 'stty size\n');
    await eventually('the size echoed', async () =>
      session.text().includes('31 101') ? true : undefined,
    );
    // A second session on this instance would split the stdin: refused.
    expect(await refusal('admin', name)).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining('already attached through this Wharf instance'),
    });
    // Closing stdin detaches (the engine ends the session; the process keeps its stdin open).
    await input('admin', name, '', true);
    await session.done;
    expect(session.events.at(-1)).toEqual({ __typename: 'ExecExit', exitCode: null });
    await eventually('detached', async () => {
      const id = await docker('inspect', '-f', '{{.Id}}', name);
      return gateway.engine.attaches.isAttached(id) ? undefined : true;
    });
    expect(await docker('inspect', '-f', '{{.State.Running}}', name)).toBe('true');
  });

  it('refuses input nobody attached, a stopped container, and root’s process below admin', async () => {
    const idle = await scope.shell('idle', 'sleep 300');
    const notAttached = await input('admin', idle, 'x');
    expect(notAttached.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(notAttached.errors?.[0]?.message).toContain('subscribe to containerAttach first');

    const stopped = scope.name('stopped');
    await docker('create', ...scope.labelArgs, '--name', stopped, FIXTURE_IMAGE, 'true');
    expect(await refusal('admin', stopped)).toMatchObject({ code: 'CONFLICT' });

    // busybox runs as root: typing into it is exec as root.
    expect(await refusal('operator', idle)).toEqual({
      code: 'FORBIDDEN',
      message: expect.stringContaining('exec.user-root'),
    });
    const nobody = scope.name('nobody');
    await docker(
      'run',
      '-d',
      '-i',
      '--user',
      '65534',
      ...scope.labelArgs,
      '--name',
      nobody,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'read line; echo "id:$(id -u) $line"',
    );
    const session = attach('operator', nobody);
    await attached(nobody);
    // Only the holder of the session may type into it, another operator not.
    const stranger = await input('operator2', nobody, 'x\n');
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(stranger.errors?.[0]?.message).toContain('attach.owner');
    await input('operator', nobody, 'hi\n');
    await session.done;
    expect(session.text()).toBe('id:65534 hi\n');
    expect(session.events.at(-1)).toEqual({ __typename: 'ExecExit', exitCode: 0 });
  });
});
