import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type PrivateEngine, startPrivateEngine } from './private-engine.ts';

const run = promisify(execFile);

/**
 * A task command that exits on SIGTERM: a bare `sleep` as pid 1 ignores it, and every task a
 * rollout, rollback or drain replaces would wait out the 10 s stop grace period.
 */
export const QUICK_STOP = ['sh', '-c', "trap 'exit 0' TERM; sleep 300 & wait"];

/** Polls `check` until it holds; fails loudly after `ms`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * A private engine made a single-node swarm (`--advertise-addr 127.0.0.1`: the engine's own
 * network namespace). `stop()` leaves the swarm first.
 */
export async function startSwarmEngine(name: string): Promise<PrivateEngine> {
  const engine = await startPrivateEngine(name);
  try {
    await engine.docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
  } catch (error) {
    await engine.stop();
    throw error;
  }
  const stop = engine.stop.bind(engine);
  return Object.assign(engine, {
    stop: async () => {
      await engine.docker('swarm', 'leave', '--force').catch(() => '');
      await stop();
    },
  });
}

/** The `docker service ps` states of a service's tasks meant to run, e.g. `Running 3 seconds ago`. */
export async function runningStates(engine: PrivateEngine, service: string): Promise<string[]> {
  const states = await engine.docker(
    'service',
    'ps',
    '--filter',
    'desired-state=running',
    '--format',
    '{{.CurrentState}}',
    service,
  );
  return states.split('\n').filter((state) => state.startsWith('Running'));
}

export interface SwarmCluster {
  manager: PrivateEngine;
  worker: PrivateEngine;
  /** Swarm node ids (`docker node ls -q` order is not stable, so by role). */
  managerNode: string;
  workerNode: string;
  /** The worker leaves the swarm, then both engines stop. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The /30 the two engines' namespaces share (a veth pair between them): outside 10.0.0.0/8, the
 * swarm's default address pool for overlay networks (ingress is 10.0.0.0/24), and outside the
 * pools dockerd picks bridges from (172.17–31.x, 192.168.x). Each pair lives only in its own two
 * namespaces, so concurrent clusters do not clash.
 */
const MANAGER_ADDR = '198.18.213.1';
const WORKER_ADDR = '198.18.213.2';
const LINK = 'swarm0';

/**
 * A two-node swarm: a manager (the leader) and a worker, each a private engine in its own network
 * namespace, joined by a veth pair (`--advertise-addr 127.0.0.1` could not be joined from another
 * namespace). Deleting either namespace deletes the pair.
 */
export async function startSwarmCluster(name: string): Promise<SwarmCluster> {
  const started = await Promise.allSettled([
    startPrivateEngine(`${name}-manager`),
    startPrivateEngine(`${name}-worker`),
  ]);
  const engines = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const [manager, worker] = engines;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await worker?.docker('swarm', 'leave', '--force').catch(() => '');
      await manager?.docker('swarm', 'leave', '--force').catch(() => '');
      await Promise.all(engines.map((engine) => engine.stop()));
    })();
    return stopping;
  };
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed || !manager || !worker) throw failed?.reason ?? new Error('no engines');
    await run('ip', [
      ...['-n', manager.netns, 'link', 'add', LINK, 'type', 'veth'],
      ...['peer', 'name', LINK, 'netns', worker.netns],
    ]);
    for (const [engine, addr] of [
      [manager, MANAGER_ADDR],
      [worker, WORKER_ADDR],
    ] as const) {
      await run('ip', ['-n', engine.netns, 'addr', 'add', `${addr}/30`, 'dev', LINK]);
      await run('ip', ['-n', engine.netns, 'link', 'set', LINK, 'up']);
    }
    await manager.docker('swarm', 'init', '--advertise-addr', MANAGER_ADDR);
    const token = await manager.docker('swarm', 'join-token', '-q', 'worker');
    await worker.docker(
      ...['swarm', 'join', '--token', token, '--advertise-addr', WORKER_ADDR],
      `${MANAGER_ADDR}:2377`,
    );
    const nodeId = (engine: PrivateEngine) => engine.docker('info', '-f', '{{.Swarm.NodeID}}');
    const [managerNode, workerNode] = await Promise.all([nodeId(manager), nodeId(worker)]);
    await until('the worker to be ready', async () => {
      const state = await manager.docker('node', 'inspect', '-f', '{{.Status.State}}', workerNode);
      return state === 'ready';
    });
    return { manager, worker, managerNode, workerNode, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
