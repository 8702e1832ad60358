import { execFile, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * The Dockerfile, .dockerignore and docker-compose.yml, checked against the real engine: the
 * compose service can open the socket, nothing listens openly by accident, the build context holds
 * no node_modules or .git, and the image's HEALTHCHECK probe works.
 */

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const SOCKET = '/var/run/docker.sock';
/** The `node` user of the node:24-slim image the compose service runs as. */
const NODE_UID = '1000';
const scope = testScope('deployment');
const socketGid = String(statSync(SOCKET).gid);

function composeConfig(env: Record<string, string | undefined>) {
  return run('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

/** Whether `user` with `groups` can read and write the socket, asked in a container. */
async function canUseSocket(user: string, groups: string[]): Promise<boolean> {
  try {
    await docker(
      'run',
      '--rm',
      '--label',
      scope.label,
      '--user',
      user,
      ...groups.flatMap((group) => ['--group-add', group]),
      '-v',
      `${SOCKET}:${SOCKET}`,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      `test -r ${SOCKET} && test -w ${SOCKET}`,
    );
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await scope.cleanup();
});

describe('docker-compose.yml', () => {
  it('needs DOCKER_GID and then gives the service the socket’s group', async () => {
    const missing = await composeConfig({}).then(
      () => undefined,
      (error: { stderr: string }) => error,
    );
    expect(missing?.stderr).toContain('set DOCKER_GID to the group id of the Docker socket');

    const { stdout } = await composeConfig({ DOCKER_GID: socketGid });
    expect(stdout).toMatch(/^ {4}user: node$/m);
    const groups = /^ {4}group_add:\n((?: {4}- .*\n)+)/m
      .exec(stdout)?.[1]
      ?.split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^ {4}- '?|'$/g, ''));
    expect(groups).toEqual([socketGid]);
    expect(await canUseSocket(NODE_UID, groups ?? [])).toBe(true);
    if (socketGid !== '0') {
      // The old default (group 0) cannot open a socket that belongs to the docker group.
      expect(await canUseSocket(`${NODE_UID}:0`, [])).toBe(false);
    }
  });

  it('listens openly only with WHARF_AUTH=none, published on loopback', async () => {
    const { stdout } = await composeConfig({ DOCKER_GID: socketGid });
    expect(stdout).toMatch(/^ {6}WHARF_LISTEN: 0\.0\.0\.0:4000$/m);
    expect(stdout).toMatch(/^ {6}WHARF_AUTH: none$/m);
    const ports = [...stdout.matchAll(/^ {4}- (\S+:\d+:\d+\/tcp)$/gm)].map((match) => match[1]);
    expect(ports).toEqual(['127.0.0.1:4000:4000/tcp']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');

  it('sets no open listener', () => {
    expect(dockerfile).not.toMatch(/^ENV\b.*(WHARF_LISTEN|WHARF_AUTH|0\.0\.0\.0)/m);
  });

  describe('HEALTHCHECK', () => {
    let gateway: TestGateway;
    beforeAll(async () => {
      gateway = await startGateway();
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    /** Runs the image's probe with this machine's node; resolves to its exit code. */
    function probe(listen: string): Promise<number | null> {
      const command = /^HEALTHCHECK .*CMD (\[.*\])$/m.exec(dockerfile)?.[1];
      if (!command) throw new Error('the Dockerfile has no HEALTHCHECK CMD [...]');
      const [program, ...args] = JSON.parse(command) as string[];
      expect(program).toBe('node');
      const child = spawn(process.execPath, args, {
        env: { ...process.env, WHARF_LISTEN: listen },
        stdio: 'ignore',
      });
      return new Promise((resolve) => child.once('exit', resolve));
    }

    it('reports a ready Wharf healthy and a missing one unhealthy', async () => {
      const port = new URL(gateway.url).port;
      expect(await probe(`0.0.0.0:${port}`)).toBe(0);
      expect(await probe('127.0.0.1:1')).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  it('keeps the build context to package files, src/ and the dashboard’s sources', async () => {
    // The engine's own builder applies .dockerignore; the image shows what the context held.
    const tag = `wharf-context-probe:${scope.run}`;
    await new Promise<void>((resolve, reject) => {
      const build = spawn(
        'docker',
        ['build', '-q', '--label', scope.label, '-t', tag, '-f', '-', '.'],
        { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] },
      );
      let stderr = '';
      build.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      build.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`docker build: ${stderr}`)),
      );
      build.stdin.end(`FROM ${FIXTURE_IMAGE}\nCOPY . /context\n`);
    });
    const listing = await docker(
      'run',
      '--rm',
      '--label',
      scope.label,
      tag,
      'find',
      '/context',
      '-maxdepth',
      '1',
    );
    expect(listing.split('\n').sort()).toEqual([
      '/context',
      '/context/package-lock.json',
      '/context/package.json',
      '/context/scripts',
      '/context/src',
      '/context/ui',
    ]);
  });
});
