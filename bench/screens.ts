import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import Docker from 'dockerode';
import type { RawEngine } from './fixtures.ts';
import type { Contender } from './measure.ts';
import type { Wharf } from './wharf.ts';

/** A dashboard's list: what `docker ps` shows, with the image's tags. */
export const LIST_SCREEN = /* GraphQL */ `
  query ListScreen($label: String!, $after: String) {
    containers(all: true, first: 100, after: $after, filter: { label: [$label] }) {
      pageInfo { hasNextPage endCursor }
      edges { node { name state status image { tags } ports { privatePort publicPort protocol } labels { key value } } }
    }
  }
`;

/** A detail screen for every container: what only inspect has. */
export const INSPECT_SCREEN = /* GraphQL */ `
  query InspectScreen($label: String!, $after: String) {
    containers(all: true, first: 100, after: $after, filter: { label: [$label] }) {
      pageInfo { hasNextPage endCursor }
      edges { node { name restartCount env mounts { type source destination } networks { networkName ipv4Address network { name } } health { status } } }
    }
  }
`;

type Page = {
  containers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: unknown[] };
};

/** The whole screen, page after page, as a client would. */
export function wharfScreen(
  wharf: Wharf,
  query: string,
  label: string,
  name = wharf.name,
): Contender {
  return {
    name,
    async once() {
      let after: string | null = null;
      let count = 0;
      do {
        const { data }: { data: Page } = await wharf.query<Page>(query, { label, after });
        count += data.containers.edges.length;
        after = data.containers.pageInfo.hasNextPage ? data.containers.pageInfo.endCursor : null;
      } while (after);
      if (count === 0) throw new Error(`${name}: an empty screen`);
      return undefined;
    },
  };
}

const filters = (label: string) => encodeURIComponent(JSON.stringify({ label: [label] }));

export function rawList(raw: RawEngine, label: string): Contender {
  return {
    name: 'raw list',
    async once() {
      await raw.json(`/containers/json?all=1&filters=${filters(label)}`);
      return undefined;
    },
  };
}

export function rawListInspect(raw: RawEngine, label: string): Contender {
  return {
    name: 'raw list+inspect',
    async once() {
      const list = await raw.json<{ Id: string }[]>(
        `/containers/json?all=1&filters=${filters(label)}`,
      );
      await Promise.all(list.map((c) => raw.json(`/containers/${c.Id}/json`)));
      return undefined;
    },
  };
}

export function dockerode(label: string, inspect: boolean): Contender {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  return {
    name: inspect ? 'dockerode list+inspect' : 'dockerode list',
    async once() {
      const list = await docker.listContainers({ all: true, filters: { label: [label] } });
      if (inspect) await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
      return undefined;
    },
  };
}

/** docker-py's `containers.list()` (a list, then one inspect per container), timed in Python. */
export async function dockerPy(label: string): Promise<(Contender & { close(): void }) | string> {
  const child = spawn('python3', [new URL('./docker_py.py', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout });
  const replies = lines[Symbol.asyncIterator]();
  const ask = async () => {
    child.stdin.write(`${JSON.stringify({ label })}\n`);
    const reply = await replies.next();
    if (reply.done) throw new Error('docker-py ended');
    return JSON.parse(reply.value) as { ms: number };
  };
  try {
    await ask();
  } catch {
    child.kill();
    return 'docker-py (python3-docker) is not installed: skipped';
  }
  return { name: 'docker-py list', once: async () => (await ask()).ms, close: () => child.kill() };
}
