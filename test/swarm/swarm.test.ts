import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IMAGE } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { PrivateEngine } from '../helpers/private-engine.ts';
import { QUICK_STOP, runningStates, startSwarmEngine, until } from '../helpers/swarm.ts';

/**
 * Swarm reads on a private engine made a single-node swarm (`--advertise-addr 127.0.0.1`), beside
 * the suite's own engine, which is in no swarm. The service is created with the engine's CLI
 * (`--no-resolve-image`: no registry is reachable; the fixture image is local).
 */
let engine: PrivateEngine;
let gateway: TestGateway;
const SERVICE = 'wharf-swarm-web';

beforeAll(async () => {
  engine = await startSwarmEngine('swarm-reads');
  await engine.docker(
    'service',
    'create',
    '--detach',
    '--no-resolve-image',
    '--name',
    SERVICE,
    '--replicas',
    '2',
    '--label',
    'tier=web',
    '--env',
    'DB_PASSWORD=hunter2',
    FIXTURE_IMAGE,
    ...QUICK_STOP,
  );
  gateway = await startGateway({
    engines: [
      { name: 'swarm', dockerHost: engine.dockerHost, default: true },
      { name: 'solo', dockerHost: process.env.DOCKER_HOST ?? '' },
    ],
  });
  await until('two running tasks', async () => (await runningStates(engine, SERVICE)).length === 2);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await engine?.docker('service', 'rm', SERVICE).catch(() => '');
  await engine?.stop();
}, 120_000);

interface TaskView {
  id: string;
  state: string;
  desiredState: string;
  slot: number | null;
  engine: string;
  swarmNode: { hostname: string; role: string; leader: boolean } | null;
  container: {
    name: string;
    state: string;
    task: { id: string } | null;
    service: { name: string } | null;
  } | null;
}

const TREE = `{
  services(filter: { name: ["${SERVICE}"] }) { edges { node {
    id name engine image mode replicas runningTasks desiredTasks env label(key: "tier")
    tasks {
      id state desiredState slot engine
      swarmNode { hostname role leader }
      container { name state task { id } service { name } }
    }
  } } }
}`;

