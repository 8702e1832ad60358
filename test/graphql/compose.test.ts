import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, dockerJson, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenEntries } from '../helpers/tokens.ts';

const run = promisify(execFile);
const scope = testScope('compose');
/** Unique per run, as `-p` takes it. */
const PROJECT = `wharf-${scope.run}`;
const TEAM_A = `a-${scope.run}`;
const TENANT_A = 'tenant-a-compose-0123456789';
const TENANT_B = 'tenant-b-compose-0123456789';
const ADMIN = TOKENS.admin;

/**
 * Two services: `app` (two replicas, tenant A's) depends on `store` (shared): alphabetical order
 * is the wrong start order. Both on a named network (tenant A's), `store` with a named volume. The
 * shell exits at once on SIGTERM (as PID 1 it would ignore it).
 */
const COMPOSE_FILE = `
version: "2.4"
services:
  store:
    image: ${FIXTURE_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    labels: { ${TEST_LABEL}: "${scope.run}" }
    networks: [back]
    volumes: ["data:/data"]
  app:
    image: ${FIXTURE_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    labels: { ${TEST_LABEL}: "${scope.run}", team: "${TEAM_A}" }
    depends_on: [store]
    networks: [back]
    scale: 2
networks:
  back:
    labels: { ${TEST_LABEL}: "${scope.run}", team: "${TEAM_A}" }
volumes:
  data:
    labels: { ${TEST_LABEL}: "${scope.run}" }
`;

let gateway: TestGateway;
let dir: string;

function compose(...args: string[]) {
  return run('docker-compose', ['-p', PROJECT, ...args], { cwd: dir });
}

/** The project's containers as the docker CLI has them: name → id and state. */
async function cliContainers(): Promise<Map<string, { id: string; state: string }>> {
  const lines = await docker(
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--format',
    '{{.Names}} {{.ID}} {{.State}}',
  );
  return new Map(
    lines
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', id = '', state = ''] = line.split(' ');
        return [name, { id, state }];
      }),
  );
}

/** The project's networks or volumes as the docker CLI has them, by name. */
async function cliNames(kind: 'network' | 'volume'): Promise<string[]> {
  const filter = `label=com.docker.compose.project=${PROJECT}`;
  const names = await docker(kind, 'ls', '--filter', filter, '--format', '{{.Name}}');
  return names.split('\n').filter(Boolean);
}

const cliVolumesAndNetworks = () => Promise.all([cliNames('volume'), cliNames('network')]);

interface InspectState {
  Id: string;
  Name: string;
  State: { StartedAt: string; FinishedAt: string };
}

