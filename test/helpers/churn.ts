import { FIXTURE_IMAGE } from './docker.ts';

/** A small seeded generator, so a failing churn can be replayed with its seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_NETWORKS = 3;

export interface ChurnOptions {
  /** The docker CLI against the engine under test. */
  docker: (...args: string[]) => Promise<string>;
  ops: number;
  /** `key=value` put on every container, network and volume. */
  label: string;
  /** Names and image tags start with it. */
  prefix: string;
  concurrency: number;
  seed: number;
  /** Runs after each operation (with its index), e.g. to kill the engine half way. */
  after?: (index: number, churning: Churning) => Promise<void>;
}

/** What `after` may ask of the churn in progress. */
export interface Churning {
  /**
   * Runs `fn` with no network create or remove in flight, holding new ones until it is done (the
   * other operations go on). dockerd 20.10 killed in the middle of one does not start again: its
   * restore panics in libnetwork's reservePools on the half-stored network.
   */
  withoutNetworkWrites<T>(fn: () => Promise<T>): Promise<T>;
}

const isNetworkWrite = (args: readonly string[]) =>
  args[0] === 'network' && (args[1] === 'create' || args[1] === 'rm');

/**
 * Random operations from outside Wharf (create, start, stop, kill, pause, unpause, rename,
 * connect, disconnect, tag, untag, remove, network and volume create/remove) on a few objects of
 * its own. What it believes exists only steers the choice: an operation the engine refuses
 * (a state moved on meanwhile) is fine, the engine is the truth. Returns how many failed.
 */
export async function churn(options: ChurnOptions): Promise<{ failed: number }> {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T | undefined =>
    items[Math.floor(random() * items.length)];
  const containers: string[] = [];
  const networks: string[] = [];
  const volumes: string[] = [];
  const tags: string[] = [];
  let serial = 0;
  const fresh = (kind: string) => `${options.prefix}-${kind}${++serial}`;
  const labelled = ['--label', options.label];

  const operations: (() => string[] | undefined)[] = [
    () => {
      const name = fresh('c');
      containers.push(name);
      const volume = random() < 0.3 ? pick(volumes) : undefined;
      const network = random() < 0.3 ? pick(networks) : undefined;
      return [
        'create',
        ...labelled,
        '--name',
        name,
        ...(volume ? ['-v', `${volume}:/data`] : []),
        ...(network ? ['--network', network] : []),
        FIXTURE_IMAGE,
        'sleep',
        '3600',
      ];
    },
    () => withContainer((c) => ['start', c]),
    () => withContainer((c) => ['start', c]),
    () => withContainer((c) => ['stop', '-t', '0', c]),
    () => withContainer((c) => ['kill', c]),
    () => withContainer((c) => ['pause', c]),
    () => withContainer((c) => ['unpause', c]),
    () =>
      withContainer((c) => {
        const name = fresh('r');
        containers[containers.indexOf(c)] = name;
        return ['rename', c, name];
      }),
    () => {
      const network = pick(networks);
      return network ? withContainer((c) => ['network', 'connect', network, c]) : undefined;
    },
    () => {
      const network = pick(networks);
      return network ? withContainer((c) => ['network', 'disconnect', network, c]) : undefined;
    },
    () =>
      withContainer((c) => {
        containers.splice(containers.indexOf(c), 1);
        return ['rm', '-f', c];
      }),
    () => {
      const tag = `${options.prefix}:t${++serial}`;
      tags.push(tag);
      return ['tag', FIXTURE_IMAGE, tag];
    },
    () => take(tags, (tag) => ['rmi', tag]),
    () => {
      // The engine's default address pools hold about 30 bridge networks, shared with every
      // other test running meanwhile.
      if (networks.length >= MAX_NETWORKS) return undefined;
      const name = fresh('n');
      networks.push(name);
      return ['network', 'create', ...labelled, name];
    },
    () => take(networks, (network) => ['network', 'rm', network]),
    () => {
      const name = fresh('v');
      volumes.push(name);
      return ['volume', 'create', ...labelled, name];
    },
    () => take(volumes, (volume) => ['volume', 'rm', volume]),
  ];

  function withContainer(op: (container: string) => string[]): string[] | undefined {
    const container = pick(containers);
    return container ? op(container) : undefined;
  }

  function take(items: string[], op: (item: string) => string[]): string[] | undefined {
    const item = pick(items);
    if (!item) return undefined;
    items.splice(items.indexOf(item), 1);
    return op(item);
  }

  let networkWrites = 0;
  let held: Promise<unknown> | undefined;
  const churning: Churning = {
    async withoutNetworkWrites(fn) {
      const run = (async () => {
        while (networkWrites > 0) await new Promise((resolve) => setTimeout(resolve, 10));
        return fn();
      })();
      held = run.catch(() => {});
      try {
        return await run;
      } finally {
        held = undefined;
      }
    },
  };
  const run = async (args: string[]) => {
    if (!isNetworkWrite(args)) return options.docker(...args);
    while (held) await held;
    networkWrites += 1;
    try {
      return await options.docker(...args);
    } finally {
      networkWrites -= 1;
    }
  };

  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.ops) {
        const index = next++;
        const args = (pick(operations) as () => string[] | undefined)();
        if (args) await run(args).catch(() => (failed += 1));
        await options.after?.(index, churning);
      }
    }),
  );
  return { failed };
}