describe('swarm reads', () => {
  it('answers the swarm: cluster id, nodes, managers; join tokens are admin’s', async () => {
    const { swarm } = await gateway.data<{
      swarm: {
        clusterId: string;
        engine: string;
        nodeCount: number;
        managers: { role: string; leader: boolean; state: string }[];
        joinTokens: { worker: string; manager: string } | null;
      };
    }>(
      `{ swarm { clusterId engine nodeCount managers { role leader state } joinTokens { worker manager } } }`,
    );
    expect(swarm.clusterId).toBe(await engine.docker('info', '-f', '{{.Swarm.Cluster.ID}}'));
    expect(swarm).toMatchObject({ engine: 'swarm', nodeCount: 1 });
    expect(swarm.managers).toEqual([{ role: 'MANAGER', leader: true, state: 'READY' }]);
    expect(swarm.joinTokens?.worker).toBe(
      await engine.docker('swarm', 'join-token', '-q', 'worker'),
    );
  });

  it('reads services → tasks → node and container in one query, with a fixed number of engine calls', async () => {
    const { result, calls } = await gateway.countCalls(() => gateway.query(TREE));
    expect(result.errors).toBeUndefined();
    const data = result.data as {
      services: { edges: { node: Record<string, unknown> & { tasks: TaskView[] } }[] };
    };
    const [service] = data.services.edges.map((edge) => edge.node);
    expect(service).toMatchObject({
      name: SERVICE,
      engine: 'swarm',
      image: expect.stringContaining(FIXTURE_IMAGE),
      mode: 'REPLICATED',
      replicas: 2,
      runningTasks: 2,
      desiredTasks: 2,
      label: 'web',
    });
    const running = service?.tasks.filter((task) => task.desiredState === 'RUNNING') ?? [];
    expect(running.map((task) => task.slot).sort()).toEqual([1, 2]);
    for (const task of running) {
      expect(task).toMatchObject({ state: 'RUNNING', engine: 'swarm' });
      expect(task.swarmNode).toMatchObject({ role: 'MANAGER', leader: true });
      // The task's container is on an engine Wharf knows, and leads back to the task.
      expect(task.container).toMatchObject({
        name: expect.stringContaining(`${SERVICE}.${task.slot}.`),
        state: 'RUNNING',
        task: { id: task.id },
        service: { name: SERVICE },
      });
    }
    // services, tasks, nodes, one /info per engine (which engine is which node), containers,
    // and the container → task/service round trip (tasks and services by id): each once.
    const paths = calls.map((call) => `${call.engine} ${call.path.split('?')[0]}`);
    expect(new Set(paths).size, paths.join('\n')).toBe(paths.length);
    expect(calls.every((call) => call.method === 'GET')).toBe(true);
    expect(calls.length, paths.join('\n')).toBeLessThanOrEqual(8);
  });

  it('costs the same engine calls for more tasks (no N+1)', async () => {
    const before = (await gateway.countCalls(() => gateway.query(TREE))).calls.length;
    await engine.docker('service', 'scale', '--detach', `${SERVICE}=4`);
    await until('four running tasks', async () => {
      const { services } = await gateway.data<{
        services: { edges: { node: { runningTasks: number } }[] };
      }>(`{ services(filter: { name: ["${SERVICE}"] }) { edges { node { runningTasks } } } }`);
      return services.edges[0]?.node.runningTasks === 4;
    });
    const { result, calls } = await gateway.countCalls(() => gateway.query(TREE));
    expect(result.errors).toBeUndefined();
    expect(calls.length).toBe(before);
  });

  it('redacts service env below admin and hides join tokens from a viewer', async () => {
    const viewer = await startGateway({
      engines: [{ name: 'swarm', dockerHost: engine.dockerHost }],
      principal: { kind: 'token', name: 'v', role: 'viewer', labels: [] },
    });
    try {
      const result = await viewer.query<{
        swarm: { clusterId: string; joinTokens: unknown };
        service: { env: string[] };
      }>(`{ swarm { clusterId joinTokens { worker } } service(ref: "${SERVICE}") { env } }`);
      expect(result.data?.service.env).toEqual(['DB_PASSWORD=***']);
      expect(result.data?.swarm.clusterId).toBeTruthy();
      expect(result.data?.swarm.joinTokens).toBeNull();
      expect(result.errors?.[0]).toMatchObject({
        path: ['swarm', 'joinTokens'],
        extensions: { code: 'FORBIDDEN', rule: 'role.admin' },
      });
    } finally {
      await viewer.stop();
    }
  });

  it('finds a service, a node and tasks by ref and filter; global ids carry the engine', async () => {
    const { service, swarmNodes, tasks } = await gateway.data<{
      service: { id: string; name: string };
      swarmNodes: {
        edges: { node: { id: string; hostname: string; tasks: { state: string }[] } }[];
      };
      tasks: { edges: { node: { state: string; service: { name: string } } }[] };
    }>(`{
      service(ref: "${SERVICE}") { id name }
      swarmNodes { edges { node { id hostname tasks { state } } } }
      tasks(filter: { service: ["${SERVICE}"], desiredState: [RUNNING] }) {
        edges { node { state service { name } } }
      }
    }`);
    expect(service.name).toBe(SERVICE);
    expect(tasks.edges.map((edge) => edge.node.service.name)).toEqual(
      Array(tasks.edges.length).fill(SERVICE),
    );
    expect(tasks.edges.length).toBeGreaterThanOrEqual(2);
    const node = swarmNodes.edges[0]?.node;
    expect(node?.tasks.length).toBeGreaterThanOrEqual(2);
    const again = await gateway.data<{
      node: { __typename: string; name?: string; hostname?: string };
      swarmNode: { hostname: string } | null;
    }>(`{
      node(id: "${service.id}") { __typename ... on Service { name } }
      swarmNode(ref: "${node?.hostname}") { hostname }
    }`);
    expect(again.node).toEqual({ __typename: 'Service', name: SERVICE });
    expect(again.swarmNode?.hostname).toBe(node?.hostname);
    expect(Buffer.from(service.id, 'base64').toString()).toMatch(/^Service:swarm\//);
    // A global id is a ref too: it names its manager; naming another engine beside it is bad input.
    const byId = await gateway.data<{ service: { name: string }; swarmNode: { id: string } }>(
      `{ service(ref: "${service.id}") { name } swarmNode(ref: "${node?.id}") { id } }`,
    );
    expect(byId).toEqual({ service: { name: SERVICE }, swarmNode: { id: node?.id } });
    const elsewhere = await gateway.query(
      `{ service(ref: "${service.id}", engine: "solo") { name } }`,
    );
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(elsewhere.errors?.[0]?.message).toContain('names engine "swarm", not "solo"');
  });

  it('lists secrets and configs by metadata', async () => {
    // In the engine's own directory, which stop() removes.
    const file = join(dirname(engine.dataRoot), 'secret.txt');
    await writeFile(file, 's3cret');
    await engine.docker('secret', 'create', '--label', 'tier=web', 'wharf-swarm-secret', file);
    await engine.docker('config', 'create', 'wharf-swarm-config', file);
    const { secrets, configs } = await gateway.data<{
      secrets: { edges: { node: { name: string; label: string; createdAt: string } }[] };
      configs: { edges: { node: { name: string } }[] };
    }>(`{
      secrets { edges { node { name label(key: "tier") createdAt } } }
      configs { edges { node { name } } }
    }`);
    expect(secrets.edges.map((edge) => edge.node)).toEqual([
      { name: 'wharf-swarm-secret', label: 'web', createdAt: expect.any(String) },
    ]);
    expect(configs.edges.map((edge) => edge.node.name)).toEqual(['wharf-swarm-config']);
    await engine.docker('secret', 'rm', 'wharf-swarm-secret');
    await engine.docker('config', 'rm', 'wharf-swarm-config');
  });

  it('answers null and empty lists for an engine in no swarm, not an error', async () => {
    const result = await gateway.query(`{
      swarm(engine: "solo") { clusterId }
      services(engine: "solo") { edges { node { name } } }
      tasks(engine: "solo") { edges { node { state } } }
      swarmNodes(engine: "solo") { edges { node { hostname } } }
      secrets(engine: "solo") { edges { node { name } } }
      configs(engine: "solo") { edges { node { name } } }
      service(engine: "solo", ref: "${SERVICE}") { name }
    }`);
    expect(result.errors).toBeUndefined();
    const empty = { edges: [] };
    expect(result.data).toEqual({
      swarm: null,
      services: empty,
      tasks: empty,
      swarmNodes: empty,
      secrets: empty,
      configs: empty,
      service: null,
    });
  });
});

describe('swarm writes (an operator)', () => {
  let operator: TestGateway;
  const NAME = 'wharf-swarm-made';

  beforeAll(async () => {
    operator = await startGateway({
      engines: [{ name: 'swarm', dockerHost: engine.dockerHost }],
      principal: { kind: 'token', name: 'op', role: 'operator', labels: [] },
    });
  });

  afterAll(async () => {
    await operator?.stop();
    await engine?.docker('service', 'rm', NAME).catch(() => '');
  });

  const runningOf = async (name: string) => {
    const { service } = await operator.data<{ service: { runningTasks: number } | null }>(
      `{ service(ref: "${name}") { runningTasks } }`,
    );
    return service?.runningTasks;
  };

  it('creates a replicated service on an overlay network from a local image (a warning, not a failure) and scales it', async () => {
    const overlay = 'wharf-swarm-overlay';
    await engine.docker('network', 'create', '--driver', 'overlay', overlay);
    const created = await operator.data<{
      serviceCreate: {
        warnings: string[];
        service: {
          name: string;
          replicas: number;
          label: string;
          env: string[];
          networks: { name: string; driver: string }[];
        };
      };
    }>(`mutation {
      serviceCreate(input: {
        name: "${NAME}", image: "${FIXTURE_IMAGE}", replicas: 2, command: ${JSON.stringify(QUICK_STOP)},
        env: ["MODE=test"], labels: [{ key: "tier", value: "made" }], networks: ["${overlay}"]
      }) { warnings service { name replicas label(key: "tier") env networks { name driver } } }
    }`);
    expect(created.serviceCreate.service).toEqual({
      name: NAME,
      replicas: 2,
      label: 'made',
      env: ['MODE=***'],
      networks: [{ name: overlay, driver: 'overlay' }],
    });
    expect(created.serviceCreate.warnings.join('\n')).toMatch(
      /could not be accessed on a registry/,
    );
    await until('two running tasks', async () => (await runningOf(NAME)) === 2);

    // By global id.
    const scaled = await operator.data<{ serviceScale: { replicas: number } }>(
      `mutation ($ref: String!) { serviceScale(ref: $ref, replicas: 1) { replicas } }`,
      {
        ref: Buffer.from(
          `Service:swarm/${await engine.docker('service', 'inspect', '-f', '{{.ID}}', NAME)}`,
        ).toString('base64'),
      },
    );
    expect(scaled.serviceScale.replicas).toBe(1);
    await until('one running task', async () => (await runningOf(NAME)) === 1);
    expect(
      await engine.docker('service', 'inspect', '-f', '{{.Spec.Mode.Replicated.Replicas}}', NAME),
    ).toBe('1');
  });

  it('refuses a host-bind mount or added capabilities below admin, before any engine write', async () => {
    for (const [extra, rule] of [
      ['mounts: [{ type: BIND, source: "/etc", target: "/host-etc" }]', 'create.bind-service'],
      ['capAdd: ["SYS_ADMIN"]', 'create.cap-add'],
    ] as const) {
      const { result, calls } = await operator.countCalls(() =>
        operator.query(`mutation {
          serviceCreate(input: { name: "wharf-swarm-refused", image: "${FIXTURE_IMAGE}", ${extra} }) {
            service { name }
          }
        }`),
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule });
      expect(calls.filter((call) => call.method !== 'GET')).toEqual([]);
    }
    expect(await engine.docker('service', 'ls', '-q', '--filter', 'name=wharf-swarm-refused')).toBe(
      '',
    );
  });

  it('creates and removes a secret and a config; secret data is never readable', async () => {
    const made = await operator.data<{
      secretCreate: { id: string; name: string; dockerId: string };
      configCreate: { name: string; dockerId: string };
    }>(`mutation {
      secretCreate(name: "wharf-made-secret", data: "top-secret") { id name dockerId }
      configCreate(name: "wharf-made-config", data: "a=1") { name dockerId }
    }`);
    expect(made.secretCreate.name).toBe('wharf-made-secret');
    expect(await engine.docker('secret', 'ls', '-q', '--filter', 'name=wharf-made-secret')).toBe(
      made.secretCreate.dockerId,
    );
    const secretType = await operator.data<{ __type: { fields: { name: string }[] } }>(
      `{ __type(name: "Secret") { fields { name } } }`,
    );
    expect(secretType.__type.fields.map((field) => field.name)).not.toContain('data');

    const removed = await operator.data<{
      secretRemove: { dockerId: string };
      configRemove: { dockerId: string };
    }>(`mutation {
      secretRemove(ref: "wharf-made-secret") { dockerId }
      configRemove(ref: "wharf-made-config") { dockerId }
    }`);
    expect(removed.secretRemove.dockerId).toBe(made.secretCreate.dockerId);
    expect(removed.configRemove.dockerId).toBe(made.configCreate.dockerId);
    expect(await engine.docker('secret', 'ls', '-q')).toBe('');
    expect(await engine.docker('config', 'ls', '-q')).toBe('');
  });

  it('removes the service, and a second remove is NOT_FOUND', async () => {
    const removed = await operator.data<{ serviceRemove: { dockerId: string } }>(
      `mutation { serviceRemove(ref: "${NAME}") { dockerId } }`,
    );
    expect(removed.serviceRemove.dockerId).toMatch(/^[a-z0-9]{25}$/);
    const again = await operator.query(`mutation { serviceRemove(ref: "${NAME}") { dockerId } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nothing of it is left behind: the engine removes its tasks' containers.
    expect(await engine.docker('service', 'ls', '-q', '--filter', `name=${NAME}`)).toBe('');
    await until('its tasks’ containers to go', async () => {
      const left = await engine.docker(
        ...['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${NAME}`],
      );
      return left === '';
    });
  });
});

