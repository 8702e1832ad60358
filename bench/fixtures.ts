import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'undici';
import { mapLimit } from '../src/engine/state/collections.ts';

const run = promisify(execFile);
export const IMAGE = 'wharf-fixture:busybox';
/** Creates and removes in flight at once: the engine serializes much of them, so more buys little. */
const CONCURRENCY = 32;

/** The engine API on the local socket, with undici: what any client's floor is. */
export function rawEngine(socketPath = '/var/run/docker.sock') {
  const client = new Client('http://localhost', {
    socketPath,
    pipelining: 0,
    connections: 32,
  } as never);
  return {
    async json<T>(path: string): Promise<T> {
      const response = await client.request({ method: 'GET', path: `/v1.41${path}` });
      return (await response.body.json()) as T;
    },
    async call(method: 'POST' | 'DELETE' | 'GET', path: string, body?: unknown) {
      const response = await client.request({
        method,
        path: `/v1.41${path}`,
        ...(body !== undefined && {
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
      });
      const text = await response.body.text();
      if (response.statusCode >= 400)
        throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    close: () => client.close(),
  };
}
export type RawEngine = ReturnType<typeof rawEngine>;

/**
 * N labelled containers, created and not started (cheap), with a few started so states, ports and
 * networks vary. Everything carries `label`; `remove` takes it all away.
 */
export async function createFixtures(raw: RawEngine, count: number, started: number) {
  const label = `org.wharf.bench=${randomBytes(4).toString('hex')}`;
  const [key, value] = label.split('=') as [string, string];
  const ids: string[] = [];
  const remove = async () => {
    await mapLimit(ids, CONCURRENCY, (id) =>
      raw.call('DELETE', `/containers/${id}?force=1&v=1`).catch(() => {}),
    );
  };
  try {
    await mapLimit(
      Array.from({ length: count }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const created = (await raw.call(
          'POST',
          `/containers/create?name=wharf-bench-${value}-${i}`,
          {
            Image: IMAGE,
            Cmd: ['sleep', '3600'],
            Labels: { [key]: value, 'bench.index': String(i) },
            Env: [`INDEX=${i}`],
            ExposedPorts: { '8080/tcp': {} },
          },
        )) as { Id: string };
        ids.push(created.Id);
      },
    );
    await Promise.all(
      ids.slice(0, started).map((id) => raw.call('POST', `/containers/${id}/start`)),
    );
  } catch (error) {
    // Half a set is still ours to take away.
    await remove();
    throw error;
  }
  return { label, ids, remove };
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}
