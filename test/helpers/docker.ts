import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Built locally from busybox-static by scripts/fixture-image.sh; never pulled. */
export const FIXTURE_IMAGE = 'wharf-fixture:busybox';
/** Every object a test creates carries this label, so cleanup never touches anything else. */
export const TEST_LABEL = 'org.wharf.test';

/** The docker CLI: ground truth for what the engine holds. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** stdout and stderr apart, for commands like `docker logs` that write to both. */
export async function dockerStreams(...args: string[]): Promise<{ out: string; err: string }> {
  const { stdout, stderr } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return { out: stdout, err: stderr };
}

export async function dockerJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await docker(...args)) as T;
}

/** One test file's objects: a unique label value, names with a unique prefix, and cleanup. */
export function testScope(file: string) {
  const run = `${file}-${randomBytes(4).toString('hex')}`;
  const label = `${TEST_LABEL}=${run}`;
  let counter = 0;
  return {
    run,
    label,
    name: (hint = 'c') => `wharf-${run}-${hint}-${++counter}`,
    /** `docker create/run` args that label the container. */
    labelArgs: ['--label', label],
    /** Starts a labelled container (detached) running `script` in sh; resolves to its name. */
    async shell(hint: string, script: string, ...options: string[]): Promise<string> {
      const name = `wharf-${run}-${hint}-${++counter}`;
      await docker(
        'run',
        '-d',
        '--label',
        label,
        '--name',
        name,
        ...options,
        FIXTURE_IMAGE,
        'sh',
        '-c',
        script,
      );
      return name;
    },
    async cleanup() {
      const containers = await docker('ps', '-aq', '--filter', `label=${label}`);
      if (containers) await docker('rm', '-f', '-v', ...containers.split('\n'));
      const networks = await docker('network', 'ls', '-q', '--filter', `label=${label}`);
      if (networks) await docker('network', 'rm', ...networks.split('\n'));
      // Also by name: a container created with a named volume removed a moment before makes the
      // engine create it again, unlabelled (the churn tests race exactly that).
      const volumes = new Set(
        [
          await docker('volume', 'ls', '-q', '--filter', `label=${label}`),
          await docker('volume', 'ls', '-q', '--filter', `name=${run}`),
        ].flatMap((list) => (list ? list.split('\n') : [])),
      );
      if (volumes.size > 0) await docker('volume', 'rm', '-f', ...volumes);
      const images = await docker('images', '-q', '--filter', `label=${label}`);
      if (images) await docker('rmi', '-f', ...new Set(images.split('\n')));
    },
  };
}

export type TestScope = ReturnType<typeof testScope>;

/** Polls until `check` returns a value (not undefined), or fails with `what` after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 20_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