describe('swarm tenancy (a token with labels)', () => {
  let tenant: TestGateway;
  const THEIRS = 'wharf-swarm-theirs';
  const OWN = 'wharf-swarm-own';

  beforeAll(async () => {
    await engine.docker(
      'service',
      'create',
      '--detach',
      '--no-resolve-image',
      '--name',
      THEIRS,
      '--label',
      'team=b',
      '--replicas',
      '1',
      FIXTURE_IMAGE,
      ...QUICK_STOP,
    );
    tenant = await startGateway({
      engines: [{ name: 'swarm', dockerHost: engine.dockerHost }],
      principal: { kind: 'token', name: 'ta', role: 'operator', labels: ['team=a'] },
    });
  });

  afterAll(async () => {
    await tenant?.stop();
    await engine?.docker('service', 'rm', THEIRS, OWN).catch(() => '');
  });

  it("sees its own and shared services and their tasks, never another tenant's", async () => {
    await until(
      'the other tenant’s task',
      async () => (await engine.docker('service', 'ps', '-q', THEIRS)).length > 0,
    );
    const seen = await tenant.data<{
      services: { edges: { node: { name: string } }[] };
      tasks: { edges: { node: { service: { name: string } | null } }[] };
      service: { name: string } | null;
    }>(`{
      services { edges { node { name } } }
      tasks { edges { node { service { name } } } }
      service(ref: "${THEIRS}") { name }
    }`);
    const names = seen.services.edges.map((edge) => edge.node.name);
    expect(names).toContain(SERVICE);
    expect(names).not.toContain(THEIRS);
    const owners = new Set(seen.tasks.edges.map((edge) => edge.node.service?.name));
    expect([...owners]).toEqual([SERVICE]);
    expect(seen.service).toBeNull();
  });

  it("writes its own services only: another tenant's is NOT_FOUND, a shared one read-only", async () => {
    const theirs = await tenant.query(`mutation { serviceRemove(ref: "${THEIRS}") { dockerId } }`);
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const shared = await tenant.query(
      `mutation { serviceScale(ref: "${SERVICE}", replicas: 1) { replicas } }`,
    );
    expect(shared.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'tenancy.scope',
    });
    const made = await tenant.data<{ serviceCreate: { service: { label: string } } }>(
      `mutation {
        serviceCreate(input: { name: "${OWN}", image: "${FIXTURE_IMAGE}", replicas: 0 }) {
          service { label(key: "team") }
        }
      }`,
    );
    expect(made.serviceCreate.service.label).toBe('a');
    expect(
      await engine.docker(
        'service',
        'inspect',
        '-f',
        '{{index .Spec.TaskTemplate.ContainerSpec.Labels "team"}}',
        OWN,
      ),
    ).toBe('a');
    expect(await engine.docker('service', 'ls', '-q', '--filter', `name=${THEIRS}`)).not.toBe('');
  });
});
