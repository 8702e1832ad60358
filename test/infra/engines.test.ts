/**
 * Several engines behind one Wharf: the host engine, and a private one reached over tcp+TLS with
 * certificates made here (it also listens on its unix socket, for the docker CLI).
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/model/policy/policy-config.ts';
import { docker, eventually, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { createdOn, followCreates } from '../helpers/event-follow.ts';
import { startGateway, type TestEngine, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, pickHostLink, startPrivateEngine } from '../helpers/private-engine.ts';
import { startCli } from '../helpers/processes.ts';
import { type Sshd, startSshd } from '../helpers/sshd.ts';

const run = promisify(execFile);
const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;
const TLS_PORT = 2376;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let lab: PrivateEngine;
let tlsHost: string;
const scope = testScope('engines');
const gateways: TestGateway[] = [];
const children: ChildProcess[] = [];

/** An EC key and a certificate for it, signed by `ca` (or by itself when `ca` is undefined). */
async function certificate(
  out: string,
  subject: string,
  ca: string | undefined,
  extensions: string,
): Promise<void> {
  const key = `${out}-key.pem`;
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  if (!ca) {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      key,
      '-out',
      `${out}.pem`,
      '-days',
      '1',
      '-subj',
      subject,
    ]);
    return;
  }
  await run('openssl', ['req', ...ec, '-keyout', key, '-out', `${out}.csr`, '-subj', subject]);
  await writeFile(`${out}.ext`, `${extensions}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    `${out}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-out',
    `${out}.pem`,
    '-days',
    '1',
    '-extfile',
    `${out}.ext`,
  ]);
}

/** A DOCKER_CERT_PATH directory: the CA the engine is checked against, a client cert and key. */
async function certDir(name: string, ca: string, client: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  await run('cp', [`${ca}.pem`, join(path, 'ca.pem')]);
  await run('cp', [`${client}.pem`, join(path, 'cert.pem')]);
  await run('cp', [`${client}-key.pem`, join(path, 'key.pem')]);
  return path;
}

let goodCerts: string;
let wrongCerts: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-engines-'));
  const link = pickHostLink();
  tlsHost = `tcp://${link.engine}:${TLS_PORT}`;
  const ca = join(dir, 'ca');
  const otherCa = join(dir, 'other-ca');
  await certificate(ca, '/CN=wharf test CA', undefined, '');
  await certificate(otherCa, '/CN=someone else', undefined, '');
  await certificate(
    join(dir, 'server'),
    '/CN=engine',
    ca,
    `subjectAltName=IP:${link.engine}\nextendedKeyUsage=serverAuth`,
  );
  await certificate(join(dir, 'client'), '/CN=wharf', ca, 'extendedKeyUsage=clientAuth');
  await certificate(join(dir, 'stranger'), '/CN=wharf', otherCa, 'extendedKeyUsage=clientAuth');
  goodCerts = await certDir('good', ca, join(dir, 'client'));
  // The engine's CA is right, the client certificate is not one it signed.
  wrongCerts = await certDir('wrong', ca, join(dir, 'stranger'));
  lab = await startPrivateEngine('tls', {
    link,
    dockerdArgs: [
      '--tlsverify',
      '--tlscacert',
      `${ca}.pem`,
      '--tlscert',
      join(dir, 'server.pem'),
      '--tlskey',
      join(dir, 'server-key.pem'),
      '-H',
      tlsHost,
    ],
  });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await scope.cleanup();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The host engine (the default) and the private one as `lab` over tcp+TLS. */
