import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../src/engine/client.ts';
import { parseDockerHost } from '../../src/engine/docker-host.ts';
import { EngineUnavailableError } from '../../src/engine/errors.ts';
import { eventually, FIXTURE_IMAGE } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';
import { type Sshd, startSshd } from '../helpers/sshd.ts';

/**
 * An `ssh://` engine: a real sshd (in the private engine's network namespace) runs the
 * `docker system dial-stdio` Wharf asks for against the private engine. Queries, a log follow and
 * an interactive exec go over ssh channels; host keys are checked; the engine comes back after
 * sshd does.
 */

const TIMEOUT_MS = 8_000;
// Two sessions per connection, so the follow, the attach and the queries need a second one.
const MAX_SESSIONS = 2;

let engine: PrivateEngine;
let sshd: Sshd;
let gateway: TestGateway;
let container: string;
let engineId: string;

type LogEvent = { __typename: string; lines?: { text: string }[]; reason?: string };

beforeAll(async () => {
  engine = await startPrivateEngine('ssh');
  sshd = await startSshd(engine, { maxSessions: MAX_SESSIONS });
  engineId = await engine.docker('info', '--format', '{{.ID}}');
  container = await engine.docker(
    'run',
    '-d',
    '--name',
    'ssh-ticker',
    FIXTURE_IMAGE,
    'sh',
    '-c',
    'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done',
  );
  gateway = await startGateway({
    engines: [
      {
        name: 'remote',
        dockerHost: sshd.dockerHost,
        sshKey: sshd.identityFile,
        knownHostsFile: sshd.knownHostsFile,
      },
    ],
    timeoutMs: TIMEOUT_MS,
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await sshd?.close();
  await engine?.stop();
}, 120_000);

async function engineAnswer() {
  return gateway.query<{ engine: { version: string; engineId: string } }>(
    '{ engine { version engineId } }',
  );
}

/** A log follow of the ticker and its first `count` events (read with next(): the rest stay). */
async function follow(count: number) {
  const events = gateway.subscribe<{ containerLogs: LogEvent }>(
    `subscription ($ref: String!) { containerLogs(ref: $ref, tail: 0) {
      __typename ... on LogLines { lines { text } } ... on LogEnd { reason } } }`,
    { ref: container },
  );
  const seen: LogEvent[] = [];
  while (seen.length < count) {
    const next = await events.next();
    if (next.done) break;
    if (next.value.errors) throw new Error(JSON.stringify(next.value.errors));
    if (next.value.data) seen.push(next.value.data.containerLogs);
  }
  return { seen, events };
}

// Every connection starts an sshd and a dial-stdio: slow on a busy 2-core machine.
describe('an ssh:// engine', { timeout: 120_000 }, () => {
  it('answers queries over ssh: the private engine, not the host', async () => {
    const answer = await engineAnswer();
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.engine.engineId).toBe(engineId);
    const list = await gateway.data<{ containers: { edges: { node: { dockerId: string } }[] } }>(
      '{ containers(all: true) { edges { node { dockerId name } } } }',
    );
    expect(list.containers.edges.map((edge) => edge.node.dockerId)).toEqual([container]);
  });

  it('follows logs, attaches an exec with stdin, and queries, all at once', async () => {
    const logs = gateway.subscribe<{ containerLogs: LogEvent }>(
      `subscription ($ref: String!) { containerLogs(ref: $ref, tail: 0) {
        __typename ... on LogLines { lines { text } } ... on LogEnd { reason } } }`,
      { ref: container },
    );
    const lines: string[] = [];
    const reading = (async () => {
      for await (const result of logs) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        for (const line of result.data?.containerLogs.lines ?? []) lines.push(line.text);
        if (lines.length >= 5) return;
      }
    })();

    const created = await gateway.data<{ execCreate: { execId: string } }>(
      `mutation ($c: String!) {
        execCreate(input: { container: $c, cmd: ["sh", "-c", "read a; echo got:$a; exit 4"], stdin: true }) { execId } }`,
      { c: container },
    );
    const id = created.execCreate.execId;
    const attach = gateway.subscribe<{
      execAttach: { __typename: string; text?: string; exitCode?: number };
    }>(
      `subscription ($id: String!) { execAttach(execId: $id) {
        __typename ... on ExecOutput { text } ... on ExecExit { exitCode } } }`,
      { id },
    );
    const output: string[] = [];
    let exitCode: number | undefined;
    const attached = (async () => {
      for await (const result of attach) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        const event = result.data?.execAttach;
        if (event?.text) output.push(event.text);
        if (event?.__typename === 'ExecExit') {
          exitCode = event.exitCode;
          return;
        }
      }
    })();
    await eventually('the attach', async () =>
      gateway.engine.execs.isAttached(id) ? true : undefined,
    );
    // A query while the follow and the attach hold their channels.
    expect((await engineAnswer()).data?.engine.engineId).toBe(engineId);
    await gateway.data(
      `mutation ($id: String!) { execInput(execId: $id, data: "over ssh\\n", closeStdin: true) }`,
      { id },
    );
    await within(attached, 10_000, 'ExecExit');
    expect(output.join('')).toBe('got:over ssh\n');
    expect(exitCode).toBe(4);

    await within(reading, 10_000, 'five log lines');
    expect(lines.slice(0, 5).every((line) => /^tick \d+$/.test(line))).toBe(true);
    const numbers = lines.map((line) => Number(line.split(' ')[1]));
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] as number) + i));
    // Every stream released its slot.
    await eventually('the streams to close', async () =>
      gateway.engine.openStreams === 0 ? true : undefined,
    );
  });

  it('refuses a host whose key is unknown or changed, with ENGINE_UNAVAILABLE', async () => {
    for (const [knownHostsFile, why] of [
      [sshd.emptyKnownHostsFile, /host key of \[127\.0\.0\.1\]:\d+ is not in .*known_hosts\.empty/],
      [sshd.wrongKnownHostsFile, /does not match .*known_hosts\.wrong/],
    ] as const) {
      const refused = await startGateway({
        engines: [
          {
            name: 'remote',
            dockerHost: sshd.dockerHost,
            sshKey: sshd.identityFile,
            knownHostsFile,
          },
        ],
        timeoutMs: TIMEOUT_MS,
      });
      try {
        const started = Date.now();
        const answer = await refused.query('{ engine { version } }');
        expect(answer.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
        expect(answer.errors?.[0]?.message).toMatch(why);
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      } finally {
        await refused.stop();
      }
    }
  });

  it('refuses a key the host does not accept, and says which', async () => {
    const client = createEngineClient({
      name: 'remote',
      endpoint: parseDockerHost(
        { DOCKER_HOST: sshd.dockerHost, WHARF_SSH_KNOWN_HOSTS: sshd.knownHostsFile },
        // A real key, but not the authorized one.
        { identityFile: `${sshd.knownHostsFile.replace(/known_hosts$/, 'other_host_key')}` },
      ),
      timeoutMs: TIMEOUT_MS,
      maxConnections: 2,
    });
    try {
      const error = await client.api.version().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineUnavailableError);
      expect((error as Error).message).toMatch(/ssh refused root's key \(.*other_host_key\)/);
      // The cause chain keeps ssh's own words for the log.
      expect(String((error as Error).cause)).toMatch(/authentication methods failed/);
    } finally {
      await client.close();
    }
  });

  it('reports sshd going away as ENGINE_UNAVAILABLE and recovers when it is back', {
    timeout: 120_000,
  }, async () => {
    expect((await engineAnswer()).errors).toBeUndefined();
    // A follow that is running when sshd goes.
    const { seen, events } = await follow(1);
    expect(seen[0]?.__typename).toBe('LogLines');
    const ending = (async () => {
      for await (const result of events) {
        const event = result.data?.containerLogs;
        if (event?.__typename === 'LogEnd') return event.reason;
      }
      return undefined;
    })();

    await sshd.stop();
    expect(await within(ending, TIMEOUT_MS * 2, 'the follow to end')).toBe('ENGINE_GONE');
    const started = Date.now();
    const down = await engineAnswer();
    expect(down.errors?.[0]?.extensions?.code).toBe('ENGINE_UNAVAILABLE');
    expect(down.errors?.[0]?.message).toMatch(/cannot connect over ssh \(.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);

    await sshd.start();
    const back = await eventually('the engine to answer again', async () => {
      const answer = await engineAnswer();
      return answer.errors ? undefined : answer;
    });
    expect(back.data?.engine.engineId).toBe(engineId);
    const again = await follow(2);
    expect(again.seen.map((event) => event.__typename)).toEqual(['LogLines', 'LogLines']);
    await again.events.return?.();
  });
});