async function inspectAll(): Promise<Map<string, InspectState['State']>> {
  const names = [...(await cliContainers()).keys()];
  const all = await dockerJson<InspectState[]>('inspect', ...names);
  return new Map(all.map((c) => [c.Name.replace(/^\//, ''), c.State]));
}

const at = (time: string) => Date.parse(time);

const PROJECT_FIELDS = `
  id name engine status statusText stateCounts { state count } containerCount runningCount
  workingDir configFiles
  services { name image running total dependsOn containers { name } }
  containers { dockerId name state }
  networks { name }
  volumes { name }
`;

interface ProjectFields {
  id: string;
  name: string;
  engine: string;
  status: string;
  statusText: string;
  stateCounts: { state: string; count: number }[];
  containerCount: number;
  runningCount: number;
  workingDir: string | null;
  configFiles: string[];
  services: {
    name: string;
    image: string | null;
    running: number;
    total: number;
    dependsOn: string[];
    containers: { name: string }[];
  }[];
  containers: { dockerId: string; name: string; state: string }[];
  networks: { name: string }[];
  volumes: { name: string }[];
}

const RESULT_FIELDS = `
  id ok
  project { status statusText }
  containers { id dockerId name service ok changed error { code message } container { state } }
  networks { id name removed error { code } }
  volumes { id name removed error { code } }
`;

interface ActionResult {
  id: string;
  ok: boolean;
  project: { status: string; statusText: string } | null;
  containers: {
    id: string;
    dockerId: string;
    name: string;
    service: string | null;
    ok: boolean;
    changed: boolean;
    error: { code: string; message: string } | null;
    container: { state: string } | null;
  }[];
  networks: { id: string; name: string; removed: boolean; error: { code: string } | null }[];
  volumes: { id: string; name: string; removed: boolean; error: { code: string } | null }[];
}

async function project(token: string = ADMIN) {
  const result = await gateway.query<{ composeProject: ProjectFields | null }>(
    `query($name: String!) { composeProject(name: $name) { ${PROJECT_FIELDS} } }`,
    { name: PROJECT },
    token,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.composeProject ?? null;
}

type Action = 'Start' | 'Stop' | 'Restart' | 'Remove';

function act(action: Action, token: string = ADMIN, extra = '') {
  return gateway.query<Record<string, ActionResult>>(
    `mutation($name: String!) { composeProject${action}(name: $name${extra}) { ${RESULT_FIELDS} } }`,
    { name: PROJECT },
    token,
  );
}

async function acted(action: Action, extra = '') {
  const result = await act(action, ADMIN, extra);
  expect(result.errors).toBeUndefined();
  return result.data?.[`composeProject${action}`] as ActionResult;
}

const containerNames = (result: ActionResult) => result.containers.map((c) => c.name);
const store = `${PROJECT}_store_1`;
const apps = [`${PROJECT}_app_1`, `${PROJECT}_app_2`];

beforeAll(async () => {
  const tenants = parseTokens(
    JSON.stringify([
      { name: 'ta', role: 'operator', token: TENANT_A, labels: [`team=${TEAM_A}`] },
      { name: 'tb', role: 'operator', token: TENANT_B, labels: [`team=b-${scope.run}`] },
    ]),
  );
  gateway = await startGateway({ tokens: new TokenStore([...tokenEntries(), ...tenants]) });
  dir = await realpath(await mkdtemp(join(tmpdir(), 'wharf-compose-')));
  await writeFile(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
  await compose('up', '-d');
});

afterAll(async () => {
  await compose('down', '-v', '-t', '0').catch(() => undefined);
  await scope.cleanup();
  await rm(dir, { recursive: true, force: true });
  await gateway?.stop();
});

describe('compose projects', () => {
  it('the docker-compose here is v1, which writes no depends_on label', async () => {
    const { stdout } = await run('docker-compose', ['version', '--short']);
    const labels = await docker('inspect', '-f', '{{json .Config.Labels}}', apps[0] as string);
    expect(stdout.trim()).toMatch(/^1\./);
    expect(labels).not.toContain('com.docker.compose.depends_on');
  });

  it('lists the project with its services, containers, working dir, config files, networks and volumes', async () => {
    const cli = await cliContainers();
    expect([...cli.keys()].sort()).toEqual([...apps, store].sort());
    const query = `{ composeProjects { edges { node { ${PROJECT_FIELDS} } } } }`;
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query<{ composeProjects: { edges: { node: ProjectFields }[] } }>(
        query,
        undefined,
        ADMIN,
      ),
    );
    expect(result.errors).toBeUndefined();
    const found = result.data?.composeProjects.edges.find((e) => e.node.name === PROJECT)?.node;
    expect(found).toMatchObject({
      engine: 'local',
      status: 'RUNNING',
      statusText: 'running(3)',
      stateCounts: [{ state: 'running', count: 3 }],
      containerCount: 3,
      runningCount: 3,
      workingDir: dir,
      configFiles: ['docker-compose.yml'],
      services: [
        {
          name: 'app',
          image: FIXTURE_IMAGE,
          running: 2,
          total: 2,
          dependsOn: [],
          containers: apps.map((name) => ({ name })),
        },
        {
          name: 'store',
          image: FIXTURE_IMAGE,
          running: 1,
          total: 1,
          dependsOn: [],
          containers: [{ name: store }],
        },
      ],
      networks: [{ name: `${PROJECT}_back` }],
      volumes: [{ name: `${PROJECT}_data` }],
    });
    expect(
      found?.containers.map((c) => [c.name, c.dockerId.slice(0, 12), c.state.toLowerCase()]),
    ).toEqual([...apps, store].map((name) => [name, cli.get(name)?.id, cli.get(name)?.state]));
    // One list each, whatever the number of projects; nothing per container (the cache: none).
    const paths = calls.map(
      (call) => `${call.method} ${call.path.replace(/^\/v1\.\d+/, '').split('?')[0]}`,
    );
    expect(paths.sort()).toEqual(
      gateway.cache ? [] : ['GET /containers/json', 'GET /networks', 'GET /volumes'],
    );
  });

  it('answers by name and by global id; an unknown name is null, a bad one BAD_USER_INPUT', async () => {
    const byName = await project();
    expect(byName?.name).toBe(PROJECT);
    const byId = await gateway.query<{ node: { name: string; containerCount: number } }>(
      `query($id: ID!) { node(id: $id) { ... on ComposeProject { name containerCount } } }`,
      { id: byName?.id },
      ADMIN,
    );
    expect(byId.data?.node).toEqual({ name: PROJECT, containerCount: 3 });
    const byGlobalName = await gateway.query<{ composeProject: { name: string } }>(
      `query($name: String!) { composeProject(name: $name) { name } }`,
      { name: byName?.id },
      ADMIN,
    );
    expect(byGlobalName.data?.composeProject).toEqual({ name: PROJECT });
    const none = await gateway.query(
      `{ composeProject(name: "wharf-${scope.run}-none") { name } }`,
      undefined,
      ADMIN,
    );
    expect(none).toEqual({ data: { composeProject: null } });
    const bad = await gateway.query(`{ composeProject(name: "Not/A Name") { name } }`, {}, ADMIN);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows a tenant only what it may see, and its partial stop is not silent', async () => {
    const other = await project(TENANT_B);
    expect(other?.containers.map((c) => c.name)).toEqual([store]);
    expect(other?.services.map((s) => s.name)).toEqual(['store']);
    expect(other?.networks).toEqual([]);
    expect(other?.volumes).toEqual([{ name: `${PROJECT}_data` }]);
    expect((await project(TENANT_A))?.networks).toEqual([{ name: `${PROJECT}_back` }]);

    // Tenant B may change none of it (the shared store is read-only): the failure is the error.
    const refused = await act('Stop', TENANT_B, ', timeout: 5');
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'tenancy.scope',
    });
    // Tenant A stops its own containers; the shared one fails, listed and reported.
    const partial = await act('Stop', TENANT_A, ', timeout: 5');
    const stopped = partial.data?.composeProjectStop;
    expect(stopped?.ok).toBe(false);
    expect(stopped?.containers.map((c) => [c.name, c.ok, c.error?.code ?? null])).toEqual([
      [apps[0], true, null],
      [apps[1], true, null],
      [store, false, 'FORBIDDEN'],
    ]);
    expect(partial.errors).toEqual([
      expect.objectContaining({
        path: ['composeProjectStop'],
        extensions: { code: 'FORBIDDEN', rule: 'tenancy.scope', object: store },
      }),
    ]);
    const cli = await cliContainers();
    expect(apps.map((name) => cli.get(name)?.state)).toEqual(['exited', 'exited']);
    expect(cli.get(store)?.state).toBe('running');
    expect(stopped?.project?.status).toBe('PARTIAL');
  });

  it('stops every container, dependents first, audited per container', async () => {
    const audited = gateway.audits.length;
    const result = await acted('Stop', ', timeout: 5');
    expect(containerNames(result)).toEqual([...apps, store]);
    expect(result.ok).toBe(true);
    // The apps were stopped by the tenant already.
    expect(result.containers.map((c) => c.changed)).toEqual([false, false, true]);
    expect(result.containers.map((c) => c.container?.state)).toEqual([
      'EXITED',
      'EXITED',
      'EXITED',
    ]);
    expect(result.project).toEqual({ status: 'STOPPED', statusText: 'exited(3)' });
    const cli = await cliContainers();
    expect([...cli.values()].map((c) => c.state)).toEqual(['exited', 'exited', 'exited']);
    const line = gateway.audits.slice(audited).find((l) => l.operation === 'composeProjectStop');
    expect(line?.decision).toBe('allow');
    expect(new Set(line?.targets)).toEqual(
      new Set(result.containers.map((c) => `local/${c.dockerId}`)),
    );
  });

  it('starts them in dependency order (from creation order: compose v1 has no labels)', async () => {
    const result = await acted('Start');
    expect(containerNames(result)).toEqual([store, ...apps]);
    expect(result.containers.every((c) => c.ok && c.changed)).toBe(true);
    expect(result.project).toEqual({ status: 'RUNNING', statusText: 'running(3)' });
    const states = await inspectAll();
    const storeStarted = at(states.get(store)?.StartedAt ?? '');
    for (const app of apps)
      expect(at(states.get(app)?.StartedAt ?? '')).toBeGreaterThan(storeStarted);
  });

  it('restarts them, dependencies first', async () => {
    const before = await inspectAll();
    const result = await acted('Restart', ', timeout: 5');
    expect(containerNames(result)).toEqual([store, ...apps]);
    const after = await inspectAll();
    for (const name of [store, ...apps]) {
      expect(at(after.get(name)?.StartedAt ?? '')).toBeGreaterThan(
        at(before.get(name)?.StartedAt ?? ''),
      );
    }
    const storeStarted = at(after.get(store)?.StartedAt ?? '');
    for (const app of apps)
      expect(at(after.get(app)?.StartedAt ?? '')).toBeGreaterThan(storeStarted);
    expect(result.project?.status).toBe('RUNNING');
  });

  it('removes containers and networks, keeping the volume; then it is gone', async () => {
    const ids = [...(await cliContainers()).values()].map((c) => c.id);
    const result = await acted('Remove', ', timeout: 5');
    expect(containerNames(result)).toEqual([...apps, store]);
    expect(result.containers.every((c) => c.ok && c.container === null)).toBe(true);
    expect(result.networks).toMatchObject([
      { name: `${PROJECT}_back`, removed: true, error: null },
    ]);
    expect(result.volumes).toEqual([]);
    expect(result.project).toBeNull();
    expect(await cliContainers()).toEqual(new Map());
    for (const id of ids) {
      expect(await docker('ps', '-aq', '--filter', `id=${id}`)).toBe('');
    }
    expect(await cliNames('network')).toEqual([]);
    expect(await cliNames('volume')).toEqual([`${PROJECT}_data`]);
    expect(await project()).toBeNull();
    const again = await act('Remove');
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(again.errors?.[0]?.message).toBe(`No such compose project: ${PROJECT}`);
  });

  it('starts in the order compose v2 depends_on labels give, not the creation order', async () => {
    // As compose v2 labels them (the CLI makes them: the compose here is v1), created dependents first.
    const name = `${PROJECT}-v2`;
    const needs: [string, string][] = [
      ['web', 'api:service_started:false'],
      ['api', 'db:service_started:false,cache:service_healthy:true'],
      ['db', ''],
    ];
    for (const [service, dependsOn] of needs) {
      await docker(
        'create',
        ...scope.labelArgs,
        ...['--label', `com.docker.compose.project=${name}`],
        ...['--label', `com.docker.compose.service=${service}`],
        ...['--label', 'com.docker.compose.container-number=1'],
        ...['--label', `com.docker.compose.depends_on=${dependsOn}`],
        ...['--name', `${name}-${service}-1`],
        FIXTURE_IMAGE,
        ...['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"],
      );
    }
    const started = await gateway.query<{ composeProjectStart: ActionResult }>(
      `mutation($name: String!) { composeProjectStart(name: $name) { ${RESULT_FIELDS} } }`,
      { name },
      ADMIN,
    );
    expect(started.errors).toBeUndefined();
    const order = ['db', 'api', 'web'].map((service) => `${name}-${service}-1`);
    expect(started.data?.composeProjectStart.containers.map((c) => c.name)).toEqual(order);
    const states = await dockerJson<InspectState[]>('inspect', ...order);
    const times = states.map((state) => at(state.State.StartedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(3);
    const services = await gateway.query<{
      composeProject: { services: { name: string; dependsOn: string[] }[] };
    }>(
      `query($name: String!) { composeProject(name: $name) { services { name dependsOn } } }`,
      { name },
      ADMIN,
    );
    expect(services.data?.composeProject.services).toEqual([
      { name: 'api', dependsOn: ['db', 'cache'] },
      { name: 'db', dependsOn: [] },
      { name: 'web', dependsOn: ['api'] },
    ]);
    const removed = await gateway.query<{ composeProjectRemove: ActionResult }>(
      `mutation($name: String!) { composeProjectRemove(name: $name, timeout: 5) { ${RESULT_FIELDS} } }`,
      { name },
      ADMIN,
    );
    expect(removed.data?.composeProjectRemove.containers.map((c) => c.name)).toEqual(
      [...order].reverse(),
    );
    expect(await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`)).toBe(
      '',
    );
  });

  it('removes the volumes too with `volumes: true`', async () => {
    await compose('up', '-d');
    const result = await acted('Remove', ', timeout: 5, volumes: true');
    expect(result.ok).toBe(true);
    expect(result.volumes).toMatchObject([{ name: `${PROJECT}_data`, removed: true }]);
    expect(await cliVolumesAndNetworks()).toEqual([[], []]);
    expect(await cliContainers()).toEqual(new Map());
  });
});
