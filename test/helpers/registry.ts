/**
 * A real, local, throwaway image registry for pull tests: Debian's `docker-registry` (the CNCF
 * distribution registry) serving plain HTTP on 127.0.0.1 from a temp dir. The host engine treats
 * registries on 127.0.0.0/8 as insecure by default, so push and pull need no daemon config.
 *
 * Only the host's network namespace can reach it: a private engine (private-engine.ts) has its own
 * loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { docker } from './docker.ts';
import { onPath, watchExit } from './processes.ts';

const BINARY = 'docker-registry';
const WAIT_MS = 30_000;

export interface Registry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  address: string;
  /** Its temp dir: config, log and storage. */
  dir: string;
  /** Tags `image` (normally FIXTURE_IMAGE) as `${address}/${as}` on the host engine, pushes it,
   * removes that local tag again and returns the full reference. */
  push(image: string, as: string): Promise<string>;
  /**
   * With `htpasswd`: a docker CLI config dir (DOCKER_CONFIG) holding the user's credentials for
   * this registry, as `docker login` writes them; push() uses it.
   */
  cliConfigDir: string | undefined;
  /** Kills the registry and removes its storage. Idempotent. */
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require this user (htpasswd, bcrypt) for every request, as a private registry does. */
  htpasswd?: { username: string; password: string };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  if (!(await onPath(BINARY))) {
    throw new Error(
      `${BINARY} not found on PATH: pull tests need a local registry (apt-get install docker-registry)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'wharf-registry-'));
  const logPath = join(dir, 'registry.log');
  const configPath = join(dir, 'config.yml');
  await mkdir(join(dir, 'data'));
  const htpasswdPath = join(dir, 'htpasswd');
  const cliConfigDir = options.htpasswd ? join(dir, 'cli') : undefined;
  if (options.htpasswd) {
    const { username, password } = options.htpasswd;
    await writeFile(htpasswdPath, `${username}:${bcrypt.hashSync(password, 4)}\n`);
  }

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;

  const stop = () => {
    stopping ??= (async () => {
      const current = child;
      if (current) {
        current.kill('SIGTERM');
        const gone = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
        if (!gone) {
          current.kill('SIGKILL');
          await Promise.race([exited, sleep(WAIT_MS)]);
        }
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  let address = '';
  try {
    // A free port can be taken between finding and binding it: try a few.
    for (let attempt = 1; ; attempt++) {
      address = `127.0.0.1:${await freePort()}`;
      await writeFile(
        configPath,
        [
          'version: 0.1',
          'log:',
          '  level: warn',
          '  accesslog:',
          '    disabled: true',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${join(dir, 'data')}`,
          '  delete:',
          '    enabled: true',
          'http:',
          `  addr: ${address}`,
          ...(options.htpasswd
            ? ['auth:', '  htpasswd:', '    realm: wharf-test', `    path: ${htpasswdPath}`]
            : []),
          '',
        ].join('\n'),
      );
      const log = openSync(logPath, 'a');
      // REGISTRY_* variables would override the config file.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_')),
      );
      try {
        child = spawn(BINARY, ['serve', configPath], { env, stdio: ['ignore', log, log] });
      } finally {
        closeSync(log);
      }
      const current = child;
      const watch = watchExit(current);
      exited = watch.exited.then(() => {
        if (child === current) child = undefined;
      });
      const deadline = Date.now() + WAIT_MS;
      let ready = false;
      while (!ready) {
        if (child !== current) break;
        ready = await answers(address);
        if (!ready) {
          if (Date.now() > deadline) {
            throw new Error(
              `GET http://${address}/v2/ did not answer 200 within ${WAIT_MS / 1000} s`,
            );
          }
          await sleep(100);
        }
      }
      if (ready) break;
      const tail = await logTail(logPath);
      if (attempt < 3 && /address already in use/.test(tail)) continue;
      throw new Error(`${BINARY} exited during startup (${watch.info()})`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const tail = await logTail(logPath);
    await stop();
    throw new Error(`registry: ${message}\n--- tail of ${BINARY}'s log ---\n${tail}`);
  }

  if (cliConfigDir && options.htpasswd) {
    const { username, password } = options.htpasswd;
    await mkdir(cliConfigDir);
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    await writeFile(
      join(cliConfigDir, 'config.json'),
      JSON.stringify({ auths: { [address]: { auth } } }),
    );
  }
  const cli = cliConfigDir ? ['--config', cliConfigDir] : [];

  return {
    address,
    dir,
    cliConfigDir,
    async push(image: string, as: string) {
      if (stopping) throw new Error('registry: push() after stop()');
      const ref = `${address}/${as}`;
      await docker('tag', image, ref);
      try {
        await docker(...cli, 'push', '--quiet', ref);
      } catch (error) {
        const tail = await logTail(logPath);
        throw new Error(
          `registry: docker push ${ref} failed: ${error instanceof Error ? error.message : error}\n` +
            `--- tail of ${BINARY}'s log ---\n${tail}`,
        );
      } finally {
        // Only the tag goes: the image itself stays (it is still tagged as `image`).
        await docker('rmi', ref);
      }
      return ref;
    },
    stop,
  };
}

async function answers(address: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    // 401: a registry with htpasswd answers, asking for credentials.
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function logTail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
