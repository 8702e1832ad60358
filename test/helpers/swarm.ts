import { type PrivateEngine, startPrivateEngine } from './private-engine.ts';

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
