import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IMAGE } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { QUICK_STOP, type SwarmCluster, startSwarmCluster, until } from '../helpers/swarm.ts';

/**
 * A two-node swarm (a manager and a worker, each a private engine, joined over a veth pair), both
 * engines configured in Wharf with the manager the default. Draining the worker through Wharf
 * moves its tasks to the manager; Wharf's reads and the docker CLI must both say so.
 */
let cluster: SwarmCluster;
let gateway: TestGateway;
const SERVICE = 'wharf-swarm-spread';
const REPLICAS = 4;
const COMMAND = JSON.stringify(QUICK_STOP);

beforeAll(async () => {
  cluster = await startSwarmCluster('swarm-pair');
  gateway = await startGateway({
    engines: [
      { name: 'manager', dockerHost: cluster.manager.dockerHost, default: true },
      { name: 'worker', dockerHost: cluster.worker.dockerHost },
    ],
  });
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await cluster?.manager.docker('service', 'rm', SERVICE).catch(() => '');
  await cluster?.stop();
}, 120_000);

interface TaskView {
  id: string;
  state: string;
  desiredState: string;
  slot: number;
  swarmNode: { dockerId: string; role: string } | null;
  container: {
    dockerId: string;
    engine: string;
    name: string;
    state: string;
    task: { id: string } | null;
    service: { name: string } | null;
  } | null;
}

async function tasksOf(): Promise<TaskView[]> {
  const { tasks } = await gateway.data<{ tasks: { edges: { node: TaskView }[] } }>(`{
    tasks(filter: { service: ["${SERVICE}"] }) { edges { node {
      id state desiredState slot
      swarmNode { dockerId role }
      container { dockerId engine name state task { id } service { name } }
    } } }
  }`);
  return tasks.edges.map((edge) => edge.node);
}

const running = (tasks: TaskView[]) =>
  tasks.filter((task) => task.desiredState === 'RUNNING' && task.state === 'RUNNING');

const availabilityOf = (node: string) =>
  cluster.manager.docker('node', 'inspect', '-f', '{{.Spec.Availability}}', node);

/**
 * `docker node ps`: the tasks of the service on one node (by node id: both engines share the
 * host's hostname, which `docker service ps` shows).
 */
async function cliTasksOn(node: string): Promise<{ desired: string; current: string }[]> {
  const lines = await cluster.manager.docker(
    ...['node', 'ps', '--filter', `name=${SERVICE}`, '--format'],
    '{{.DesiredState}}|{{.CurrentState}}',
    node,
  );
  return lines
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [desired = '', current = ''] = line.split('|');
      return { desired, current };
    });
}

