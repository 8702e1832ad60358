import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { startCli } from '../helpers/processes.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

const scope = testScope('audit');
let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway();
});

afterAll(async () => {
  await gw?.stop();
  await scope.cleanup();
});

const labels = [{ key: TEST_LABEL, value: scope.label.split('=')[1] }];

/** Runs the operation (which must succeed) and returns it with the audit lines it wrote. */
async function audited<T = Record<string, unknown>>(query: string, variables?: object) {
  const start = gw.audits.length;
  const data = await gw.data<T>(query, variables as Record<string, unknown>);
  return { data, lines: gw.audits.slice(start) };
}

/** The one line a mutation is expected to write. */
const line = (operation: string, targets?: readonly string[], extra: object = {}) => ({
  time: expect.any(String),
  principal: 'local',
  role: 'admin',
  operation,
  decision: 'allow',
  ...(targets && { targets }),
  ...extra,
});

describe('audit lines', () => {
  it('one line per container mutation, with the full id, and never an env value', async () => {
    const secret = randomBytes(16).toString('hex');
    const create = await audited<{ containerCreate: { dockerId: string } }>(
      `mutation($input: ContainerCreateInput!) { containerCreate(input: $input) { dockerId } }`,
      {
        input: {
          image: FIXTURE_IMAGE,
          name: scope.name('life'),
          cmd: ['sleep', '300'],
          env: [`DB_PASSWORD=${secret}`],
          labels,
        },
      },
    );
    const id = create.data.containerCreate.dockerId;
    const target = [`local/${id}`];
    expect(create.lines).toEqual([line('containerCreate', target)]);

    for (const [operation, args] of [
      ['containerStart', ''],
      ['containerPause', ''],
      ['containerUnpause', ''],
      ['containerRestart', ', timeout: 0'],
      ['containerKill', ''],
      ['containerRename', `, name: "${scope.name('renamed')}"`],
    ] as const) {
      const { lines } = await audited(
        `mutation($ref: String!) { ${operation}(ref: $ref${args}) { changed } }`,
        { ref: id.slice(0, 12) },
      );
      expect(lines, operation).toEqual([line(operation, target)]);
    }
    const removed = await audited(
      'mutation($ref: String!) { containerRemove(ref: $ref, force: true) { removed } }',
      { ref: id },
    );
    expect(removed.lines).toEqual([line('containerRemove', target)]);
    expect(JSON.stringify(gw.audits)).not.toContain(secret);
  });

  it('a failing mutation writes one line with its code', async () => {
    const start = gw.audits.length;
    const result = await gw.query(
      'mutation { containerStart(ref: "wharf-audit-missing") { changed } }',
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(gw.audits.slice(start)).toEqual([
      line('containerStart', undefined, { details: { error: 'NOT_FOUND' } }),
    ]);
  });

  it('a denial writes one deny line with its rule and the token principal', async () => {
    const operator = await startGateway({
      principal: { kind: 'token', name: 'ci', role: 'operator', labels: [] },
    });
    try {
      const result = await operator.query(
        'mutation($input: ContainerCreateInput!) { containerCreate(input: $input) { dockerId } }',
        { input: { image: FIXTURE_IMAGE, privileged: true, labels } },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(operator.audits).toEqual([
        {
          time: expect.any(String),
          principal: 'ci',
          role: 'operator',
          operation: 'containerCreate',
          decision: 'deny',
          rule: 'create.privileged',
        },
      ]);
    } finally {
      await operator.stop();
    }
  });

  it('networks, volumes, images and prunes write one line each with their targets', async () => {
    const box = await scope.shell('net', 'sleep 300');
    const boxId = await docker('inspect', '-f', '{{.Id}}', box);
    const net = await audited<{ networkCreate: { dockerId: string } }>(
      'mutation($input: NetworkCreateInput!) { networkCreate(input: $input) { dockerId } }',
      { input: { name: scope.name('net'), labels } },
    );
    const netTarget = [`local/${net.data.networkCreate.dockerId}`];
    expect(net.lines).toEqual([line('networkCreate', netTarget)]);
    // By name: the line names the container's full id beside the network's.
    for (const operation of ['networkConnect', 'networkDisconnect']) {
      const { lines } = await audited(
        `mutation($n: String!, $c: String!) { ${operation}(network: $n, container: $c) { dockerId } }`,
        { n: net.data.networkCreate.dockerId, c: box },
      );
      expect(lines, operation).toEqual([line(operation, [...netTarget, `local/${boxId}`])]);
    }
    expect(
      (
        await audited('mutation($r: String!) { networkRemove(ref: $r) { dockerId } }', {
          r: net.data.networkCreate.dockerId,
        })
      ).lines,
    ).toEqual([line('networkRemove', netTarget)]);

    const volumeName = scope.name('vol');
    const volume = await audited(
      'mutation($input: VolumeCreateInput!) { volumeCreate(input: $input) { name } }',
      { input: { name: volumeName, labels } },
    );
    expect(volume.lines).toEqual([line('volumeCreate', [`local/${volumeName}`])]);
    const pruned = await audited(
      'mutation($l: [String!]) { volumesPrune(filter: { label: $l }) { deleted } }',
      { l: [scope.label] },
    );
    expect(pruned.lines).toEqual([line('volumesPrune', [`local/${volumeName}`])]);

    const imageId = await docker('image', 'inspect', '-f', '{{.Id}}', FIXTURE_IMAGE);
    const repo = `wharf-audit-${scope.run}`.toLowerCase();
    const tagged = await audited(
      'mutation($ref: String!, $repo: String!) { imageTag(ref: $ref, repo: $repo, tag: "t") { dockerId } }',
      { ref: FIXTURE_IMAGE, repo },
    );
    expect(tagged.lines).toEqual([line('imageTag', [`local/${imageId}`])]);
    // Only a tag goes: nothing is deleted, and the line names the image and the tag.
    const untagged = await audited(
      'mutation($ref: String!) { imageRemove(ref: $ref) { untagged } }',
      { ref: `${repo}:t` },
    );
    expect(untagged.lines).toEqual([line('imageRemove', [`local/${imageId}`, `local/${repo}:t`])]);

    await docker('stop', '-t', '0', box);
    const containers = await audited(
      'mutation($l: [String!]) { containersPrune(filter: { label: $l }) { containersDeleted } }',
      { l: [scope.label] },
    );
    expect(containers.lines).toEqual([line('containersPrune', [`local/${boxId}`])]);
  });

  it('an exec session writes its start and its end with the exit code', async () => {
    const box = await scope.shell('exec', 'sleep 300');
    const boxId = await docker('inspect', '-f', '{{.Id}}', box);
    const once = await audited<{ exec: { exitCode: number } }>(
      'mutation($c: String!) { exec(container: $c, cmd: ["sh", "-c", "exit 3"]) { exitCode } }',
      { c: box },
    );
    expect(once.data.exec.exitCode).toBe(3);
    const [start] = once.lines;
    const targets = start?.targets;
    expect(targets?.[0]).toBe(`local/${boxId}`);
    expect(targets?.[1]).toMatch(/^local\/[0-9a-f]{64}$/);
    expect(once.lines).toEqual([
      line('execSession.start', targets, { details: { tty: false } }),
      line('execSession.end', targets, { details: { tty: false, exitCode: 3 } }),
      line('exec', targets),
    ]);

    const created = await audited<{ execCreate: { execId: string } }>(
      'mutation($c: String!) { execCreate(input: { container: $c, cmd: ["sh", "-c", "exit 4"] }) { execId } }',
      { c: box },
    );
    const execTargets = [`local/${boxId}`, `local/${created.data.execCreate.execId}`];
    expect(created.lines).toEqual([line('execCreate', execTargets)]);
    const start2 = gw.audits.length;
    const events = [];
    for await (const event of gw.subscribe(
      'subscription($id: String!) { execAttach(execId: $id) { __typename ... on ExecExit { exitCode } } }',
      { id: created.data.execCreate.execId },
    )) {
      events.push(event);
    }
    expect(events.at(-1)).toEqual({
      data: { execAttach: { __typename: 'ExecExit', exitCode: 4 } },
    });
    expect(gw.audits.slice(start2)).toEqual([
      line('execSession.start', execTargets, { details: { tty: false } }),
      line('execSession.end', execTargets, {
        details: { tty: false, exitCode: 4, inputs: 0, inputBytes: 0 },
      }),
    ]);
  });
});

describe('an attached exec session', () => {
  it("counts its input on the end line; execResize names the exec and its container; a stranger's input is one deny line", async () => {
    const tokens = await startGateway({ tokens: tokenStore() });
    try {
      const box = await scope.shell('tty', 'sleep 300');
      const boxId = await docker('inspect', '-f', '{{.Id}}', box);
      const as = async (token: string, query: string, variables: Record<string, unknown>) => {
        const start = tokens.audits.length;
        const result = await tokens.query(query, variables, token);
        return { result, lines: tokens.audits.slice(start) };
      };
      const created = await as(
        TOKENS.operator,
        'mutation($c: String!) { execCreate(input: { container: $c, cmd: ["sh", "-c", "echo ready; read line; exit 5"], tty: true, stdin: true, user: "1000" }) { execId } }',
        { c: box },
      );
      const id = (created.result.data as { execCreate: { execId: string } }).execCreate.execId;
      const targets = [`local/${boxId}`, `local/${id}`];
      const ci = (operation: string, extra: object = {}) => ({
        time: expect.any(String),
        principal: 'ci',
        role: 'operator',
        operation,
        decision: 'allow',
        targets,
        ...extra,
      });

      const start = tokens.audits.length;
      const events = tokens.subscribe<{ execAttach: { text?: string; exitCode?: number } }>(
        'subscription($id: String!) { execAttach(execId: $id) { ... on ExecOutput { text } ... on ExecExit { exitCode } } }',
        { id },
        tokens.wsClient(TOKENS.operator),
      );
      let output = '';
      while (!output.includes('ready')) {
        output += (await events.next()).value?.data?.execAttach.text ?? '';
      }
      const resized = await as(
        TOKENS.operator,
        'mutation($id: String!) { execResize(execId: $id, rows: 30, cols: 100) }',
        { id },
      );
      expect(resized.lines).toEqual([ci('execResize')]);

      const INPUT =
        'mutation($id: String!, $d: String!, $c: Boolean) { execInput(execId: $id, data: $d, closeStdin: $c) }';
      const stranger = await as(TOKENS.operator2, INPUT, { id, d: 'rm -rf /\n' });
      expect(stranger.result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(stranger.lines).toEqual([
        {
          time: expect.any(String),
          principal: 'ci2',
          role: 'operator',
          operation: 'execInput',
          decision: 'deny',
          rule: 'exec.owner',
        },
      ]);
      for (const [d, c] of [
        // Letters that cannot occur in a hex id, so the check below cannot meet them by chance.
        ['qj', false],
        ['zkw\n', true],
      ] as const) {
        const typed = await as(TOKENS.operator, INPUT, { id, d, c });
        expect(typed.result).toEqual({ data: { execInput: true } });
        // The last input ends the process: the session's end line may come before this answer
        // (it can under load); the full list below has it once and nothing else.
        expect(typed.lines.filter((l) => l.operation !== 'execSession.end')).toEqual([]);
      }
      let exit: number | undefined;
      for await (const event of events) exit ??= event.data?.execAttach.exitCode;
      expect(exit).toBe(5);
      expect(tokens.audits.slice(start).filter((l) => l.principal === 'ci')).toEqual([
        ci('execSession.start', { details: { tty: true } }),
        ci('execResize'),
        ci('execSession.end', { details: { tty: true, exitCode: 5, inputs: 2, inputBytes: 6 } }),
      ]);
      expect(JSON.stringify(tokens.audits)).not.toMatch(/qj|zkw/);
    } finally {
      await tokens.stop();
    }
  });
});

describe('wharf serve', () => {
  const children: ChildProcess[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-audit-cli-'));
  });

  afterAll(async () => {
    await Promise.all(
      children.map((child) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        return child.exitCode === null ? exited : undefined;
      }),
    );
  });

  /** `wharf serve` on a free port with every stderr line parsed; `url` once it listens. */
  function serve(env: Record<string, string>) {
    const { child, logs, url, exit } = startCli(env);
    children.push(child);
    return { logs, url, exit };
  }

  /** A mutation that changes nothing: force-removing a volume that is not there. */
  async function mutate(url: string) {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation { volumeRemove(name: "wharf-audit-none", force: true) { removed } }',
      }),
    });
    expect(await answer.json()).toMatchObject({ data: { volumeRemove: { removed: false } } });
  }

  it('WHARF_AUDIT_FILE: the lines go to the file, not the log', async () => {
    const file = join(dir, 'audit.log');
    const { logs, url } = serve({ WHARF_AUDIT_FILE: file });
    await mutate(await url);
    const lines = (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((text) => JSON.parse(text));
    expect(lines).toEqual([line('volumeRemove')]);
    expect(logs.some((entry) => entry.audit === true)).toBe(false);
  });

  it('without it, the lines go to the log as "audit": true', async () => {
    const { logs, url } = serve({});
    await mutate(await url);
    await expect
      .poll(() => logs.filter((entry) => entry.audit === true))
      .toEqual([{ ...line('volumeRemove'), level: 'info', msg: 'audit', audit: true }]);
  });

  it('refuses to start, exit code 2, when WHARF_AUDIT_FILE cannot be opened', async () => {
    const { logs, exit } = serve({ WHARF_AUDIT_FILE: join(dir, 'no', 'such.log') });
    expect(await exit).toBe(2);
    expect(String(logs[0]?.msg)).toMatch(/WHARF_AUDIT_FILE=.*cannot be opened for appending/);
  });
});