function hostAndLab(certPath = goodCerts): TestEngine[] {
  return [
    { name: 'host', dockerHost: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
    { name: 'lab', dockerHost: tlsHost, tlsVerify: true, certPath },
  ];
}

async function gatewayWith(options: Parameters<typeof startGateway>[0]) {
  const gateway = await startGateway(options);
  gateways.push(gateway);
  return gateway;
}

describe('several engines', () => {
  it("serves each engine's version, over unix and tcp+TLS", async () => {
    const gateway = await gatewayWith({ engines: hostAndLab() });
    const answer = await gateway.data<{
      engines: { name: string; version: string; engineId: string }[];
      engine: { name: string };
      lab: { name: string; version: string };
    }>(`{
      engines { name version engineId }
      engine { name }
      lab: engine(name: "lab") { name version }
    }`);
    const { engines } = answer;
    const hostVersion = await docker('version', '--format', '{{.Server.Version}}');
    const labVersion = await lab.docker('version', '--format', '{{.Server.Version}}');
    expect(engines.map((e) => [e.name, e.version])).toEqual([
      ['host', hostVersion],
      ['lab', labVersion],
    ]);
    // Two engines, not one asked twice.
    expect(engines[0]?.engineId).not.toBe(engines[1]?.engineId);
    expect(answer.engine.name).toBe('host');
    expect(answer.lab).toEqual({ name: 'lab', version: labVersion });
    // Each engine was asked over its own connection.
    expect(new Set(gateway.calls.map((call) => call.engine))).toEqual(new Set(['host', 'lab']));

    const unknown = await gateway.query('{ engine(name: "nowhere") { name } }');
    expect(unknown.data).toEqual({ engine: null });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the engine marked default answers fields that name none', async () => {
    const [host, tls] = hostAndLab() as [TestEngine, TestEngine];
    const gateway = await gatewayWith({ engines: [host, { ...tls, default: true }] });
    expect(await gateway.data('{ engine { name } }')).toEqual({ engine: { name: 'lab' } });
  });

  it('a wrong client certificate is ENGINE_UNAVAILABLE naming the engine, the rest answers', async () => {
    const gateway = await gatewayWith({ engines: hostAndLab(wrongCerts) });
    const result = await gateway.query<{ engines: ({ name: string; version: string } | null)[] }>(
      '{ engines { name version } }',
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      path: ['engines', 1, 'version'],
      extensions: { code: 'ENGINE_UNAVAILABLE' },
    });
    expect(result.errors?.[0]?.message).toContain('"lab"');
    // The lab's version is null beside its error; the host's entry is whole.
    expect(result.data?.engines).toEqual([
      { name: 'host', version: expect.any(String) },
      { name: 'lab', version: null },
    ]);
    // Nothing crashed: the gateway still answers.
    expect(await gateway.data('{ engine { name } }')).toEqual({ engine: { name: 'host' } });
  });

  it("binds an allowed host path on Wharf's own host only: on the tcp+TLS engine it is admin's", async () => {
    const operator = await gatewayWith({
      engines: hostAndLab(),
      principal: { kind: 'token', name: 'op', role: 'operator', labels: [] },
      policy: { ...DEFAULT_POLICY, bindAllow: [dir] },
    });
    const CREATE = `mutation ($engine: String!, $name: String!, $source: String!) {
      containerCreate(engine: $engine, input: {
        name: $name, image: "${FIXTURE_IMAGE}", labels: [{ key: "${TEST_LABEL}", value: "${scope.run}" }],
        mounts: [{ type: BIND, source: $source, target: "/data" }]
      }) { dockerId }
    }`;
    const onHost = await operator.query(CREATE, {
      engine: 'host',
      name: scope.name('bind-host'),
      source: dir,
    });
    expect(onHost.errors).toBeUndefined();
    const remote = await operator.countCalls(() =>
      operator.query(CREATE, { engine: 'lab', name: scope.name('bind-lab'), source: dir }),
    );
    expect(remote.result.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      rule: 'create.bind-remote',
    });
    expect(remote.calls.filter((call) => call.method !== 'GET')).toEqual([]);

    // The same engine declared on Wharf's host (`sameHost`, as here: the same machine) may bind.
    const declared = await gatewayWith({
      engines: hostAndLab().map((engine) => ({ ...engine, sameHost: true })),
      principal: { kind: 'token', name: 'op', role: 'operator', labels: [] },
      policy: { ...DEFAULT_POLICY, bindAllow: [dir] },
    });
    const onLab = await declared.query(CREATE, {
      engine: 'lab',
      name: scope.name('bind-lab-same'),
      source: dir,
    });
    expect(onLab.errors).toBeUndefined();
  });

  it('a token limited to one engine sees nothing of the others', async () => {
    // Something of this test's own on each engine, so every list has something to leave out.
    const hostContainer = await scope.shell('seen', 'sleep 300');
    const hostVolume = await docker('volume', 'create', '--label', scope.label, scope.name('v'));
    await lab.docker('run', '-d', '--label', scope.label, FIXTURE_IMAGE, 'sleep', '300');
    await lab.docker('volume', 'create', '--label', scope.label, scope.name('v'));
    const gateway = await gatewayWith({
      engines: hostAndLab(),
      principal: { kind: 'token', name: 'lab-only', role: 'viewer', labels: [], engines: ['lab'] },
    });

    const { engines, engine } = await gateway.data<{
      engines: { name: string }[];
      engine: { name: string };
    }>('{ engines { name } engine { name } }');
    expect(engines).toEqual([{ name: 'lab' }]);
    // The default engine is not the token's: its first is.
    expect(engine).toEqual({ name: 'lab' });
    // Another engine's name is answered as one that does not exist.
    const other = await gateway.query('{ engine(name: "host") { name } }');
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(other.errors?.[0]?.message).toBe('no engine named "host"');

    // Every root list: only the lab's objects, and some of them.
    type Edges = { edges: { node: { id: string; engine: string } }[] };
    const lists = await gateway.data<Record<string, Edges>>(`{
      containers(all: true, first: 100) { edges { node { id engine } } }
      images(first: 100) { edges { node { id engine } } }
      networks(first: 100) { edges { node { id engine } } }
      volumes(first: 100) { edges { node { id engine } } }
    }`);
    for (const [field, { edges }] of Object.entries(lists)) {
      const nodes = edges.map((edge) => edge.node);
      expect(nodes.length, field).toBeGreaterThan(0);
      expect(new Set(nodes.map((node) => node.engine)), field).toEqual(new Set(['lab']));
      // A global id is `Type:engine/<id>`, base64-encoded.
      const keys = nodes.map((node) => Buffer.from(node.id, 'base64').toString('utf8'));
      expect(
        keys.filter((key) => !/^\w+:lab\//.test(key)),
        field,
      ).toEqual([]);
    }

    // Asking for the other engine by name, or for its objects by ref, gets nothing of it.
    const asked = await gateway.query(
      '{ containers(engines: ["host"]) { edges { node { id } } } }',
    );
    expect(asked.data ?? null).toBeNull();
    expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain(asked.errors?.[0]?.extensions?.code);
    const byRef = await gateway.query<{ container: unknown; volume: unknown }>(
      'query ($c: String!, $v: String!) { container(ref: $c) { id } volume(ref: $v) { name } }',
      { c: hostContainer, v: hostVolume },
    );
    expect(byRef.data?.container ?? null).toBeNull();
    expect(byRef.data?.volume ?? null).toBeNull();

    // The event stream: the lab's events, never the host's.
    type Event = { events: { __typename: string; engine?: string; actorId?: string } };
    const events = gateway.subscribe<Event>(
      `subscription ($label: [String!]) {
        events(filter: { type: [CONTAINER], action: ["create"], label: $label }) {
          __typename ... on EngineEvent { engine actorId } ... on EventGap { engine }
        }
      }`,
      { label: [scope.label] },
    );
    const first = events.next();
    // Subscribed once the hub streams: then the host's create happens before the lab's.
    await eventually('the lab stream to open', async () =>
      gateway.engines[1]?.events.subscribers ? true : undefined,
    );
    await docker('create', '--label', scope.label, FIXTURE_IMAGE, 'true');
    const labCreated = await lab.docker('create', '--label', scope.label, FIXTURE_IMAGE, 'true');
    const seen = (await first).value as { data: Event };
    expect(seen.data.events).toEqual({
      __typename: 'EngineEvent',
      engine: 'lab',
      actorId: labCreated,
    });
    await events.return?.();
    // Refused as a result, or as graphql-ws's error message: either way with the code.
    const refusal = await gateway
      .subscribe('subscription { events(engines: ["host"]) { __typename } }')
      .next()
      .then(
        (result) => (result.value as { errors?: unknown[] }).errors,
        (errors: unknown) => errors as unknown[],
      );
    expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain(
      (refusal?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code,
    );
  });

  it('audit lines carry the token engine restriction', async () => {
    const gateway = await gatewayWith({
      engines: hostAndLab(),
      principal: { kind: 'token', name: 'lab-dash', role: 'viewer', labels: [], engines: ['lab'] },
    });
    const denied = await gateway.query('mutation { containerStart(ref: "anything") { changed } }');
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(gateway.audits.at(-1)).toMatchObject({
      principal: 'lab-dash',
      decision: 'deny',
      engines: ['lab'],
    });
  });
});

describe('four kinds of engine behind one Wharf: unix host, unix private, tcp+TLS, ssh', () => {
  let side: PrivateEngine;
  let remote: PrivateEngine;
  let sshd: Sshd;
  let gateway: TestGateway;

  beforeAll(async () => {
    [side, remote] = await Promise.all([
      startPrivateEngine('four-side'),
      startPrivateEngine('four-ssh'),
    ]);
    sshd = await startSshd(remote);
    gateway = await gatewayWith({ engines: fourEngines() });
  }, 120_000);

  const fourEngines = (): TestEngine[] => [
    ...hostAndLab(),
    { name: 'side', dockerHost: side.dockerHost },
    {
      name: 'remote',
      dockerHost: sshd.dockerHost,
      sshKey: sshd.identityFile,
      knownHostsFile: sshd.knownHostsFile,
    },
  ];

  // The gateway stops with the others, in the file's afterAll.
  afterAll(async () => {
    await sshd?.close();
    await Promise.all([side?.stop(), remote?.stop()]);
  }, 120_000);

  const onEngine = () => ({
    host: (...args: string[]) => docker(...args),
    lab: (...args: string[]) => lab.docker(...args),
    side: (...args: string[]) => side.docker(...args),
    remote: (...args: string[]) => remote.docker(...args),
  });

  it('answers every engine, lists across all four naming each, and routes writes, exec and logs', async () => {
    const { engines } = await gateway.data<{ engines: { name: string; version: string }[] }>(
      '{ engines { name version } }',
    );
    expect(engines.map((engine) => engine.name)).toEqual(['host', 'lab', 'side', 'remote']);
    expect(engines.every((engine) => /^\d+\.\d+/.test(engine.version))).toBe(true);

    // One labelled container on each, made with that engine's CLI. The list's own label has a key
    // of its own: a second value of the scope's key would replace it, and cleanup would miss it.
    const label = `org.wharf.four=${scope.run}`;
    const names: Record<string, string> = {};
    for (const [engine, cli] of Object.entries(onEngine())) {
      names[engine] = scope.name(`four-${engine}`);
      await cli(
        'create',
        '--label',
        scope.label,
        '--label',
        label,
        '--name',
        names[engine] as string,
        FIXTURE_IMAGE,
        'sh',
        '-c',
        `echo from-${engine}; sleep 300`,
      );
    }
    const { containers } = await gateway.data<{
      containers: { totalCount: number; edges: { node: { name: string; engine: string } }[] };
    }>(
      `{ containers(all: true, filter: { label: ["${label}"] }) { totalCount edges { node { name engine } } } }`,
    );
    expect(containers.totalCount).toBe(4);
    expect(
      Object.fromEntries(containers.edges.map(({ node }) => [node.engine, node.name])),
    ).toEqual(names);

    // Each write, exec and log read reaches the engine named, and only it.
    for (const engine of ['lab', 'remote']) {
      const ref = names[engine] as string;
      const started = await gateway.query(
        `mutation ($ref: String!, $engine: String!) { containerStart(ref: $ref, engine: $engine) { container { engine state } } }`,
        { ref, engine },
      );
      expect(started.data).toEqual({
        containerStart: { container: { engine, state: 'RUNNING' } },
      });
      const cli = onEngine()[engine as 'lab'];
      expect(await cli('inspect', '-f', '{{.State.Running}}', ref)).toBe('true');
      const { exec } = await gateway.data<{ exec: { stdout: string } }>(
        `mutation ($ref: String!, $engine: String!) { exec(container: $ref, engine: $engine, cmd: ["cat", "/etc/hostname"]) { stdout } }`,
        { ref, engine },
      );
      expect(exec.stdout.trim()).toBe(await cli('inspect', '-f', '{{.Config.Hostname}}', ref));
      await eventually(`${engine}'s log line`, async () => {
        const { container } = await gateway.data<{ container: { logs: { text: string }[] } }>(
          `query ($ref: String!, $engine: String!) { container(ref: $ref, engine: $engine) { logs { text } } }`,
          { ref, engine },
        );
        return container.logs.some((line) => line.text === `from-${engine}`) ? true : undefined;
      });
    }
    for (const engine of ['host', 'side']) {
      const cli = onEngine()[engine as 'host'];
      expect(await cli('inspect', '-f', '{{.State.Running}}', names[engine] as string)).toBe(
        'false',
      );
    }
  });

  it('while one is SIGKILLed: its part of a list is an error, merged events lose and repeat nothing, gaps are its own', async () => {
    const events = followCreates(gateway);
    await events.until('every hub', () =>
      gateway.engines.every((client) => client.events.subscribers > 0),
    );
    await pause(300);
    const made: Record<string, string[]> = { host: [], lab: [], side: [], remote: [] };
    const create = async (engine: string) => {
      const cli = onEngine()[engine as 'host'];
      made[engine]?.push(await cli('create', '--label', scope.label, FIXTURE_IMAGE, 'true'));
    };
    const seenAll = () =>
      Object.entries(made).every(([engine, ids]) =>
        ids.every((id) => createdOn(events.items, engine).some((item) => item.actorId === id)),
      );
    for (const engine of Object.keys(made)) await create(engine);
    await events.until('the first creates', seenAll);

    await side.kill();
    try {
      const result = await gateway.query<{
        containers: { edges: { node: { engine: string } }[] };
      }>(
        `{ containers(all: true, filter: { label: ["${scope.label}"] }) { edges { node { engine } } } }`,
      );
      expect(new Set(result.data?.containers.edges.map(({ node }) => node.engine))).toEqual(
        new Set(['host', 'lab', 'remote']),
      );
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]).toMatchObject({
        path: ['containers'],
        extensions: { code: 'ENGINE_UNAVAILABLE', engine: 'side' },
      });
      for (const engine of ['host', 'lab', 'remote']) await create(engine);
    } finally {
      await side.restart();
    }
    await create('side');
    await events.until('every create', seenAll);
    await pause(500);
    await events.stop();
    for (const [engine, ids] of Object.entries(made)) {
      const seen = createdOn(events.items, engine).map((item) => item.actorId);
      expect(seen.filter((id) => ids.includes(id as string))).toEqual(ids);
    }
    const gaps = events.items.filter((item) => item.__typename === 'EventGap');
    expect(gaps.length).toBeGreaterThan(0);
    expect(new Set(gaps.map((gap) => gap.engine))).toEqual(new Set(['side']));
  }, 120_000);

  it('a token limited to the ssh engine sees only its objects, and no other engine by name', async () => {
    const limited = await gatewayWith({
      engines: fourEngines(),
      principal: {
        kind: 'token',
        name: 'ssh-only',
        role: 'viewer',
        labels: [],
        engines: ['remote'],
      },
    });
    const LIST = `query ($engines: [String!]) {
      containers(all: true, engines: $engines, filter: { label: ["${scope.label}"] }) { edges { node { engine } } }
    }`;
    const { containers } = await limited.data<{
      containers: { edges: { node: { engine: string } }[] };
    }>(LIST);
    expect(containers.edges.length).toBeGreaterThan(0);
    expect(new Set(containers.edges.map(({ node }) => node.engine))).toEqual(new Set(['remote']));
    for (const engine of ['host', 'lab', 'side']) {
      const asked = await limited.query(LIST, { engines: [engine] });
      expect(asked.errors?.[0]).toMatchObject({
        message: `no engine named "${engine}"`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });
});

describe('wharf serve with WHARF_ENGINES_FILE', () => {
  async function enginesFile(name: string, entries: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(entries));
    return path;
  }

  /** `wharf serve` that refuses to start: its exit code and the message of its one log line. */
  async function refused(env: Record<string, string>) {
    try {
      await run(process.execPath, [CLI, 'serve'], { env: { ...process.env, ...env } });
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      return { code, message: String(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}').msg) };
    }
    throw new Error('wharf serve started');
  }

  it('refuses a bad engines file, or a token naming no configured engine, with exit code 2', async () => {
    const twice = await enginesFile('twice.json', [
      { name: 'a', host: 'unix:///a.sock' },
      { name: 'a', host: 'unix:///b.sock' },
    ]);
    const duplicate = await refused({ WHARF_ENGINES_FILE: twice });
    expect(duplicate.message).toContain('entry 1 "a": name is used twice');
    expect(duplicate.code).toBe(2);

    const file = await enginesFile('host-only.json', [
      { name: 'host', host: 'unix:///var/run/docker.sock' },
    ]);
    const tokens = join(dir, 'tokens.json');
    await writeFile(
      tokens,
      JSON.stringify([
        { name: 'edge-ci', role: 'viewer', token: 'edge-ci-0123456789abcdef', engines: ['edge'] },
      ]),
    );
    const token = await refused({ WHARF_ENGINES_FILE: file, WHARF_TOKENS_FILE: tokens });
    expect(token.message).toContain('"edge-ci": engines: no engine named "edge"');
    expect(token.code).toBe(2);
  });

  it('/readyz reports each engine, and stays ready while one answers', async () => {
    const file = await enginesFile('engines.json', [
      { name: 'host', host: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
      { name: 'lab', host: tlsHost, tlsVerify: true, certPath: 'good' },
    ]);
    const all = 'all-engines-0123456789abcdef';
    const labOnly = 'lab-only-0123456789abcdef';
    const tokens = await enginesFile('serve-tokens.json', [
      { name: 'all', role: 'viewer', token: all },
      { name: 'lab-only', role: 'viewer', token: labOnly, engines: ['lab'] },
    ]);
    const cli = startCli({ WHARF_ENGINES_FILE: file, WHARF_TOKENS_FILE: tokens });
    children.push(cli.child);
    const base = (await cli.url).replace(/\/graphql$/, '');
    const readyz = async () => {
      const response = await fetch(`${base}/readyz`);
      return { status: response.status, body: await response.json() };
    };
    expect(await readyz()).toEqual({
      status: 200,
      body: {
        ready: true,
        engines: [
          { name: 'host', ready: true, error: null },
          { name: 'lab', ready: true, error: null },
        ],
      },
    });
    const engines = async (token: string) => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ engines { name } }' }),
      });
      return response.json();
    };
    expect(await engines(all)).toEqual({ data: { engines: [{ name: 'host' }, { name: 'lab' }] } });
    expect(await engines(labOnly)).toEqual({ data: { engines: [{ name: 'lab' }] } });

    // A reload naming an engine that is not configured keeps the tokens in force.
    await writeFile(
      tokens,
      JSON.stringify([{ name: 'lab-only', role: 'viewer', token: labOnly, engines: ['edge'] }]),
    );
    cli.child.kill('SIGHUP');
    const refusal = await eventually('the reload to be refused', async () =>
      cli.logs.find(
        (entry) => entry.msg === 'tokens not reloaded; the previous tokens stay in force',
      ),
    );
    expect(refusal.reason).toContain('"lab-only": engines: no engine named "edge"');
    expect(await engines(all)).toEqual({ data: { engines: [{ name: 'host' }, { name: 'lab' }] } });

    await lab.kill();
    const down = await eventually('readyz to report the lab down', async () => {
      const now = await readyz();
      return now.body.engines[1].ready ? undefined : now;
    });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({
      ready: true,
      engines: [
        { name: 'host', ready: true, error: null },
        { name: 'lab', ready: false, error: expect.stringContaining('"lab"') },
      ],
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