describe('a swarm with a worker engine', () => {
  it('lists both nodes from the manager; the worker engine answers no cluster state, not an error', async () => {
    const result = await gateway.query<{
      swarmNodes: {
        edges: {
          node: {
            dockerId: string;
            role: string;
            leader: boolean;
            state: string;
            availability: string;
          };
        }[];
      };
      onWorker: { edges: unknown[] };
      workerSwarm: unknown;
    }>(`{
      swarmNodes { edges { node { dockerId role leader state availability } } }
      onWorker: swarmNodes(engine: "worker") { edges { node { dockerId } } }
      workerSwarm: swarm(engine: "worker") { clusterId }
    }`);
    expect(result.errors).toBeUndefined();
    const nodes = result.data?.swarmNodes.edges.map((edge) => edge.node) ?? [];
    expect(nodes.sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      {
        dockerId: cluster.managerNode,
        role: 'MANAGER',
        leader: true,
        state: 'READY',
        availability: 'ACTIVE',
      },
      {
        dockerId: cluster.workerNode,
        role: 'WORKER',
        leader: false,
        state: 'READY',
        availability: 'ACTIVE',
      },
    ]);
    expect(result.data?.onWorker.edges).toEqual([]);
    expect(result.data?.workerSwarm).toBeNull();
    const cli = await cluster.manager.docker(
      ...['node', 'ls', '--format', '{{.ID}}|{{.ManagerStatus}}|{{.Status}}|{{.Availability}}'],
    );
    expect(cli.split('\n').sort()).toEqual(
      [`${cluster.managerNode}|Leader|Ready|Active`, `${cluster.workerNode}||Ready|Active`].sort(),
    );
  });

  it('spreads a service on both nodes; a task on the worker resolves its container through the worker engine', async () => {
    await gateway.data(`mutation {
      serviceCreate(input: {
        name: "${SERVICE}", image: "${FIXTURE_IMAGE}", replicas: ${REPLICAS}, command: ${COMMAND}
      }) { service { name } }
    }`);
    let tasks: TaskView[] = [];
    await until(`${REPLICAS} running tasks, each with its container`, async () => {
      tasks = running(await tasksOf());
      return tasks.length === REPLICAS && tasks.every((task) => task.container !== null);
    });
    const onWorker = tasks.filter((task) => task.swarmNode?.dockerId === cluster.workerNode);
    const onManager = tasks.filter((task) => task.swarmNode?.dockerId === cluster.managerNode);
    // The scheduler spreads replicas evenly over nodes that can take them.
    expect(onWorker.length).toBe(REPLICAS / 2);
    expect(onManager.length).toBe(REPLICAS / 2);
    for (const [task, engine, role] of [
      ...onWorker.map((task) => [task, 'worker', 'WORKER'] as const),
      ...onManager.map((task) => [task, 'manager', 'MANAGER'] as const),
    ]) {
      expect(task.swarmNode?.role).toBe(role);
      // A worker reads no cluster state: the container leads back to its task through the manager.
      expect(task.container).toMatchObject({
        engine,
        state: 'RUNNING',
        name: expect.stringContaining(`${SERVICE}.${task.slot}.`),
        task: { id: task.id },
        service: { name: SERVICE },
      });
    }
    // Ground truth: each engine runs exactly the containers Wharf placed on it.
    const containersOn = async (engine: typeof cluster.worker) =>
      (await engine.docker('ps', '-q', '--no-trunc')).split('\n').filter(Boolean).sort();
    expect(await containersOn(cluster.worker)).toEqual(
      onWorker.map((task) => task.container?.dockerId).sort(),
    );
    expect(await containersOn(cluster.manager)).toEqual(
      onManager.map((task) => task.container?.dockerId).sort(),
    );
  });

  it('leaves a worker container’s task null for a token that may not use the manager', async () => {
    const workerOnly = await startGateway({
      engines: [
        { name: 'manager', dockerHost: cluster.manager.dockerHost, default: true },
        { name: 'worker', dockerHost: cluster.worker.dockerHost },
      ],
      principal: { kind: 'token', name: 'w', role: 'viewer', labels: [], engines: ['worker'] },
    });
    try {
      const result = await workerOnly.query<{
        containers: { edges: { node: { engine: string; task: unknown; service: unknown } }[] };
      }>(
        `{ containers(engines: ["worker"]) { edges { node { engine task { id } service { name } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const nodes = result.data?.containers.edges.map((edge) => edge.node) ?? [];
      expect(nodes).toHaveLength(REPLICAS / 2);
      expect(nodes).toEqual(
        Array(REPLICAS / 2).fill({ engine: 'worker', task: null, service: null }),
      );
    } finally {
      await workerOnly.stop();
    }
  });

  it('drains the worker through swarmNodeUpdate: its tasks shut down and run on the manager', async () => {
    const before = running(await tasksOf());
    const workerTasks = new Set(
      before.filter((task) => task.swarmNode?.dockerId === cluster.workerNode).map((t) => t.id),
    );
    expect(workerTasks.size).toBeGreaterThan(0);

    // The worker engine cannot change the cluster: CONFLICT, and nothing changes.
    const refused = await gateway.query(`mutation {
      swarmNodeUpdate(ref: "${cluster.workerNode}", availability: DRAIN, engine: "worker") { availability }
    }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await availabilityOf(cluster.workerNode)).toBe('active');

    const drained = await gateway.data<{
      swarmNodeUpdate: { dockerId: string; availability: string; role: string };
    }>(`mutation {
      swarmNodeUpdate(ref: "${cluster.workerNode}", availability: DRAIN) { dockerId availability role }
    }`);
    expect(drained.swarmNodeUpdate).toEqual({
      dockerId: cluster.workerNode,
      availability: 'DRAIN',
      role: 'WORKER',
    });

    let tasks: TaskView[] = [];
    await until('every running task on the manager, the worker’s shut down', async () => {
      tasks = await tasksOf();
      const live = running(tasks);
      const old = tasks.filter((task) => workerTasks.has(task.id));
      return (
        live.length === REPLICAS &&
        live.every((task) => task.swarmNode?.dockerId === cluster.managerNode) &&
        old.every((task) => task.desiredState === 'SHUTDOWN' && task.state === 'SHUTDOWN')
      );
    });
    // The replacements took the drained tasks' slots, and run on the manager's engine.
    expect(
      running(tasks)
        .map((task) => task.slot)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(running(tasks).every((task) => task.container?.engine === 'manager')).toBe(true);

    // Ground truth: the CLI says the same, and the worker runs nothing.
    expect(await availabilityOf(cluster.workerNode)).toBe('drain');
    const onManager = (await cliTasksOn(cluster.managerNode)).filter(
      (t) => t.desired === 'Running',
    );
    expect(onManager).toHaveLength(REPLICAS);
    expect(onManager.every((task) => task.current.startsWith('Running'))).toBe(true);
    const onWorker = await cliTasksOn(cluster.workerNode);
    expect(onWorker.length).toBeGreaterThan(0);
    expect(onWorker.every((task) => task.desired === 'Shutdown')).toBe(true);
    expect(await cluster.worker.docker('ps', '-q')).toBe('');
  });

  it('makes the worker ACTIVE again; it takes new tasks', async () => {
    const active = await gateway.data<{ swarmNodeUpdate: { availability: string } }>(
      `mutation { swarmNodeUpdate(ref: "${cluster.workerNode}", availability: ACTIVE) { availability } }`,
    );
    expect(active.swarmNodeUpdate.availability).toBe('ACTIVE');
    expect(await availabilityOf(cluster.workerNode)).toBe('active');
    // Swarm does not move running tasks back; a scale-up places the new ones on the idle worker.
    await gateway.data(
      `mutation { serviceScale(ref: "${SERVICE}", replicas: ${REPLICAS + 2}) { name } }`,
    );
    await until('the new tasks to run on the worker', async () => {
      const live = running(await tasksOf());
      return (
        live.length === REPLICAS + 2 &&
        live.filter((task) => task.swarmNode?.dockerId === cluster.workerNode).length === 2
      );
    });
  });
});
